import { basename } from "node:path";
import { EventEmitter } from "eventemitter3";
import { hotspotError } from "../errors.ts";
import type { JoinedNetwork, ScannedNetwork } from "../helper-api/network.ts";
import { bytesEqual } from "../helper-api/ssid.ts";
import { readScanFile } from "./scan-read.ts";
import type { LeaveEvent, ScanList, ScanSource, ScanSourceEvents } from "./source.ts";

/** Link facts a scripted join may carry (what NetworkManager's Ip4Config/Dhcp4Config would give). */
export interface FixtureLink {
  readonly ipv4?: string;
  readonly gateway?: string;
  readonly dns?: readonly string[];
  readonly captivePortalUri?: string;
  /** Default false: the user chose the network. */
  readonly autoJoined?: boolean;
}

export interface FixtureScanSourceOptions {
  /** Clock for `ScanList.at`; tests pass a fixed one. */
  readonly now?: () => number;
}

/**
 * A ScanSource fed from a scan fixture file (or ScanList data), with scripting methods
 * (`join`, `leave`, `roam`) so the demo and tests can play out what NetworkManager would
 * report. Events are emitted synchronously from the scripting calls, so a test can
 * `join()` and assert on what its listener saw on the next line.
 */
export class FixtureScanSource extends EventEmitter<ScanSourceEvents> implements ScanSource {
  readonly name: string;
  readonly #path: string | undefined;
  readonly #now: () => number;
  #list: ScanList | undefined;
  #link: FixtureLink = {};
  #joined: JoinedNetwork | undefined;

  /** @param input a scan fixture file path, or a ScanList to serve as is. */
  constructor(input: string | ScanList, options: FixtureScanSourceOptions = {}) {
    super();
    this.#now = options.now ?? Date.now;
    if (typeof input === "string") {
      this.#path = input;
      this.name = `fixture:${basename(input)}`;
    } else {
      this.#path = undefined;
      this.#list = input;
      this.name = `fixture:${input.device}`;
    }
  }

  /**
   * Loads the file (if constructed from a path) and emits `scan`.
   * @throws HH_FILE_UNREADABLE or HH_SCAN_FILE_INVALID for a bad file.
   */
  async start(): Promise<void> {
    await this.rescan();
  }

  /** Emits `leave` (reason `source-stopped`) when a network is joined. Idempotent. */
  async stop(): Promise<void> {
    if (this.#joined) this.#emitLeave("source-stopped");
  }

  current(): readonly ScanList[] {
    return this.#list ? [this.#list] : [];
  }

  /** Re-reads the file (data-backed sources re-serve their data with a fresh `at`) and emits `scan`. */
  async rescan(): Promise<readonly ScanList[]> {
    const list = this.#path === undefined ? this.#requireList() : await readScanFile(this.#path);
    this.#list = Object.freeze({ ...list, at: this.#now() });
    this.emit("scan", this.#list);
    return [this.#list];
  }

  /** Replaces the scan with new data and emits `scan` (a scripted "the street changed"). */
  setScan(list: ScanList): void {
    this.#list = Object.freeze({ ...list, at: this.#now() });
    this.emit("scan", this.#list);
  }

  /** The network currently joined, if any. */
  joined(): JoinedNetwork | undefined {
    return this.#joined;
  }

  /**
   * Joins the scanned AP with this BSSID and emits `join` (justJoined true). Joining while
   * on another network first emits `leave` with reason `switched`, as NetworkManager would.
   * @throws HH_FIXTURE_BSSID_NOT_FOUND when the current scan has no such AP.
   */
  join(bssid: string, link: FixtureLink = {}): JoinedNetwork {
    const ap = this.#find(bssid);
    if (this.#joined) this.#emitLeave("switched");
    this.#link = link;
    const network = joinedNetwork(ap, this.#device(), link, true);
    this.#joined = network;
    this.emit("join", { device: network.interface, network });
    return network;
  }

  /**
   * Leaves the joined network and emits `leave`.
   * @throws HH_FIXTURE_NOT_JOINED when no network is joined.
   */
  leave(reason: LeaveEvent["reason"] = "disconnected"): void {
    if (!this.#joined)
      throw hotspotError("HH_FIXTURE_NOT_JOINED", { action: "leave", device: this.#device() });
    this.#emitLeave(reason);
  }

  /**
   * Moves to another AP of the same SSID and emits `roam`. The link facts carry over and
   * `justJoined` is false: a roam continues the session rather than starting one.
   * @throws HH_FIXTURE_NOT_JOINED, HH_FIXTURE_BSSID_NOT_FOUND, or HH_FIXTURE_ROAM_SSID_MISMATCH
   * when the target AP broadcasts a different SSID.
   */
  roam(bssid: string): JoinedNetwork {
    const previous = this.#joined;
    if (!previous) throw hotspotError("HH_FIXTURE_NOT_JOINED", { action: "roam", device: this.#device() });
    const ap = this.#find(bssid);
    if (!bytesEqual(ap.ssid, previous.ssid)) {
      throw hotspotError("HH_FIXTURE_ROAM_SSID_MISMATCH", {
        from: JSON.stringify(previous.ssidText),
        to: JSON.stringify(ap.ssidText),
        bssid: ap.bssid,
      });
    }
    const network = joinedNetwork(ap, previous.interface, this.#link, false);
    this.#joined = network;
    this.emit("roam", { device: network.interface, network, previousBssid: previous.bssid });
    return network;
  }

  #emitLeave(reason: LeaveEvent["reason"]): void {
    const network = this.#joined;
    if (!network) return;
    this.#joined = undefined;
    this.emit("leave", { device: network.interface, network, reason });
  }

  #find(bssid: string): ScannedNetwork {
    const wanted = bssid.toLowerCase();
    const ap = this.#list?.networks.find((n) => n.bssid === wanted);
    if (!ap) throw hotspotError("HH_FIXTURE_BSSID_NOT_FOUND", { bssid: wanted, device: this.#device() });
    return ap;
  }

  #device(): string {
    return this.#list?.device ?? "(not started)";
  }

  #requireList(): ScanList {
    if (!this.#list) throw hotspotError("HH_INTERNAL", { reason: "fixture source has no scan data" });
    return this.#list;
  }
}

/** Builds a frozen JoinedNetwork, copying only the link facts that are present (exactOptionalPropertyTypes). */
function joinedNetwork(
  ap: ScannedNetwork,
  device: string,
  link: FixtureLink,
  justJoined: boolean,
): JoinedNetwork {
  return Object.freeze({
    ...ap,
    interface: device,
    justJoined,
    autoJoined: link.autoJoined ?? false,
    ...(link.ipv4 === undefined ? {} : { ipv4: link.ipv4 }),
    ...(link.gateway === undefined ? {} : { gateway: link.gateway }),
    ...(link.dns === undefined ? {} : { dns: Object.freeze([...link.dns]) }),
    ...(link.captivePortalUri === undefined ? {} : { captivePortalUri: link.captivePortalUri }),
  });
}
