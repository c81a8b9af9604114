import { type Message, Variant } from "@jellybrick/dbus-next";
import { EventEmitter } from "eventemitter3";
import { hotspotError, reasonOf } from "../../errors.ts";
import { type BusConnection, dbusErrorName, openBus, systemBusAddress } from "../dbus/bus.ts";
import { type Subscription, subscribeSignals } from "../dbus/signals.ts";
import type { ScanList, ScanSource, ScanSourceEvents } from "../source.ts";
import { type ConnectivitySnapshot, connectivitySnapshot, sameConnectivity } from "./connectivity.ts";
import { type Connectivity, connectivityName, IFACE, NM_BUS_NAME, NM_PATH } from "./constants.ts";
import type { PropertyProblem } from "./decode.ts";
import { type DispatchContext, dispatchSignal } from "./dispatch.ts";
import { type DeviceLink, deviceLinks } from "./links.ts";
import { Reader } from "./reader.ts";
import { rescanDevice } from "./rescan.ts";
import { SIGNAL_RULES } from "./rules.ts";
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

/** `connecting` to the bus, `waiting` for NetworkManager, `syncing` its objects, `ready`. */
export type NetworkManagerStatus = "stopped" | "connecting" | "waiting" | "syncing" | "ready";

/** Events beyond ScanSource's, on their own emitter so the class stays a plain ScanSource. */
interface ExtraEvents {
  connectivity: (snapshot: ConnectivitySnapshot) => void;
  status: (status: NetworkManagerStatus) => void;
}

