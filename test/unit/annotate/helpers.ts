import type { Confidence } from "../../../src/helper-api/confidence.ts";
import { type ScannedNetwork, type Security, scannedNetwork } from "../../../src/helper-api/network.ts";
import type { ClaimMatch } from "../../../src/helper-api/registry-types.ts";

export function net(
  ssid: string | Uint8Array,
  strength: number,
  bssid = "02:00:00:00:00:01",
  security: Security = "open",
): ScannedNetwork {
  const bytes = typeof ssid === "string" ? new TextEncoder().encode(ssid) : ssid;
  return scannedNetwork({ ssid: bytes, bssid, strength, frequency: 2437, security });
}

export function claim(pluginId: string, confidence: Confidence, displayName = pluginId): ClaimMatch {
  return { pluginId, displayName, confidence, priority: 0, origin: "static" };
}
