import { Message, Variant } from "@jellybrick/dbus-next";
import { IFACE, NM_OBJECT_MANAGER_PATH } from "../../scan/networkmanager/constants.ts";
import { INTERFACES } from "../../scan/networkmanager/introspection.ts";

/**
 * The simulated NetworkManager's objects and their properties, with NetworkManager's habit
 * of batching property changes: every `set` is queued and one PropertiesChanged per object
 * and interface goes out on the next turn of the event loop (NetworkManager flushes on idle),
 * while signals such as Device.StateChanged go out at once.
 */

type Props = Map<string, Variant>;

export class SimObjects {
  readonly #send: (msg: Message) => void;
  readonly #objects = new Map<string, Map<string, Props>>();
  readonly #pending = new Map<string, Map<string, Props>>();
  /** Paths whose batches `flush` leaves queued until `releaseHeld`. */
  readonly #held = new Set<string>();
  #flushScheduled = false;
  #flushWaiters: (() => void)[] = [];
  readonly #observers = new Set<
    (path: string, iface: string, member: string, body: readonly unknown[]) => void
  >();

  constructor(send: (msg: Message) => void) {
    this.#send = send;
  }

  /** A variant of the type our introspection table gives this property. */
  static variant(iface: string, name: string, value: unknown): Variant {
    const type = INTERFACES.get(iface)?.properties[name];
    if (type === undefined) throw new Error(`simulated NetworkManager: unknown property ${iface}.${name}`);
    return new Variant(type, type === "ay" && value instanceof Uint8Array ? Buffer.from(value) : value);
  }

  has(path: string): boolean {
    return this.#objects.has(path);
  }

  paths(): string[] {
    return [...this.#objects.keys()];
  }

  interfacesOf(path: string): string[] {
    return [...(this.#objects.get(path)?.keys() ?? [])];
  }

  get(path: string, iface: string, name: string): unknown {
    return this.#objects.get(path)?.get(iface)?.get(name)?.value;
  }

  /** All properties of one interface, as the `a{sv}` body GetAll returns. */
  getAll(path: string, iface: string): Record<string, Variant> | undefined {
    const props = this.#objects.get(path)?.get(iface);
    return props ? Object.fromEntries(props) : undefined;
  }

  /** GetManagedObjects' answer: every object below /org/freedesktop. */
  managed(): Record<string, Record<string, Record<string, Variant>>> {
    const out: Record<string, Record<string, Record<string, Variant>>> = {};
    for (const [path, ifaces] of this.#objects) {
      out[path] = Object.fromEntries([...ifaces].map(([i, p]) => [i, Object.fromEntries(p)]));
    }
    return out;
  }

  /** Exports an object and announces it (InterfacesAdded), as NetworkManager does. */
  add(path: string, ifaces: Readonly<Record<string, Readonly<Record<string, unknown>>>>): void {
    const map = new Map<string, Props>();
    for (const [iface, props] of Object.entries(ifaces)) {
      map.set(iface, new Map(Object.entries(props).map(([k, v]) => [k, SimObjects.variant(iface, k, v)])));
    }
    this.#objects.set(path, map);
    this.signal(NM_OBJECT_MANAGER_PATH, IFACE.objectManager, "InterfacesAdded", "oa{sa{sv}}", [
      path,
      this.managed()[path] ?? {},
    ]);
  }

  /** Unexports an object (InterfacesRemoved); queued changes for it are dropped. */
  remove(path: string): void {
    const ifaces = this.interfacesOf(path);
    if (ifaces.length === 0) return;
    this.#objects.delete(path);
    this.#pending.delete(path);
    this.#held.delete(path);
    this.signal(NM_OBJECT_MANAGER_PATH, IFACE.objectManager, "InterfacesRemoved", "oas", [path, ifaces]);
  }

  /** Sets a property (typed by our table) and queues it for the next PropertiesChanged batch. */
  set(path: string, iface: string, name: string, value: unknown): void {
    this.setVariant(path, iface, name, SimObjects.variant(iface, name, value));
  }

  /** Sets a property to any variant, even a wrong one (for malformed-data tests). */
  setVariant(path: string, iface: string, name: string, variant: Variant): void {
    const props = this.#objects.get(path)?.get(iface);
    if (!props) throw new Error(`simulated NetworkManager: no ${iface} on ${path}`);
    props.set(name, variant);
    let byIface = this.#pending.get(path);
    if (!byIface) {
      byIface = new Map();
      this.#pending.set(path, byIface);
    }
    let changed = byIface.get(iface);
    if (!changed) {
      changed = new Map();
      byIface.set(iface, changed);
    }
    changed.set(name, variant);
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Emits a signal now. */
  signal(path: string, iface: string, member: string, signature: string, body: unknown[]): void {
    for (const o of this.#observers) o(path, iface, member, body);
    this.#send(Message.newSignal(path, iface, member, signature, body));
  }

  /** Calls `fn` just before each signal is sent (benchmarks time from here). Returns the disposer. */
  observeSignals(
    fn: (path: string, iface: string, member: string, body: readonly unknown[]) => void,
  ): () => void {
    this.#observers.add(fn);
    return () => this.#observers.delete(fn);
  }

  /**
   * Keeps `path`'s PropertiesChanged batches queued past every flush until `releaseHeld`, so
   * they go out after batches of other objects that were queued later.
   */
  hold(path: string): void {
    this.#held.add(path);
  }

  /** Sends the held batches now and holds nothing from here on. */
  releaseHeld(): void {
    const held = [...this.#held];
    this.#held.clear();
    for (const path of held) {
      const byIface = this.#pending.get(path);
      this.#pending.delete(path);
      if (byIface) this.#emitBatch(path, byIface);
    }
  }

  /** Sends the queued PropertiesChanged signals now (except held ones). */
  flush(): void {
    this.#flushScheduled = false;
    const pending = [...this.#pending].filter(([path]) => !this.#held.has(path));
    for (const [path, byIface] of pending) {
      this.#pending.delete(path);
      this.#emitBatch(path, byIface);
    }
    const waiters = this.#flushWaiters;
    this.#flushWaiters = [];
    for (const w of waiters) w();
  }

  #emitBatch(path: string, byIface: Map<string, Props>): void {
    for (const [iface, changed] of byIface) {
      this.signal(path, IFACE.properties, "PropertiesChanged", "sa{sv}as", [
        iface,
        Object.fromEntries(changed),
        [],
      ]);
    }
  }

  /** Resolves after the current batch has gone out. */
  flushed(): Promise<void> {
    if (!this.#flushScheduled) return Promise.resolve();
    return new Promise((r) => this.#flushWaiters.push(r));
  }
}
