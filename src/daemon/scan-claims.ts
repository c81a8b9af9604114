import { type AnnotatedNetwork, annotate } from "../annotate/model.ts";
import type { ScannedNetwork } from "../helper-api/network.ts";
import type { ClaimMatch } from "../helper-api/registry-types.ts";

interface Seen {
  readonly network: ScannedNetwork;
  readonly claims: readonly ClaimMatch[];
}

/**
 * Claims from each device's latest scan, by BSSID, for `list` and for sessions (dynamic
 * claims come only from a scan). Replaced whole on every scan, so a daemon that sees
 * thousands of access points over a day keeps only the current ones.
 */
export class ScanClaims {
  readonly #byDevice = new Map<string, ReadonlyMap<string, Seen>>();

  /** A device's new scan with the claims made on each network, in the same order. */
  record(device: string, networks: readonly ScannedNetwork[], claims: readonly (readonly ClaimMatch[])[]) {
    this.#byDevice.set(
      device,
      new Map(networks.map((network, i) => [network.bssid, { network, claims: claims[i] ?? [] }])),
    );
  }

  /** Claims on one network from the latest scan it was in; undefined when no scan saw it. */
  claimsFor(network: ScannedNetwork): readonly ClaimMatch[] | undefined {
    for (const byBssid of this.#byDevice.values()) {
      const seen = byBssid.get(network.bssid);
      // Dynamic claims were made for that SSID: a BSSID now announcing another one gets none of them.
      if (seen && seen.network.ssidHex === network.ssidHex) return seen.claims;
    }
    return undefined;
  }

  /** The latest scan of every device, annotated with claims (strongest first per device). */
  list(): readonly AnnotatedNetwork[] {
    const rows: AnnotatedNetwork[] = [];
    for (const byBssid of this.#byDevice.values()) {
      const entries = [...byBssid.values()];
      rows.push(
        ...annotate(
          entries.map((e) => e.network),
          entries.map((e) => e.claims),
        ),
      );
    }
    return rows;
  }
}
