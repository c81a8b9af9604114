import type { SessionInfo } from "../helper-api/context.ts";
import type { JoinedNetwork } from "../helper-api/network.ts";
import type { LoadedPlugin } from "../helper-api/registry-types.ts";
import { networkKey, type SessionDeps } from "./session-deps.ts";
import { loginBackoffMs } from "./state/records.ts";

/** A saved session to take up instead of logging in. */
export interface Resumable {
  readonly plugin: LoadedPlugin;
  readonly session: SessionInfo;
  /** When its facts arrived: their expiry counts from here. */
  readonly factsAt: number;
}

/**
 * The session saved on `device` for this network, when its plugin is still loaded and its
 * end has not passed: one a restarted daemon finds, or one the portal kept while the device
 * was away, on this network's other access points or on other networks in between (it
 * knows us by MAC address, so this works with a stable address, not a random one). Taken up
 * only when the probe says the portal lets us through: Apple's rejoin from cache, no
 * evaluate, no login; the first maintain, marked `justJoined`, asks the plugin.
 */
export function resumable(deps: SessionDeps, device: string, network: JoinedNetwork): Resumable | undefined {
  const saved = deps.records?.get(device, network);
  if (!saved) return undefined;
  const plugin = deps.calls.plugin(saved.pluginId);
  if (!plugin) return undefined;
  return {
    plugin,
    session: { authenticatedAt: saved.authenticatedAt, facts: saved.facts },
    factsAt: saved.factsAt,
  };
}

/** How long the next login on this network must still wait after failed ones, and why. */
export function loginBackoff(
  deps: SessionDeps,
  network: JoinedNetwork,
  now: number,
): { readonly waitMs: number; readonly reason: string } | undefined {
  const failed = deps.failures?.get(networkKey(network));
  if (!failed) return undefined;
  const waitMs = failed.lastAt + loginBackoffMs(failed.count) - now;
  if (waitMs <= 0) return undefined;
  return {
    waitMs,
    reason: `waiting ${Math.ceil(waitMs / 1000)} s before logging in: ${failed.count} failed login(s), last: ${failed.reason}`,
  };
}
