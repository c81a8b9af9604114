import type { ScannedNetwork } from "../../helper-api/network.ts";

/** One access point as a Wi-Fi reader saw it. */
export interface WifiRow {
  /** Interface name, or the reader's label when it cannot tell (node-wifi). */
  readonly device: string;
  /** nmcli's IN-USE mark: the device is associated with this AP. */
  readonly inUse: boolean;
  readonly network: ScannedNetwork;
}

/** A row that was dropped because it cannot be trusted, and why. */
export interface RejectedRow {
  /** The raw text (nmcli line) or a JSON rendering of the parsed row (node-wifi). */
  readonly row: string;
  readonly reason: string;
}

export interface ParsedRows {
  readonly rows: readonly WifiRow[];
  readonly rejected: readonly RejectedRow[];
}
