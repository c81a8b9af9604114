import type { Claim } from "../../../src/helper-api/claims.ts";
import { type ScannedNetwork, type Security, scannedNetwork } from "../../../src/helper-api/network.ts";
import type { ClaimMatch } from "../../../src/helper-api/registry-types.ts";
import { hexToBytes } from "../../../src/helper-api/ssid.ts";

/** A scanned network from text or `{ hex }`, with defaults for the facts a test does not care about. */
export function network(
  ssid: string | { hex: string },
  opts: { bssid?: string; security?: Security; strength?: number } = {},
): ScannedNetwork {
  return scannedNetwork({
    ssid: typeof ssid === "string" ? new TextEncoder().encode(ssid) : hexToBytes(ssid.hex),
    bssid: opts.bssid ?? "02:00:00:00:00:01",
    strength: opts.strength ?? 60,
    frequency: 2437,
    security: opts.security ?? "open",
  });
}

/** What the index needs of a plugin. */
export function indexable(id: string, claims: readonly Claim[], priority = 0) {
  return { id, displayName: id.toUpperCase(), priority, claims };
}

/** `id:confidence` pairs, for compact assertions. */
export function summary(matches: readonly ClaimMatch[]): string[] {
  return matches.map((m) => `${m.pluginId}:${m.confidence}`);
}
