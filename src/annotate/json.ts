import type { AnnotatedNetwork, ProviderInfo } from "./model.ts";

/**
 * JSON.stringify already escapes C0 controls; these are the remaining invisible or
 * direction-changing characters (C1 controls, bidi marks and overrides, line separators,
 * BOM) that would otherwise reach a terminal raw when the JSON is printed. Escaping them
 * as `\uXXXX` changes the bytes, not the data.
 */
const INVISIBLE = /[\u0080-\u009f\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

function escapeInvisible(json: string): string {
  return json.replace(INVISIBLE, (ch) => `\\u${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`);
}

const provider = (p: ProviderInfo): ProviderInfo => ({
  pluginId: p.pluginId,
  displayName: p.displayName,
  confidence: p.confidence,
});

/**
 * The `hotspot list --json` contract: an array, one object per access point, with exactly
 * ssid, ssidHex, bssid, strength, frequency, security, provider, claims (picked field by
 * field, so nothing internal leaks into a public format). Pretty-printed, newline-terminated.
 */
export function renderJson(networks: readonly AnnotatedNetwork[]): string {
  const contract = networks.map((n) => ({
    ssid: n.ssid,
    ssidHex: n.ssidHex,
    bssid: n.bssid,
    strength: n.strength,
    frequency: n.frequency,
    security: n.security,
    provider: n.provider ? provider(n.provider) : null,
    claims: n.claims.map(provider),
  }));
  return `${escapeInvisible(JSON.stringify(contract, null, 2))}\n`;
}
