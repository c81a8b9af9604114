import type { UserConfig } from "../config/schema.ts";
import { preferenceLookup, rankClaims } from "./arbitration.ts";
import { ClaimIndex, type IndexablePlugin } from "./claim-index.ts";
import type { ScannedNetwork } from "./network.ts";
import type { ClaimMatch } from "./registry-types.ts";

/**
 * Plugins' static claims compiled into one index, and claims put in arbitration order. The
 * registry adds its plugins' filterScanList answers between the two; `hotspot list` over
 * cached descriptors (plugins it has not imported) uses it alone. Runs no plugin code and
 * loads no zod. The index throws HH_PLUGIN_CLAIM_CONFLICT for identical claims at equal
 * priority.
 */
export interface StaticClaims {
  /** The static claims on one network, unordered, as a new array the caller may extend. */
  match(network: ScannedNetwork): ClaimMatch[];
  /** `claims` on `network` best first, frozen; the user's per-SSID preference breaks ties. */
  rank(network: ScannedNetwork, claims: ClaimMatch[]): readonly ClaimMatch[];
}

export function staticClaims(
  plugins: readonly IndexablePlugin[],
  config: Pick<UserConfig, "preferences">,
): StaticClaims {
  const index = new ClaimIndex(plugins);
  const preferenceFor = preferenceLookup(config);
  const NONE: readonly ClaimMatch[] = Object.freeze([]);
  return {
    match: (network) => index.match(network),
    // Most APs of a scan have no claim or one: those need no preference and no sort.
    rank(network, claims) {
      if (claims.length === 0) return NONE;
      if (claims.length === 1) return Object.freeze(claims);
      return Object.freeze(rankClaims(claims, { preferredPluginId: preferenceFor(network) }));
    },
  };
}
