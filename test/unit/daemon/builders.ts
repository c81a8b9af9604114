import type { TestContext } from "node:test";
import { setImmediate as tick } from "node:timers/promises";
import type { SessionDeps } from "../../../src/daemon/session.ts";
import type { PortalInfo } from "../../../src/helper-api/context.ts";
import { type JoinedNetwork, scannedNetwork } from "../../../src/helper-api/network.ts";
import { definePlugin } from "../../../src/helper-api/plugin.ts";
import type { LoadedPlugin } from "../../../src/helper-api/registry-types.ts";

export const PORTAL: PortalInfo = {
  verdict: "portal",
  probeUrl: "http://probe.test/generate_204",
  loginUrl: "http://portal.test/login",
};

/** What the probe answers once the device is through. */
export const ONLINE: PortalInfo = { verdict: "online", probeUrl: PORTAL.probeUrl, status: 204 };

type Observers = Pick<
  SessionDeps,
  | "onState"
  | "onPortal"
  | "onEvaluated"
  | "onAuthenticated"
  | "onUiRequired"
  | "onMaintained"
  | "onLoggedOff"
  | "onProblem"
>;

/** A session's observers that ignore what they are told; a test spreads them and overrides the ones it watches. */
export function quietObservers(): Observers {
  return {
    onState: () => {},
    onPortal: () => {},
    onEvaluated: () => {},
    onAuthenticated: () => {},
    onUiRequired: () => {},
    onMaintained: () => {},
    onLoggedOff: () => {},
    onProblem: () => {},
  };
}

/**
 * Moves the session's clock (`advanceClock`, its `now`) and node:test's mock timers on by
 * `ms` together, letting the promises pending before and after settle.
 */
export async function advance(
  t: TestContext,
  w: { advanceClock(ms: number): void },
  ms: number,
): Promise<void> {
  for (let i = 0; i < 20; i++) await tick();
  w.advanceClock(ms);
  t.mock.timers.tick(ms);
  for (let i = 0; i < 20; i++) await tick();
}

export function network(ssid = "Cafe"): JoinedNetwork {
  return {
    ...scannedNetwork({
      ssid: new TextEncoder().encode(ssid),
      bssid: "02:00:00:00:00:01",
      strength: 70,
      frequency: 2437,
      security: "open",
    }),
    interface: "wlan0",
    justJoined: true,
    autoJoined: true,
  };
}

/** A loaded plugin with no hooks but logoff; ids starting with `nologoff` have none at all. */
export function loaded(id: string): LoadedPlugin {
  return {
    id,
    displayName: id,
    version: "1.0.0",
    priority: 0,
    source: "<test>",
    definition: definePlugin<unknown, unknown>({
      id,
      displayName: id,
      version: "1.0.0",
      sdk: "^0.1.0",
      ...(id.startsWith("nologoff") ? {} : { logoff: async () => undefined }),
    }),
    config: undefined,
    credentials: undefined,
    claims: [],
    portalHosts: [],
  };
}
