import type { UserConfig } from "../config/schema.ts";
import { compareConfidence } from "./confidence.ts";
import type { ScannedNetwork } from "./network.ts";
import type { ClaimMatch } from "./registry-types.ts";

/**
 * Arbitration between plugins that claim the same network. Unlike Apple's (whichever
 * helper answers first), the order is a pure function of the claims and the user's
 * config: highest confidence; on a tie the user's preferred plugin for this SSID, then the
 * higher declared priority, then the plugin id (ascending) as the last, stable resort.
 */

export interface RankOptions {
  /** The user's preferred plugin for this network (see `preferenceFor`), if any. */
  readonly preferredPluginId?: string | undefined;
}

/** What a tie between equally confident claims is decided on. */
export type TieBreakable = Pick<ClaimMatch, "pluginId" | "priority">;

/**
 * Orders two claims of equal confidence: negative when `a` wins. Exported for evaluation,
 * which must know, before anyone answers, which plugins could still outrank a `high`.
 */
export function compareTie(a: TieBreakable, b: TieBreakable, preferredPluginId?: string): number {
  if (preferredPluginId !== undefined && a.pluginId !== b.pluginId) {
    if (a.pluginId === preferredPluginId) return -1;
    if (b.pluginId === preferredPluginId) return 1;
  }
  if (a.priority !== b.priority) return b.priority - a.priority;
  return a.pluginId < b.pluginId ? -1 : a.pluginId > b.pluginId ? 1 : 0;
}

/** Full order of claims: negative when `a` ranks before `b`. */
export function compareClaims(a: ClaimMatch, b: ClaimMatch, preferredPluginId?: string): number {
  return compareConfidence(b.confidence, a.confidence) || compareTie(a, b, preferredPluginId);
}

/** The claims, best first (a new array; the input is not modified). */
export function rankClaims(claims: readonly ClaimMatch[], opts: RankOptions = {}): ClaimMatch[] {
  const preferred = opts.preferredPluginId;
  return [...claims].sort((a, b) => compareClaims(a, b, preferred));
}

type PreferenceNetwork = Pick<ScannedNetwork, "ssid" | "ssidText" | "ssidHex">;

/**
 * The user's preferred plugin for `network`, from `config.preferences`. Keys are SSID text
 * or `hex:<hex>` for exact bytes (hex digits in any case). The hex key wins when both are
 * given. A text key matches only an SSID whose bytes are exactly that text in UTF-8: an
 * SSID with invalid UTF-8 shows U+FFFD in its text, and several different SSIDs could
 * show the same text, so those are reachable by their hex key only.
 */
export function preferenceFor(
  config: Pick<UserConfig, "preferences">,
  network: PreferenceNetwork,
): string | undefined {
  return preferenceLookup(config)(network);
}

/**
 * `preferenceFor` with the config's keys indexed once, for callers that look up many
 * networks (the registry does, once per AP of every scan).
 */
export function preferenceLookup(
  config: Pick<UserConfig, "preferences">,
): (network: PreferenceNetwork) => string | undefined {
  const byHex = new Map<string, string>();
  const byText = new Map<string, string>();
  for (const [key, pluginId] of Object.entries(config.preferences)) {
    if (key.startsWith("hex:")) byHex.set(key.slice(4).toLowerCase(), pluginId);
    else byText.set(key, pluginId);
  }
  return (network) => {
    if (byHex.size === 0 && byText.size === 0) return undefined;
    const hex = byHex.get(network.ssidHex.toLowerCase());
    if (hex !== undefined) return hex;
    const text = byText.get(network.ssidText);
    if (text === undefined) return undefined;
    return Buffer.from(network.ssidText, "utf8").equals(network.ssid) ? text : undefined;
  };
}
