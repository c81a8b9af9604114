import { Variant } from "@jellybrick/dbus-next";
import { EventEmitter } from "eventemitter3";
import { hotspotError, reasonOf } from "../../errors.ts";
import { systemBusAddress } from "../dbus/bus.ts";
import type { ScanList, ScanSource, ScanSourceEvents } from "../source.ts";
import { type ConnectivitySnapshot, connectivitySnapshot, sameConnectivity } from "./connectivity.ts";
import { type Connectivity, connectivityName, IFACE, NM_PATH, NO_OBJECT } from "./constants.ts";
import type { PropertyProblem } from "./decode.ts";
import { type NetworkManagerStatus, NmLifecycle } from "./lifecycle.ts";
import { type DeviceLink, deviceLinks } from "./links.ts";
import { readMacSetting } from "./mac-setting.ts";
import { rescanDevice } from "./rescan.ts";
import { ObjectStore } from "./store.ts";
import { Tracker } from "./tracker.ts";

export interface NetworkManagerSourceOptions {
  /** D-Bus address of the bus NetworkManager is on. Default: `DBUS_SYSTEM_BUS_ADDRESS` or the system bus. */
  readonly busAddress?: string;
  /**
   * When the bus or NetworkManager is absent: `retry` (default; for the daemon) warns and keeps
   * trying with backoff, `fail` makes `start()` reject with HH_NM_UNAVAILABLE (one-shot CLI).
   */
  readonly whenUnavailable?: "retry" | "fail";
  /** How long `rescan()` waits for NetworkManager to finish a requested scan. Default 15000 ms. */
  readonly scanTimeoutMs?: number;
  /** Deadline for each D-Bus call. Default 5000 ms. */
  readonly callTimeoutMs?: number;
  /** Backoff before reconnect attempt `n` (0-based). Default 250 ms doubling to 30 s. */
  readonly retryDelayMs?: (attempt: number) => number;
  /** Peers without `LastScan`: scan event this long after the last AP change. Default 100 ms. */
  readonly settleMs?: number;
  /** Clock for `ScanList.at`. */
  readonly now?: () => number;
}

export type { NetworkManagerStatus } from "./lifecycle.ts";

/** Events beyond ScanSource's, on their own emitter so the class stays a plain ScanSource. */
interface ExtraEvents {
  connectivity: (snapshot: ConnectivitySnapshot) => void;
  status: (status: NetworkManagerStatus) => void;
}

const defaultDelay = (attempt: number): number => Math.min(30_000, 250 * 2 ** attempt);

