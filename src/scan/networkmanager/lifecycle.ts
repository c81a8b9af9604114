import type { Message } from "@jellybrick/dbus-next";
import { hotspotError, reasonOf } from "../../errors.ts";
import { type BusConnection, dbusErrorName, openBus } from "../dbus/bus.ts";
import { type Subscription, subscribeSignals } from "../dbus/signals.ts";
import { NM_BUS_NAME } from "./constants.ts";
import type { PropertyProblem } from "./decode.ts";
import { type DispatchContext, dispatchSignal } from "./dispatch.ts";
import { Reader } from "./reader.ts";
import { SIGNAL_RULES } from "./rules.ts";
import type { ObjectStore } from "./store.ts";
import type { Tracker } from "./tracker.ts";

/** `connecting` to the bus, `waiting` for NetworkManager, `syncing` its objects, `ready`. */
export type NetworkManagerStatus = "stopped" | "connecting" | "waiting" | "syncing" | "ready";

/** What the lifecycle reports to and drives in the source. */
export interface LifecycleHost {
  readonly store: ObjectStore;
  readonly tracker: Tracker;
  readonly warn: (e: Error) => void;
  readonly status: (s: NetworkManagerStatus) => void;
  readonly problem: (path: string, iface: string, p: PropertyProblem) => void;
  readonly connectivityChanged: () => void;
}

export interface LifecycleOptions {
  readonly mode: "retry" | "fail";
  readonly callTimeoutMs: number;
  readonly retryDelay: (attempt: number) => number;
}

/** NetworkManager owns its name before it can answer (and python3-dbusmock before its template loads). */
const syncDelay = (attempt: number): number => Math.min(2000, 25 * 2 ** attempt);
const FAIL_FAST_SYNC_ATTEMPTS = 5;

/**
 * The client's connection to NetworkManager over time: the bus connection and its fixed
 * match rules, who owns `org.freedesktop.NetworkManager` (NameOwnerChanged), a full resync
 * for every new owner (signals that arrive meanwhile are buffered and applied after the
 * snapshot), and backoff when the bus or NetworkManager is missing. A generation counter
 * makes every late callback of a superseded attempt a no-op.
 */
export class NmLifecycle {
  readonly #busAddress: string;
  readonly #mode: "retry" | "fail";
  readonly #callTimeoutMs: number;
  readonly #retryDelay: (attempt: number) => number;
  readonly #host: LifecycleHost;
  #conn: BusConnection | undefined;
  #sub: Subscription | undefined;
  #owner: string | undefined;
  #reader: Reader | undefined;
  #buffer: Message[] | undefined;
  #status: NetworkManagerStatus = "stopped";
  #timer: NodeJS.Timeout | undefined;
  #attempt = 0;
  #generation = 0;

  constructor(busAddress: string, options: LifecycleOptions, host: LifecycleHost) {
    this.#busAddress = busAddress;
    this.#mode = options.mode;
    this.#callTimeoutMs = options.callTimeoutMs;
    this.#retryDelay = options.retryDelay;
    this.#host = host;
  }

  get status(): NetworkManagerStatus {
    return this.#status;
  }

  /** The live connection and NetworkManager's unique name, when there is one. */
  get peer(): { conn: BusConnection; owner: string | undefined } | undefined {
    return this.#conn ? { conn: this.#conn, owner: this.#owner } : undefined;
  }

  /** @throws HH_NM_UNAVAILABLE in mode `fail` when the bus or NetworkManager is absent. */
  async start(): Promise<void> {
    if (this.#status !== "stopped") return;
    this.#attempt = 0;
    await this.#connect(true);
  }

  async stop(): Promise<void> {
    if (this.#status === "stopped") return;
    this.#generation++;
    clearTimeout(this.#timer);
    const sub = this.#sub;
    const conn = this.#conn;
    this.#reset();
    this.#setStatus("stopped");
    await sub?.dispose();
    conn?.close();
  }

  async #connect(first: boolean): Promise<void> {
    const generation = ++this.#generation;
    this.#setStatus("connecting");
    let conn: BusConnection | undefined;
    let sub: Subscription;
    try {
      conn = await openBus(this.#busAddress, { timeoutMs: this.#callTimeoutMs });
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
    this.#host.tracker.detach();
    this.#owner = owner;
    this.#reader = undefined;
    this.#setStatus("syncing");
    const reader = new Reader(conn, owner, this.#host.store, this.#host.problem);
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
    this.#host.tracker.attach(reader);
    this.#host.connectivityChanged();
    this.#setStatus("ready");
  }

  #context(reader: Reader): DispatchContext {
    return {
      store: this.#host.store,
      reader,
      tracker: this.#host.tracker,
      problem: this.#host.problem,
      connectivityChanged: () => this.#host.connectivityChanged(),
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
    this.#host.tracker.detach();
    this.#reader = undefined;
    this.#buffer = undefined;
    this.#owner = undefined;
    this.#attempt = 0;
    if (newOwner === "") {
      this.#host.warn(
        hotspotError("HH_NM_UNAVAILABLE", {
          bus: this.#busAddress,
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
    this.#host.tracker.detach();
    this.#reset();
    conn.close();
    this.#unavailable(false, `lost the bus connection: ${reason}`, () => this.#connect(false));
  }

  #unavailable(first: boolean, reason: string, retry?: () => Promise<void>): void {
    const err = hotspotError("HH_NM_UNAVAILABLE", { bus: this.#busAddress, reason });
    if (first && this.#mode === "fail") {
      const sub = this.#sub;
      const conn = this.#conn;
      this.#reset();
      this.#setStatus("stopped");
      void sub?.dispose().finally(() => conn?.close());
      throw err;
    }
    this.#host.warn(err);
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

  #setStatus(s: NetworkManagerStatus): void {
    if (this.#status === s) return;
    this.#status = s;
    this.#host.status(s);
  }
}
