import { EventEmitter } from "node:events";
import { DBusError, Message, type MessageBus, sessionBus } from "@jellybrick/dbus-next";

/**
 * A thin, typed layer over one @jellybrick/dbus-next connection: open with a deadline, calls
 * with a deadline, and a reliable "the connection is gone" notification. dbus-next itself
 * has none of these: a call whose peer never answers hangs forever, and a closed socket
 * is only visible on its internal connection object.
 */

export { systemBusAddress } from "./address.ts";

/** D-Bus error names we synthesise for local failures, so callers handle one shape. */
export const TIMEOUT_ERROR = "org.freedesktop.DBus.Error.Timeout";
export const DISCONNECTED_ERROR = "org.freedesktop.DBus.Error.Disconnected";

export interface CallSpec {
  readonly destination: string;
  readonly path: string;
  readonly interface: string;
  readonly member: string;
  readonly signature?: string;
  readonly body?: readonly unknown[];
  /** Overrides the connection's default deadline. */
  readonly timeoutMs?: number;
}

export interface BusConnection {
  readonly bus: MessageBus;
  readonly address: string;
  /** Our unique name on the bus, e.g. `:1.42`. */
  readonly uniqueName: string;
  /** Sends a method call and resolves with the reply body; rejects with a DBusError. */
  call(spec: CallSpec): Promise<unknown[]>;
  /** Called once when the connection ends for any reason. Returns a disposer. */
  onClose(listener: (reason: Error) => void): () => void;
  readonly closed: boolean;
  close(): void;
}

export interface OpenOptions {
  /** Deadline for connecting and for each call. Default 5000 ms. */
  readonly timeoutMs?: number;
}

/** The D-Bus error name of a rejection, or undefined for non-D-Bus errors. */
export function dbusErrorName(e: unknown): string | undefined {
  return e instanceof DBusError ? e.type : undefined;
}

/**
 * Connects to the bus at `address` (any `unix:path=` / `tcp:` address dbus-next accepts)
 * and waits for the Hello reply. Rejects with a DBusError on failure or deadline.
 */
export async function openBus(address: string, options: OpenOptions = {}): Promise<BusConnection> {
  const timeoutMs = options.timeoutMs ?? 5000;
  // sessionBus() honours an explicit address; systemBus() would override it from the env.
  const bus = sessionBus({ busAddress: address });
  const closeEvents = new EventEmitter();
  let closed = false;
  const pending = new Set<(e: Error) => void>();
  const markClosed = (reason: Error): void => {
    if (closed) return;
    closed = true;
    for (const reject of pending) reject(reason);
    pending.clear();
    closeEvents.emit("close", reason);
  };
  // An 'error' without a listener would throw from inside dbus-next and crash the process.
  const untyped: NodeJS.EventEmitter = bus;
  untyped.on("error", (e: unknown) => markClosed(new DBusError(DISCONNECTED_ERROR, errorText(e))));
  const raw: unknown = Reflect.get(bus, "_connection");
  if (raw instanceof EventEmitter) {
    raw.on("end", () => markClosed(new DBusError(DISCONNECTED_ERROR, "the bus closed the connection")));
  }

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new DBusError(TIMEOUT_ERROR, `no answer from the bus at ${address} within ${timeoutMs} ms`));
    }, timeoutMs);
    const onConnect = (): void => {
      cleanup();
      resolve();
    };
    const onClose = (reason: Error): void => {
      cleanup();
      reject(reason);
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      bus.off("connect", onConnect);
      closeEvents.off("close", onClose);
    };
    bus.once("connect", onConnect);
    closeEvents.once("close", onClose);
  }).catch((e: unknown) => {
    bus.disconnect();
    throw e;
  });

  const call = (spec: CallSpec): Promise<unknown[]> => {
    if (closed) return Promise.reject(new DBusError(DISCONNECTED_ERROR, "the bus connection is closed"));
    const ms = spec.timeoutMs ?? timeoutMs;
    return new Promise<unknown[]>((resolve, reject) => {
      const fail = (e: Error): void => {
        clearTimeout(timer);
        pending.delete(fail);
        reject(e);
      };
      const timer = setTimeout(
        () =>
          fail(new DBusError(TIMEOUT_ERROR, `${spec.interface}.${spec.member} got no reply within ${ms} ms`)),
        ms,
      );
      pending.add(fail);
      const msg = new Message({
        destination: spec.destination,
        path: spec.path,
        interface: spec.interface,
        member: spec.member,
        signature: spec.signature ?? "",
        body: spec.body ? [...spec.body] : [],
      });
      bus.call(msg).then(
        (reply) => {
          clearTimeout(timer);
          pending.delete(fail);
          resolve(reply?.body ?? []);
        },
        (e: unknown) => fail(e instanceof Error ? e : new DBusError(DISCONNECTED_ERROR, errorText(e))),
      );
    });
  };

  return {
    bus,
    address,
    uniqueName: bus.name ?? "",
    call,
    onClose(listener) {
      closeEvents.on("close", listener);
      return () => closeEvents.off("close", listener);
    },
    get closed() {
      return closed;
    },
    close() {
      if (closed) return;
      bus.disconnect();
      markClosed(new DBusError(DISCONNECTED_ERROR, "closed by us"));
    },
  };
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