/** `uri` when it is an absolute http(s) URL, else undefined. */
function probeableUrl(uri: string | undefined): string | undefined {
  if (uri === undefined || uri.trim() === "") return undefined;
  try {
    const url = new URL(uri.trim());
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The live ScanSource: NetworkManager over D-Bus. Reads every Wi-Fi device's access points,
 * emits one `scan` per completed scan (NetworkManager's `LastScan`), `join`/`leave`/`roam` with
 * the link's facts, and tracks connectivity. It survives NetworkManager restarts (full resync,
 * no duplicate joins) and a bus that is not there yet, and it does nothing while nothing
 * changes: no timers, no polling.
 */
export class NetworkManagerSource extends EventEmitter<ScanSourceEvents> implements ScanSource {
  readonly name = "networkmanager";
  readonly busAddress: string;
  readonly #callTimeoutMs: number;
  readonly #scanTimeoutMs: number;
  readonly #store = new ObjectStore();
  readonly #tracker: Tracker;
  readonly #life: NmLifecycle;
  #connectivity: ConnectivitySnapshot | undefined;
  readonly #extra = new EventEmitter<ExtraEvents>();

  constructor(options: NetworkManagerSourceOptions = {}) {
    super();
    this.busAddress = options.busAddress ?? systemBusAddress();
    this.#callTimeoutMs = options.callTimeoutMs ?? 5000;
    this.#scanTimeoutMs = options.scanTimeoutMs ?? 15_000;
    this.#tracker = new Tracker(
      this.#store,
      {
        scan: (l) => this.emit("scan", l),
        join: (e) => this.emit("join", e),
        leave: (e) => this.emit("leave", e),
        roam: (e) => this.emit("roam", e),
      },
      { now: options.now ?? Date.now, settleMs: options.settleMs ?? 100 },
    );
    this.#life = new NmLifecycle(
      this.busAddress,
      {
        mode: options.whenUnavailable ?? "retry",
        callTimeoutMs: this.#callTimeoutMs,
        retryDelay: options.retryDelayMs ?? defaultDelay,
      },
      {
        store: this.#store,
        tracker: this.#tracker,
        warn: (e) => this.emit("warning", e),
        status: (st) => this.#extra.emit("status", st),
        problem: (path, iface, p) => this.#problem(path, iface, p),
        connectivityChanged: () => this.#connectivityChanged(),
      },
    );
  }

  get status(): NetworkManagerStatus {
    return this.#life.status;
  }

  /** Our unique name on the bus while connected (for diagnostics and the leak tests). */
  get busName(): string | undefined {
    return this.#life.peer?.conn.uniqueName;
  }

  /** Calls `listener` whenever global or per-device connectivity changes. Returns the disposer. */
  onConnectivity(listener: (snapshot: ConnectivitySnapshot) => void): () => void {
    this.#extra.on("connectivity", listener);
    return () => this.#extra.off("connectivity", listener);
  }

  /** Calls `listener` on every status change. Returns the disposer. */
  onStatus(listener: (status: NetworkManagerStatus) => void): () => void {
    this.#extra.on("status", listener);
    return () => this.#extra.off("status", listener);
  }

  /**
   * Connects and reads NetworkManager. Resolves once ready, or (mode `retry`) once the first
   * attempt failed and retries are scheduled (a `warning` says why).
   * @throws HH_NM_UNAVAILABLE in mode `fail` when the bus or NetworkManager is absent.
   */
  start(): Promise<void> {
    return this.#life.start();
  }

  /** Disconnects; emits `leave` (source-stopped) for joined devices. Idempotent. */
  async stop(): Promise<void> {
    if (this.#life.status === "stopped") return;
    this.#tracker.stop();
    await this.#life.stop();
  }

  /** Resolves when the source is (or next becomes) ready. */
  whenReady(timeoutMs = 10_000): Promise<void> {
    if (this.#life.status === "ready") return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        dispose();
        reject(
          hotspotError("HH_NM_UNAVAILABLE", {
            bus: this.busAddress,
            reason: `not ready within ${timeoutMs} ms`,
          }),
        );
      }, timeoutMs);
      const onStatus = (s: NetworkManagerStatus): void => {
        if (s !== "ready") return;
        clearTimeout(timer);
        dispose();
        resolve();
      };
      const dispose = this.onStatus(onStatus);
    });
  }

  current(): readonly ScanList[] {
    return this.#life.status === "ready" ? this.#tracker.lists() : [];
  }

  /** Every device NetworkManager manages, Wi-Fi or not, with state and link facts. */
  links(): readonly DeviceLink[] {
    return this.#life.status === "ready" ? deviceLinks(this.#store) : [];
  }

  /** NetworkManager's global and per-device connectivity as last reported. */
  connectivity(): ConnectivitySnapshot {
    return connectivitySnapshot(this.#store);
  }

  /**
   * NetworkManager's connectivity-check URI (`ConnectivityCheckUri`, NetworkManager ≥ 1.20),
   * kept current by PropertiesChanged. Undefined while NetworkManager is not there, when it
   * has no check configured (it reports ""), or when the value is not an http(s) URL. The
   * daemon probes it by default, so it sees what the desktop's own check sees.
   */
  connectivityCheckUri(): string | undefined {
    if (this.#life.status !== "ready") return undefined;
    return probeableUrl(this.#store.manager.ConnectivityCheckUri);
  }

  /**
   * Asks every Wi-Fi device for a fresh scan and resolves with the completed lists. A refused
   * scan (rate limit, polkit) or one that does not finish in time is a `warning`
   * (HH_NM_SCAN_REFUSED) and that device's last list is returned instead.
   * @throws HH_NM_UNAVAILABLE when NetworkManager is not there.
   */
  async rescan(): Promise<readonly ScanList[]> {
    const peer = this.#life.peer;
    const conn = peer?.conn;
    const owner = peer?.owner;
    if (this.#life.status !== "ready" || !conn || !owner) {
      throw hotspotError("HH_NM_UNAVAILABLE", {
        bus: this.busAddress,
        reason: `source is ${this.#life.status}`,
      });
    }
    const devices = [...this.#tracker.devices()];
    return Promise.all(
      devices.map(([device, path]) =>
        rescanDevice({
          conn,
          owner,
          device,
          path,
          timeoutMs: this.#scanTimeoutMs,
          onScan: (listener) => {
            this.on("scan", listener);
            return () => this.off("scan", listener);
          },
          fallback: () =>
            this.#tracker.lists().find((l) => l.device === device) ?? {
              device,
              networks: [],
              at: Date.now(),
            },
          warn: (e) => this.emit("warning", e),
        }),
      ),
    );
  }

  /**
   * Asks NetworkManager to re-check connectivity now (after a portal login, so the desktop
   * turns "online" at once instead of at NetworkManager's next probe). Resolves with the new
   * global state from its reply.
   * @throws HH_NM_UNAVAILABLE, or HH_NM_CALL_FAILED (e.g. polkit refuses network-control).
   */
  async checkConnectivity(): Promise<Connectivity> {
    const peer = this.#life.peer;
    const conn = peer?.conn;
    const owner = peer?.owner;
    if (!conn || !owner) {
      throw hotspotError("HH_NM_UNAVAILABLE", {
        bus: this.busAddress,
        reason: `source is ${this.#life.status}`,
      });
    }
    let reply: unknown[];
    try {
      // NetworkManager answers after its HTTP probe, which may take its full timeout.
      reply = await conn.call({
        destination: owner,
        path: NM_PATH,
        interface: IFACE.manager,
        member: "CheckConnectivity",
        timeoutMs: Math.max(this.#callTimeoutMs, 30_000),
      });
    } catch (e) {
      throw hotspotError(
        "HH_NM_CALL_FAILED",
        { method: "CheckConnectivity", reason: reasonOf(e) },
        { cause: e },
      );
    }
    const r = this.#store.apply(
      NM_PATH,
      IFACE.manager,
      { Connectivity: new Variant("u", reply[0]) },
      { replace: false },
    );
    for (const p of r.problems) this.#problem(NM_PATH, IFACE.manager, p);
    this.#connectivityChanged();
    return connectivityName(this.#store.manager.Connectivity);
  }

  /**
   * How the connection active on `device` sets its MAC address (see readMacSetting), read
   * from its settings profile when asked (settings signals are not followed). Undefined when
   * NetworkManager is not there or nothing is active on the device.
   * @throws HH_NM_CALL_FAILED when NetworkManager refuses GetSettings.
   */
  async macAddressSetting(device: string): Promise<string | undefined> {
    const peer = this.#life.peer;
    if (this.#life.status !== "ready" || !peer?.conn || !peer.owner) return undefined;
    const path = this.#tracker.devices().get(device);
    const active = path === undefined ? undefined : this.#store.get(path)?.device?.ActiveConnection;
    if (!active || active === NO_OBJECT) return undefined;
    const profile = this.#store.get(active)?.active?.Connection;
    if (!profile || profile === NO_OBJECT) return undefined;
    return readMacSetting(peer.conn, peer.owner, profile, this.#callTimeoutMs);
  }

  #problem(path: string, iface: string, p: PropertyProblem): void {
    this.emit(
      "warning",
      hotspotError("HH_NM_BAD_PROPERTY", {
        path,
        iface: iface.replace(/^org\.freedesktop\./, ""),
        property: p.property,
        reason: p.reason,
      }),
    );
  }

  #connectivityChanged(): void {
    const snap = connectivitySnapshot(this.#store);
    if (sameConnectivity(this.#connectivity, snap)) return;
    this.#connectivity = snap;
    this.#extra.emit("connectivity", snap);
  }
}
