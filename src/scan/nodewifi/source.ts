import { EventEmitter } from "eventemitter3";
import { hotspotError, isHotspotError, reasonOf } from "../../errors.ts";
import type { ScannedNetwork } from "../../helper-api/network.ts";
import type { Connectivity } from "../networkmanager/constants.ts";
import type { ScanList, ScanSource, ScanSourceEvents } from "../source.ts";
import { JoinTracker } from "./joins.ts";
import type { ReaderSnapshot, WifiReader } from "./reader.ts";
import type { RejectedRow } from "./rows.ts";

export interface PollingSourceOptions {
  /** Time between polls while started. Default 10000 ms. */
  readonly pollIntervalMs?: number;
  /**
   * When the first read fails because nmcli or NetworkManager is not there: `retry` (default,
   * for the daemon) warns and keeps polling, `fail` makes `start()` reject (one-shot CLI).
   */
  readonly whenUnavailable?: "retry" | "fail";
  /** Clock for `ScanList.at`. */
  readonly now?: () => number;
}

/** Strongest first, then by BSSID, like the D-Bus source, so unchanged scans compare equal. */
function byStrength(a: ScannedNetwork, b: ScannedNetwork): number {
  return b.strength - a.strength || (a.bssid < b.bssid ? -1 : a.bssid > b.bssid ? 1 : 0);
}

/** What makes two scans of a device the same for the purpose of emitting `scan` again. */
function scanKey(networks: readonly ScannedNetwork[]): string {
  return networks.map((n) => `${n.bssid}/${n.ssidHex}/${n.strength}/${n.frequency}/${n.security}`).join(",");
}

/**
 * The fallback ScanSource for systems where NetworkManager's D-Bus API cannot be used: it
 * polls a command-line reader (our own nmcli parser, or node-wifi guarded) at an interval.
 * Polling is acceptable here because this is the fallback; the D-Bus source never polls.
 * Emits `scan` for a device when its list changed (and on every `rescan()`), join/leave/roam
 * when the reader can see device states (nmcli), and one `warning` per distinct rejected row.
 */
export class PollingWifiSource extends EventEmitter<ScanSourceEvents> implements ScanSource {
  readonly name: string;
  /** Present when the reader can ask NetworkManager to re-check connectivity (nmcli). */
  readonly checkConnectivity?: () => Promise<Connectivity>;
  readonly #reader: WifiReader;
  readonly #interval: number;
  readonly #mode: "retry" | "fail";
  readonly #now: () => number;
  readonly #lists = new Map<string, { list: ScanList; key: string }>();
  readonly #warned = new Set<string>();
  readonly #joins: JoinTracker;
  #started = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped by stop(): a poll of an earlier run that settles after a restart must not start a second loop. */
  #run = 0;
  #inFlight: Promise<void> = Promise.resolve();

  constructor(reader: WifiReader, options: PollingSourceOptions = {}) {
    super();
    this.#reader = reader;
    this.name = reader.name;
    this.#interval = options.pollIntervalMs ?? 10_000;
    this.#mode = options.whenUnavailable ?? "retry";
    this.#now = options.now ?? Date.now;
    this.#joins = new JoinTracker({
      join: (e) => this.emit("join", e),
      leave: (e) => this.emit("leave", e),
      roam: (e) => this.emit("roam", e),
      unknownAp: (device) =>
        this.emit(
          "warning",
          hotspotError("HH_NM_CALL_FAILED", {
            method: `${reader.name} device wifi list`,
            reason: `${device} is connected but no access point is marked in use; its network stays unknown`,
          }),
        ),
    });
    const check = reader.checkConnectivity?.bind(reader);
    if (check) this.checkConnectivity = check;
  }

  /**
   * Reads once (emitting `scan` per device and any join), then polls every interval.
   * @throws in mode `fail`: HH_NMCLI_UNAVAILABLE, HH_NM_UNAVAILABLE or HH_NM_CALL_FAILED.
   */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    try {
      await this.#track(this.#reader.read().then((s) => this.#apply(s, true)));
    } catch (e) {
      if (this.#mode === "fail") {
        this.#started = false;
        throw e;
      }
      this.#warn(e);
    }
    this.#schedule();
  }

  /** Stops polling, waits for a poll in flight, then emits `leave` (source-stopped) for joined devices. Idempotent. */
  async stop(): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    this.#run++;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#inFlight.catch(() => {});
    this.#joins.stop();
  }

  current(): readonly ScanList[] {
    return [...this.#lists.values()].map((v) => v.list);
  }

  /**
   * Asks the reader for a fresh scan and emits `scan` for every device. A refused scan is a
   * `warning` (HH_NM_SCAN_REFUSED) and the last scan is returned.
   * @throws HH_NM_UNAVAILABLE when the source is not started; the reader's errors.
   */
  async rescan(): Promise<readonly ScanList[]> {
    if (!this.#started) {
      throw hotspotError("HH_NM_UNAVAILABLE", { bus: this.name, reason: "the source is not started" });
    }
    const result = await this.#track(this.#reader.rescan());
    if (result.refused) this.emit("warning", result.refused);
    this.#apply(result.snapshot, true);
    return this.current();
  }

  #schedule(): void {
    if (!this.#started) return;
    const run = this.#run;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#track(this.#reader.read().then((s) => this.#apply(s, false)))
        .catch((e: unknown) => this.#warn(e))
        .finally(() => {
          if (run === this.#run) this.#schedule();
        });
    }, this.#interval);
  }

  /** Remembers the latest reader call so `stop()` can wait for it. */
  #track<T>(p: Promise<T>): Promise<T> {
    this.#inFlight = p.then(
      () => {},
      () => {},
    );
    return p;
  }

  #apply(snapshot: ReaderSnapshot, force: boolean): void {
    if (!this.#started) return;
    const at = this.#now();
    const byDevice = new Map<string, ScannedNetwork[]>();
    for (const d of snapshot.devices ?? []) if (d.type === "wifi") byDevice.set(d.iface, []);
    for (const r of snapshot.rows) {
      const list = byDevice.get(r.device) ?? [];
      list.push(r.network);
      byDevice.set(r.device, list);
    }
    for (const device of [...this.#lists.keys()]) if (!byDevice.has(device)) this.#lists.delete(device);
    for (const [device, networks] of byDevice) {
      networks.sort(byStrength);
      const key = scanKey(networks);
      if (!force && this.#lists.get(device)?.key === key) continue;
      const list: ScanList = Object.freeze({ device, networks: Object.freeze(networks), at });
      this.#lists.set(device, { list, key });
      this.emit("scan", list);
    }
    for (const r of snapshot.rejected) this.#reject(r);
    if (snapshot.devices) this.#joins.update(snapshot.devices, snapshot.rows);
  }

  /** One warning per distinct rejected row, not one per poll. */
  #reject(r: RejectedRow): void {
    const id = `${r.row}\u0000${r.reason}`;
    if (this.#warned.has(id)) return;
    if (this.#warned.size > 1000) this.#warned.clear();
    this.#warned.add(id);
    this.emit(
      "warning",
      hotspotError("HH_WIFI_ROW_REJECTED", { reader: this.name, reason: r.reason, row: r.row.slice(0, 200) }),
    );
  }

  #warn(e: unknown): void {
    this.emit(
      "warning",
      isHotspotError(e) ? e : hotspotError("HH_NM_CALL_FAILED", { method: this.name, reason: reasonOf(e) }),
    );
  }
}
