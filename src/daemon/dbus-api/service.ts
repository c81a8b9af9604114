import { Message, MessageFlag, MessageType, NameFlag, RequestNameReply } from "@jellybrick/dbus-next";
import { z } from "zod";
import { type HotspotError, hotspotError, isHotspotError, reasonOf } from "../../errors.ts";
import { type BusConnection, openBus } from "../../scan/dbus/bus.ts";
import type { LogSink } from "../log.ts";
import { authorizeCaller, type CallerVerdict } from "./authorize.ts";
import {
  ACT_METHODS,
  API_BUS_NAME,
  API_ERRORS,
  API_INTERFACE,
  API_INTROSPECTION,
  API_OBJECT_PATH,
  type ApiMethod,
  IN_SIGNATURES,
  OUT_SIGNATURES,
} from "./names.ts";
import type { DaemonSurface } from "./surface.ts";
import { networkDict, pluginStateDict, sessionDict, statusDict, type UserActionView } from "./views.ts";

/**
 * Serves the daemon's API on a bus: one object, hand-dispatched (a raw method handler rather
 * than dbus-next's decorator-based Interface) so every incoming call is checked here: its
 * signature, its arguments, and for acting methods its caller. Anything wrong is answered
 * with a D-Bus error whose text starts with an HH_* code; nothing a caller sends can throw
 * out of the handler.
 */

export interface ApiServiceOptions {
  readonly busAddress: string;
  readonly surface: DaemonSurface;
  readonly log: LogSink;
  /** Who may act; default: root, the daemon's user, or an active local logind session. */
  authorize?(sender: string, call: BusConnection["call"]): Promise<CallerVerdict>;
}

export interface ApiService {
  readonly address: string;
  /** Called once if the bus connection ends by itself (the bus restarted). Returns a disposer. */
  onLost(listener: (reason: Error) => void): () => void;
  /** Releases the name and closes the connection. Idempotent. */
  close(): Promise<void>;
}

/** A Linux interface name (IFNAMSIZ - 1 bytes, no slash or whitespace), or "" for every device. */
const deviceArg = z
  .string()
  .max(15, "a device name has at most 15 characters")
  .refine((d) => d === "" || /^[A-Za-z0-9_.:@-]+$/.test(d), "not a network interface name")
  .refine((d) => d !== "." && d !== "..", "not a network interface name");

