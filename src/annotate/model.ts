import { hotspotError } from "../errors.ts";
import type { Confidence } from "../helper-api/confidence.ts";
import type { ScannedNetwork, Security } from "../helper-api/network.ts";
import type { ClaimMatch } from "../helper-api/registry-types.ts";

/** A plugin's claim on a network, as shown to users and scripts. */
export interface ProviderInfo {
  readonly pluginId: string;
  readonly displayName: string;
  readonly confidence: Confidence;
}

/**
 * One access point with the plugins that claim it: exactly the object `hotspot list --json`
 * prints (its contract: README.md, "The CLI"), and what the table and terse renderers show.
 */
export interface AnnotatedNetwork {
  /** SSID as text, invalid UTF-8 replaced with U+FFFD. Not unique: use `ssidHex` for identity. */
  readonly ssid: string;
  /** The SSID's exact bytes, lower-case hex (empty for a hidden network). */
  readonly ssidHex: string;
  readonly bssid: string;
  /** Percent, 0–100. */
  readonly strength: number;
  /** MHz. */
  readonly frequency: number;
  readonly security: Security;
  /** The winning claim: the best-ranked one whose confidence is not `none`; null when nobody claims the network. */
  readonly provider: ProviderInfo | null;
  /** Every claim, best first. */
  readonly claims: readonly ProviderInfo[];
}

/**
 * Joins a scan with the registry's claims (as `PluginRegistry.filterScanList` returns them:
 * aligned with `networks`, each list already ranked best first) and sorts the result by
 * strength, strongest first. The sort is stable, so equal strengths keep scan order.
 * @throws HH_INTERNAL when the two arrays are not aligned.
 */
export function annotate(
  networks: readonly ScannedNetwork[],
  claimsPerNetwork: readonly (readonly ClaimMatch[])[],
): AnnotatedNetwork[] {
  if (networks.length !== claimsPerNetwork.length) {
    throw hotspotError("HH_INTERNAL", {
      reason: `annotate got ${networks.length} networks but ${claimsPerNetwork.length} claim lists`,
    });
  }
  return networks
    .map((network, i) => annotateOne(network, claimsPerNetwork[i] ?? []))
    .sort((a, b) => b.strength - a.strength);
}

function annotateOne(network: ScannedNetwork, matches: readonly ClaimMatch[]): AnnotatedNetwork {
  const claims = matches.map(providerInfo);
  return Object.freeze({
    ssid: network.ssidText,
    ssidHex: network.ssidHex,
    bssid: network.bssid,
    strength: network.strength,
    frequency: network.frequency,
    security: network.security,
    provider: claims.find((c) => c.confidence !== "none") ?? null,
    claims: Object.freeze(claims),
  });
}

/** Only the contract's fields: a ClaimMatch also carries priority and origin, which are internal. */
function providerInfo(m: ClaimMatch): ProviderInfo {
  return Object.freeze({ pluginId: m.pluginId, displayName: m.displayName, confidence: m.confidence });
}
