import { type BusConnection, dbusErrorName } from "../dbus/bus.ts";
import { IFACE, NM_OBJECT_MANAGER_PATH, NM_PATH } from "./constants.ts";
import type { PropertyProblem } from "./decode.ts";
import { type ObjectStore, TRACKED_INTERFACES } from "./store.ts";

/**
 * Reads NetworkManager's objects in as few round trips as the peer allows: one
 * `GetManagedObjects` (NetworkManager exports an ObjectManager on /org/freedesktop), or else
 * `GetAll` per object, all objects of one level sent at once so a 500-AP device costs one
 * round trip, not 500.
 */

export type ProblemSink = (path: string, iface: string, problem: PropertyProblem) => void;

const NOT_SUPPORTED = new Set([
  "org.freedesktop.DBus.Error.UnknownMethod",
  "org.freedesktop.DBus.Error.UnknownInterface",
  "org.freedesktop.DBus.Error.UnknownObject",
]);

export class Reader {
  readonly #conn: BusConnection;
  readonly #dest: string;
  readonly #store: ObjectStore;
  readonly #problem: ProblemSink;
  /** (path|iface) reads that failed in this generation: not retried until the path is announced again. */
  readonly #failed = new Set<string>();
  readonly #inflight = new Map<string, Promise<void>>();

  /** @param destination the owner's unique name, so replies cannot come from a successor. */
  constructor(conn: BusConnection, destination: string, store: ObjectStore, problem: ProblemSink) {
    this.#conn = conn;
    this.#dest = destination;
    this.#store = store;
    this.#problem = problem;
  }

  /**
   * Replaces the store's contents with a fresh picture of NetworkManager. Throws when the
   * Manager object cannot be read (NetworkManager not ready yet).
   */
  async snapshot(): Promise<void> {
    this.#failed.clear();
    this.#store.clear();
    const managed = await this.#managedObjects();
    if (managed) {
      for (const [path, ifaces] of Object.entries(managed)) {
        if (typeof ifaces !== "object" || ifaces === null) continue;
        for (const [iface, props] of Object.entries(ifaces)) this.#apply(path, iface, props);
      }
    }
    // python3-dbusmock answers GetManagedObjects with {} before its template has loaded.
    if (!this.#store.get(NM_PATH)?.manager) await this.fetch(NM_PATH, IFACE.manager, true);
    await this.ensureReferenced();
  }

  /** Reads what known objects refer to but we have not read, level by level. */
  async ensureReferenced(): Promise<void> {
    for (let round = 0; round < 6; round++) {
      const missing = [...this.#store.missingReferences()].flatMap(([path, ifaces]) =>
        ifaces.filter((i) => !this.#failed.has(`${path}|${i}`)).map((i) => [path, i] as const),
      );
      if (missing.length === 0) return;
      await Promise.all(missing.map(([path, iface]) => this.fetch(path, iface)));
    }
  }

  /** Forgets a failed read so the object is read again (it was announced anew). */
  forgetFailure(path: string): void {
    for (const k of this.#failed) if (k.startsWith(`${path}|`)) this.#failed.delete(k);
  }

  /**
   * `GetAll` of one interface into the store (deduplicated while in flight). Failures are
   * remembered and swallowed unless `required`.
   */
  fetch(path: string, iface: string, required = false): Promise<void> {
    const key = `${path}|${iface}`;
    const running = this.#inflight.get(key);
    if (running && !required) return running;
    const p = this.#conn
      .call({
        destination: this.#dest,
        path,
        interface: IFACE.properties,
        member: "GetAll",
        signature: "s",
        body: [iface],
      })
      .then(
        ([props]) => {
          this.#failed.delete(key);
          this.#apply(path, iface, props);
        },
        (e: unknown) => {
          this.#failed.add(key);
          if (required) throw e;
        },
      )
      .finally(() => {
        if (this.#inflight.get(key) === p) this.#inflight.delete(key);
      });
    this.#inflight.set(key, p);
    return p;
  }

  /**
   * Resolves once NetworkManager has answered a trivial call (`Get` of one property), with a
   * value or an error: it answers only after sending every signal it emitted before reading
   * the call, and the bus keeps one sender's messages in order, so by then all of those
   * signals have been dispatched. Never rejects: a lost bus or a deadline ends the wait too.
   */
  async barrier(path: string, iface: string, property: string): Promise<void> {
    try {
      await this.#conn.call({
        destination: this.#dest,
        path,
        interface: IFACE.properties,
        member: "Get",
        signature: "ss",
        body: [iface, property],
      });
    } catch {
      // An error reply is as good a barrier as a value; a lost bus is handled by the lifecycle.
    }
  }

  /** Resolves when every read started so far has finished. */
  async settled(): Promise<void> {
    while (this.#inflight.size > 0) await Promise.allSettled([...this.#inflight.values()]);
  }

  #apply(path: string, iface: string, props: unknown): void {
    if (!TRACKED_INTERFACES.has(iface)) return;
    const { problems } = this.#store.apply(path, iface, props, { replace: true });
    for (const p of problems) this.#problem(path, iface, p);
  }

  async #managedObjects(): Promise<Record<string, unknown> | undefined> {
    try {
      const [objects] = await this.#conn.call({
        destination: this.#dest,
        path: NM_OBJECT_MANAGER_PATH,
        interface: IFACE.objectManager,
        member: "GetManagedObjects",
      });
      return typeof objects === "object" && objects !== null
        ? Object.fromEntries(Object.entries(objects))
        : undefined;
    } catch (e) {
      if (NOT_SUPPORTED.has(dbusErrorName(e) ?? "")) return undefined;
      throw e;
    }
  }
}