export async function startApiService(opts: ApiServiceOptions): Promise<ApiService> {
  const conn = await openBus(opts.busAddress);
  const authorize = opts.authorize ?? ((sender, call) => authorizeCaller(call, sender));
  const log = (level: "info" | "warn" | "debug", message: string, fields?: Record<string, unknown>) =>
    opts.log({ level, scope: "dbus-api", message, ...(fields ? { fields } : {}) });

  const reply = (msg: Message, signature: string, body: unknown[]): void => {
    if ((msg.flags & MessageFlag.NO_REPLY_EXPECTED) !== 0) return;
    conn.bus.send(Message.newMethodReturn(msg, signature, body));
  };
  const fail = (msg: Message, name: string, error: HotspotError): void => {
    if ((msg.flags & MessageFlag.NO_REPLY_EXPECTED) !== 0) return;
    conn.bus.send(Message.newError(msg, name, `${error.code}: ${error.message}`));
  };

  const run = async (msg: Message, method: ApiMethod): Promise<unknown> => {
    const s = opts.surface;
    switch (method) {
      case "GetStatus":
        return statusDict(s.status());
      case "ListNetworks":
        return s.networks().map(networkDict);
      case "ListSessions":
        return s.sessions().map(sessionDict);
      case "ListPlugins":
        return s.plugins().map(pluginStateDict);
      case "Rescan":
        return s.rescan();
      case "Logoff": {
        const parsed = deviceArg.safeParse(msg.body[0]);
        if (!parsed.success) {
          throw hotspotError("HH_DBUS_INVALID_ARGS", {
            method,
            reason: parsed.error.issues[0]?.message ?? "bad device",
          });
        }
        return s.logoff(parsed.data === "" ? undefined : parsed.data);
      }
      case "ReloadPlugins":
        return s.reloadPlugins();
    }
  };

  const dispatch = async (msg: Message, method: ApiMethod): Promise<void> => {
    const signature = msg.signature ?? "";
    if (signature !== IN_SIGNATURES[method]) {
      const want = IN_SIGNATURES[method] || "no arguments";
      fail(
        msg,
        API_ERRORS.invalidArgs,
        hotspotError("HH_DBUS_INVALID_ARGS", { method, reason: `expected ${want}, got '${signature}'` }),
      );
      return;
    }
    if ((ACT_METHODS as readonly string[]).includes(method)) {
      const sender = msg.sender ?? "";
      const verdict = await authorize(sender, conn.call);
      if (!verdict.allowed) {
        log("warn", `refused ${method} from ${sender} (uid ${verdict.uid}): ${verdict.why}`);
        fail(
          msg,
          API_ERRORS.accessDenied,
          hotspotError("HH_DBUS_ACCESS_DENIED", { method, uid: verdict.uid }),
        );
        return;
      }
      log("info", `${method} from ${sender} (uid ${verdict.uid}, ${verdict.why})`);
    }
    const result = await run(msg, method);
    reply(msg, OUT_SIGNATURES[method], [result]);
  };

  const handler = (msg: Message): boolean => {
    if (msg.type !== MessageType.METHOD_CALL || typeof msg.path !== "string") return false;
    const path = msg.path;
    if (msg.interface === "org.freedesktop.DBus.Introspectable" && msg.member === "Introspect") {
      const xml = introspect(path);
      if (xml === undefined) return false;
      reply(msg, "s", [xml]);
      return true;
    }
    if (path !== API_OBJECT_PATH) return false;
    // The interface is optional in a method call; our object has one, so a bare member is ours.
    if (msg.interface !== undefined && msg.interface !== API_INTERFACE) return false;
    const method = Object.keys(IN_SIGNATURES).find((m): m is ApiMethod => m === msg.member);
    if (method === undefined) {
      conn.bus.send(
        Message.newError(
          msg,
          API_ERRORS.unknownMethod,
          `no method '${String(msg.member)}' on ${API_INTERFACE}`,
        ),
      );
      return true;
    }
    dispatch(msg, method).catch((e: unknown) => {
      const error = asHotspot(e);
      if (error.code === "HH_INTERNAL") log("warn", `${method} failed: ${error.message}`);
      fail(msg, errorNameFor(error), error);
    });
    return true;
  };
  conn.bus.addMethodHandler(handler);

  const granted = await conn
    .call({
      destination: "org.freedesktop.DBus",
      path: "/org/freedesktop/DBus",
      interface: "org.freedesktop.DBus",
      member: "RequestName",
      signature: "su",
      body: [API_BUS_NAME, NameFlag.DO_NOT_QUEUE],
    })
    .catch((e: unknown) => {
      conn.close();
      throw hotspotError("HH_DBUS_NAME_TAKEN", { name: API_BUS_NAME, reason: reasonOf(e) }, { cause: e });
    });
  if (granted[0] !== RequestNameReply.PRIMARY_OWNER && granted[0] !== RequestNameReply.ALREADY_OWNER) {
    conn.close();
    throw hotspotError("HH_DBUS_NAME_TAKEN", { name: API_BUS_NAME, reason: "another process owns it" });
  }

  // Signals are coalesced per turn of the event loop: a burst of state changes is one signal.
  let pending: { networks: boolean; sessions: boolean } | undefined;
  const flush = (): void => {
    const what = pending;
    pending = undefined;
    if (!what || conn.closed) return;
    if (what.networks) {
      const count = opts.surface.networks().length;
      conn.bus.send(Message.newSignal(API_OBJECT_PATH, API_INTERFACE, "NetworksChanged", "u", [count]));
    }
    if (what.sessions) {
      const sessions = opts.surface.sessions().map(sessionDict);
      conn.bus.send(
        Message.newSignal(API_OBJECT_PATH, API_INTERFACE, "SessionsChanged", "aa{sv}", [sessions]),
      );
    }
  };
  const schedule = (kind: "networks" | "sessions") => (): void => {
    if (!pending) {
      pending = { networks: false, sessions: false };
      setImmediate(flush);
    }
    pending[kind] = true;
  };
  const onNetworks = schedule("networks");
  const onSessions = schedule("sessions");
  // Not coalesced: each one is a person to notify, and there are few.
  const onUserAction = (a: UserActionView): void => {
    if (conn.closed) return;
    conn.bus.send(
      Message.newSignal(API_OBJECT_PATH, API_INTERFACE, "UserActionRequired", "ssss", [
        a.device,
        a.ssid,
        a.providerName,
        a.url,
      ]),
    );
  };
  opts.surface.on("networks", onNetworks);
  opts.surface.on("sessions", onSessions);
  opts.surface.on("userAction", onUserAction);
  const stopClose = conn.onClose((reason) => log("warn", `API bus connection lost: ${reason.message}`));
  log("debug", `serving ${API_BUS_NAME} on ${opts.busAddress}`);

  let closed = false;
  return {
    address: opts.busAddress,
    onLost(listener) {
      return conn.onClose((reason) => {
        if (!closed) listener(reason);
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      opts.surface.off("networks", onNetworks);
      opts.surface.off("sessions", onSessions);
      opts.surface.off("userAction", onUserAction);
      conn.bus.removeMethodHandler(handler);
      stopClose();
      if (!conn.closed) {
        await conn
          .call({
            destination: "org.freedesktop.DBus",
            path: "/org/freedesktop/DBus",
            interface: "org.freedesktop.DBus",
            member: "ReleaseName",
            signature: "s",
            body: [API_BUS_NAME],
            timeoutMs: 1_000,
          })
          .catch(() => {});
        conn.close();
      }
    },
  };
}

/** Our object's XML, or a node listing the next path element for each ancestor of it. */
function introspect(path: string): string | undefined {
  if (path === API_OBJECT_PATH) return API_INTROSPECTION;
  const prefix = path === "/" ? "/" : `${path}/`;
  if (!API_OBJECT_PATH.startsWith(prefix)) return undefined;
  const child = API_OBJECT_PATH.slice(prefix.length).split("/")[0] ?? "";
  return `<!DOCTYPE node PUBLIC "-//freedesktop//DTD D-BUS Object Introspection 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd">
<node><node name="${child}"/></node>
`;
}

function errorNameFor(error: HotspotError): string {
  switch (error.code) {
    case "HH_DBUS_INVALID_ARGS":
      return API_ERRORS.invalidArgs;
    case "HH_DBUS_ACCESS_DENIED":
      return API_ERRORS.accessDenied;
    case "HH_DBUS_NO_SUCH_DEVICE":
      return API_ERRORS.noSuchSession;
    case "HH_DBUS_NOT_SUPPORTED":
      return API_ERRORS.notSupported;
    default:
      return API_ERRORS.failed;
  }
}

function asHotspot(e: unknown): HotspotError {
  return isHotspotError(e) ? e : hotspotError("HH_INTERNAL", { reason: reasonOf(e) }, { cause: e });
}
