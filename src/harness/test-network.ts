import type { JoinedNetwork } from "../helper-api/network.ts";
import { scannedNetwork } from "../helper-api/network.ts";
import type { LoadedPlugin } from "../helper-api/registry-types.ts";
import { ssidBytesFromInput } from "../helper-api/ssid.ts";

/**
 * The simulated network a plugin test joins: the SSID given, else the plugin's first exact
 * SSID claim (or a name with its first prefix claim), so the plugin's static claims match
 * as they would on the real network; the link facts point at loopback.
 */
export function joinedNetworkFor(
  plugin: LoadedPlugin,
  fallbackSsid: string,
  opts: { ssid?: string | undefined; apiUrl?: string | undefined } = {},
): JoinedNetwork {
  let ssid: Uint8Array = new TextEncoder().encode(opts.ssid ?? fallbackSsid);
  let bssid = "02:00:00:00:00:01";
  let security: JoinedNetwork["security"] = "open";
  if (opts.ssid === undefined) {
    const exact = plugin.claims.find((c) => "ssid" in c);
    const prefix = plugin.claims.find((c) => "ssidPrefix" in c);
    if (exact && "ssid" in exact) ssid = ssidBytesFromInput(exact.ssid);
    else if (prefix && "ssidPrefix" in prefix)
      ssid = Uint8Array.from([...ssidBytesFromInput(prefix.ssidPrefix), 0x31]);
  }
  const byBssid = plugin.claims.find((c) => "bssidPrefix" in c);
  if (byBssid && "bssidPrefix" in byBssid) {
    const octets = byBssid.bssidPrefix.split(":");
    bssid = [...octets, ...["00", "00", "00", "00", "00", "01"].slice(octets.length)].join(":");
  }
  const claimed = plugin.claims[0]?.security?.[0];
  if (claimed) security = claimed;
  const scanned = scannedNetwork({
    ssid: ssid.subarray(0, 32),
    bssid,
    strength: 80,
    frequency: 2437,
    security,
  });
  return Object.freeze({
    ...scanned,
    interface: "hh-test0",
    justJoined: true,
    autoJoined: true,
    ipv4: "127.0.0.1",
    gateway: "127.0.0.1",
    dns: ["127.0.0.1"],
    ...(opts.apiUrl === undefined ? {} : { captivePortalUri: opts.apiUrl }),
  });
}
