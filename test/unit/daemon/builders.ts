import type { PortalInfo } from "../../../src/helper-api/context.ts";
import { type JoinedNetwork, scannedNetwork } from "../../../src/helper-api/network.ts";
import { definePlugin } from "../../../src/helper-api/plugin.ts";
import type { LoadedPlugin } from "../../../src/helper-api/registry-types.ts";

export const PORTAL: PortalInfo = {
  verdict: "portal",
  probeUrl: "http://probe.test/generate_204",
  loginUrl: "http://portal.test/login",
};

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