const defaultDelay = (attempt: number): number => Math.min(30_000, 250 * 2 ** attempt);
/** NetworkManager owns its name before it can answer (and python3-dbusmock before its template loads). */
const syncDelay = (attempt: number): number => Math.min(2000, 25 * 2 ** attempt);
const FAIL_FAST_SYNC_ATTEMPTS = 5;

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
  readonly #mode: "retry" | "fail";
  readonly #callTimeoutMs: number;
  readonly #scanTimeoutMs: number;
  readonly #retryDelay: (attempt: number) => number;
  readonly #store = new ObjectStore();
  readonly #tracker: Tracker;
  #conn: BusConnection | undefined;
  #sub: Subscription | undefined;
  #owner: string | undefined;
  #reader: Reader | undefined;
  #buffer: Message[] | undefined;
  #status: NetworkManagerStatus = "stopped";
  #timer: NodeJS.Timeout | undefined;
  #attempt = 0;
  #generation = 0;
  #connectivity: ConnectivitySnapshot | undefined;
  readonly #extra = new EventEmitter<ExtraEvents>();

  constructor(options: NetworkManagerSourceOptions = {}) {
    super();
    this.busAddress = options.busAddress ?? systemBusAddress();
    this.#mode = options.whenUnavailable ?? "retry";
    this.#callTimeoutMs = options.callTimeoutMs ?? 5000;
    this.#scanTimeoutMs = options.scanTimeoutMs ?? 15_000;
    this.#retryDelay = options.retryDelayMs ?? defaultDelay;
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
  }

  get status(): NetworkManagerStatus {
    return this.#status;
  }

  /** Our unique name on the bus while connected (for diagnostics and the leak tests). */
  get busName(): string | undefined {
    return this.#conn?.uniqueName;
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
  async start(): Promise<void> {
    if (this.#status !== "stopped") return;
    this.#attempt = 0;
    await this.#connect(true);
  }

  /** Disconnects; emits `leave` (source-stopped) for joined devices. Idempotent. */
  async stop(): Promise<void> {
    if (this.#status === "stopped") return;
    this.#generation++;
    clearTimeout(this.#timer);
    this.#tracker.stop();
    const sub = this.#sub;
    const conn = this.#conn;
    this.#reset();
    this.#setStatus("stopped");
    await sub?.dispose();
    conn?.close();
  }

  /** Resolves when the source is (or next becomes) ready. */
  whenReady(timeoutMs = 10_000): Promise<void> {
    if (this.#status === "ready") return Promise.resolve();
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
    return this.#status === "ready" ? this.#tracker.lists() : [];
  }

  /** Every device NetworkManager manages, Wi-Fi or not, with state and link facts. */
  links(): readonly DeviceLink[] {
    return this.#status === "ready" ? deviceLinks(this.#store) : [];
  }

  /** NetworkManager's global and per-device connectivity as last reported. */
  connectivity(): ConnectivitySnapshot {
    return connectivitySnapshot(this.#store);
  }

  /**
   * Asks every Wi-Fi device for a fresh scan and resolves with the completed lists. A refused
   * scan (rate limit, polkit) or one that does not finish in time is a `warning`
   * (HH_NM_SCAN_REFUSED) and that device's last list is returned instead.
   * @throws HH_NM_UNAVAILABLE when NetworkManager is not there.
   */
  async rescan(): Promise<readonly ScanList[]> {
    const conn = this.#conn;
    const owner = this.#owner;
    if (this.#status !== "ready" || !conn || !owner) {
      throw hotspotError("HH_NM_UNAVAILABLE", { bus: this.busAddress, reason: `source is ${this.#status}` });
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
    const conn = this.#conn;
    const owner = this.#owner;
    if (!conn || !owner) {
      throw hotspotError("HH_NM_UNAVAILABLE", { bus: this.busAddress, reason: `source is ${this.#status}` });
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

  async #connect(first: boolean): Promise<void> {
    const generation = ++this.#generation;
    this.#setStatus("connecting");
    let conn: BusConnection | undefined;
    let sub: Subscription;
    try {
      conn = await openBus(this.busAddress, { timeoutMs: this.#callTimeoutMs });
      sub = await subscribeSignals(conn, SIGNAL_RULES, (m) => this.#onSignal(conn, m));
    } catch (e) {
      conn?.close();
      if (generation !== this.#generation) return;
      return this.#unavailable(first, `cannot use the bus: ${reasonOf(e)}`, () => this.#connect(false));
    }
    if (generation !== this.#generation) {
      conn.close();
      return;
    }
    this.#conn = conn;
    this.#sub = sub;
    const c = conn;
    c.onClose((reason) => this.#lost(c, reasonOf(reason)));
    let owner: string | undefined;
    try {
      const [o] = await c.call({
        destination: "org.freedesktop.DBus",
        path: "/org/freedesktop/DBus",
        interface: "org.freedesktop.DBus",
        member: "GetNameOwner",
        signature: "s",
        body: [NM_BUS_NAME],
      });
      owner = typeof o === "string" && o !== "" ? o : undefined;
    } catch (e) {
      if (dbusErrorName(e) !== "org.freedesktop.DBus.Error.NameHasNoOwner") {
        if (generation !== this.#generation) return;
        const s = this.#sub;
        this.#reset();
        void s?.dispose().finally(() => c.close());
        return this.#unavailable(first, `cannot ask the bus for ${NM_BUS_NAME}: ${reasonOf(e)}`, () =>
          this.#connect(false),
        );
      }
    }
    // A NameOwnerChanged that arrived meanwhile has already been acted on.
    if (generation !== this.#generation) return;
    if (owner === undefined) return this.#unavailable(first, `${NM_BUS_NAME} has no owner on the bus`);
    await this.#sync(owner, first);
  }

  async #sync(owner: string, first: boolean): Promise<void> {
    const conn = this.#conn;
    if (!conn) return;
    const generation = ++this.#generation;
    this.#tracker.detach();
    this.#owner = owner;
    this.#reader = undefined;
    this.#setStatus("syncing");
    const reader = new Reader(conn, owner, this.#store, (path, iface, p) => this.#problem(path, iface, p));
    for (;;) {
      this.#buffer = [];
      try {
        await reader.snapshot();
        break;
      } catch (e) {
        if (generation !== this.#generation) return;
        this.#buffer = undefined;
        const attempt = this.#attempt++;
        if (!(first && this.#mode === "fail")) {
          this.#timer = setTimeout(() => void this.#sync(owner, false), syncDelay(attempt));
          return;
        }
        if (attempt + 1 >= FAIL_FAST_SYNC_ATTEMPTS) {
          return this.#unavailable(true, `NetworkManager does not answer: ${reasonOf(e)}`);
        }
        await new Promise((r) => setTimeout(r, syncDelay(attempt)));
        if (generation !== this.#generation) return;
      }
    }
    if (generation !== this.#generation) return;
    this.#reader = reader;
    const ctx = this.#context(reader);
    const buffered = this.#buffer ?? [];
    this.#buffer = undefined;
    for (const m of buffered) dispatchSignal(ctx, m);
    this.#attempt = 0;
    this.#tracker.attach(reader);
    this.#connectivityChanged();
    this.#setStatus("ready");
  }

  #context(reader: Reader): DispatchContext {
    return {
      store: this.#store,
      reader,
      tracker: this.#tracker,
      problem: (path, iface, p) => this.#problem(path, iface, p),
      connectivityChanged: () => this.#connectivityChanged(),
    };
  }

  #onSignal(conn: BusConnection | undefined, msg: Message): void {
    if (conn !== this.#conn) return;
    if (msg.sender === "org.freedesktop.DBus") {
      const [name, , newOwner] = msg.body;
      if (msg.member === "NameOwnerChanged" && name === NM_BUS_NAME && typeof newOwner === "string") {
        this.#ownerChanged(newOwner);
      }
      return;
    }
    if (!this.#owner || msg.sender !== this.#owner) return;
    if (this.#buffer) {
      this.#buffer.push(msg);
      return;
    }
    if (this.#reader) dispatchSignal(this.#context(this.#reader), msg);
  }

  #ownerChanged(newOwner: string): void {
    if (this.#status === "stopped") return;
    clearTimeout(this.#timer);
    this.#generation++;
    this.#tracker.detach();
    this.#reader = undefined;
    this.#buffer = undefined;
    this.#owner = undefined;
    this.#attempt = 0;
    if (newOwner === "") {
      this.emit(
        "warning",
        hotspotError("HH_NM_UNAVAILABLE", {
          bus: this.busAddress,
          reason: "NetworkManager left the bus; waiting for it",
        }),
      );
      this.#setStatus("waiting");
      return;
    }
    void this.#sync(newOwner, false);
  }

  #lost(conn: BusConnection, reason: string): void {
    if (conn !== this.#conn || this.#status === "stopped") return;
    this.#generation++;
    this.#tracker.detach();
    this.#reset();
    conn.close();
    this.#unavailable(false, `lost the bus connection: ${reason}`, () => this.#connect(false));
  }

  #unavailable(first: boolean, reason: string, retry?: () => Promise<void>): void {
    const err = hotspotError("HH_NM_UNAVAILABLE", { bus: this.busAddress, reason });
    if (first && this.#mode === "fail") {
      const sub = this.#sub;
      const conn = this.#conn;
      this.#reset();
      this.#setStatus("stopped");
      void sub?.dispose().finally(() => conn?.close());
      throw err;
    }
    this.emit("warning", err);
    if (retry) {
      this.#setStatus("connecting");
      this.#timer = setTimeout(() => void retry(), this.#retryDelay(this.#attempt++));
    } else {
      this.#setStatus("waiting");
    }
  }

  #reset(): void {
    this.#conn = undefined;
    this.#sub = undefined;
    this.#owner = undefined;
    this.#reader = undefined;
    this.#buffer = undefined;
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

  #setStatus(s: NetworkManagerStatus): void {
    if (this.#status === s) return;
    this.#status = s;
    this.#extra.emit("status", s);
  }
}
