import type { HotspotError } from "../../errors.ts";
import type { Connectivity } from "../networkmanager/constants.ts";
import type { NmcliDevice } from "./device-show.ts";
import type { RejectedRow, WifiRow } from "./rows.ts";

/** One look at the Wi-Fi world through a command-line reader. */
export interface ReaderSnapshot {
  readonly rows: readonly WifiRow[];
  readonly rejected: readonly RejectedRow[];
  /**
   * Every device with its state and link facts, when the reader can see them (nmcli);
   * undefined for readers that only scan (node-wifi), which then report no joins.
   */
  readonly devices?: readonly NmcliDevice[];
}

/** What a fresh-scan request gave: the snapshot, and why the scan was refused if it was. */
export interface RescanResult {
  readonly snapshot: ReaderSnapshot;
  /** HH_NM_SCAN_REFUSED when NetworkManager refused (the snapshot then holds the last scan). */
  readonly refused?: HotspotError;
}

/**
 * The seam between the polling source and a way of asking the system for Wi-Fi facts. Both
 * implementations only read: nothing is ever connected, so no secret is ever passed to a
 * child process on its command line (where `ps` would show it to every user).
 */
export interface WifiReader {
  /** For logs and warnings: `nmcli` or `node-wifi`. */
  readonly name: string;
  /** Reads what the system knows now, without asking for a new scan. */
  read(): Promise<ReaderSnapshot>;
  /** Asks for a new scan and reads its result. */
  rescan(): Promise<RescanResult>;
  /** Asks NetworkManager to re-check connectivity, when this reader can. */
  checkConnectivity?(): Promise<Connectivity>;
}
