import { type HotspotError, hotspotError } from "../../errors.ts";
import { type BusConnection, dbusErrorName, openBus } from "../../scan/dbus/bus.ts";
import { asDict, decodePluginState, decodeSession, decodeStatus } from "./decode.ts";
import { API_BUS_NAME, API_INTERFACE, API_OBJECT_PATH, type ApiMethod } from "./names.ts";
import type { NetworkView, PluginStateView, SessionView, StatusView } from "./views.ts";

/**
 * The CLI's side of the API: `hotspot status`, `logoff` and `list` ask the running daemon.
 * Every answer is validated; a daemon that is not there is HH_DAEMON_NOT_RUNNING (so `list`
 * can fall back to NetworkManager), a refusal keeps the daemon's own HH_* code.
 */

export interface DaemonClient {
  status(): Promise<StatusView>;
  networks(): Promise<NetworkView[]>;
  sessions(): Promise<SessionView[]>;
  plugins(): Promise<PluginStateView[]>;
  rescan(): Promise<number>;
  logoff(device?: string): Promise<number>;
  reloadPlugins(): Promise<number>;
  close(): void;
}

const NOT_THERE = new Set([
  "org.freedesktop.DBus.Error.ServiceUnknown",
  "org.freedesktop.DBus.Error.NameHasNoOwner",
  "org.freedesktop.DBus.Error.Disconnected",
  "org.freedesktop.DBus.Error.FileNotFound",
  "org.freedesktop.DBus.Error.NoServer",
]);

/** Connects to `busAddress`. @throws HH_DAEMON_NOT_RUNNING when the bus cannot be reached. */
export async function connectDaemon(busAddress: string, timeoutMs = 5_000): Promise<DaemonClient> {
  let conn: BusConnection;
  try {
    conn = await openBus(busAddress, { timeoutMs });
  } catch (e) {
    throw hotspotError("HH_DAEMON_NOT_RUNNING", { bus: busAddress, reason: message(e) }, { cause: e });
  }
  const call = async (method: ApiMethod, signature = "", body: unknown[] = []): Promise<unknown[]> => {
    try {
      return await conn.call({
        destination: API_BUS_NAME,
        path: API_OBJECT_PATH,
        interface: API_INTERFACE,
        member: method,
        signature,
        body,
        // Logoff runs the plugin's logoff against the portal: give it the hook's time.
        timeoutMs: method === "Logoff" || method === "Rescan" ? 60_000 : timeoutMs,
      });
    } catch (e) {
      throw fromDbus(e, method, busAddress);
    }
  };
  /** Runs a decoder; anything it rejects is the daemon's bad answer, not our crash. */
  const decode = <T>(method: ApiMethod, work: () => T): T => {
    try {
      return work();
    } catch (e) {
      throw hotspotError("HH_DAEMON_CALL_FAILED", { method, reason: `unexpected answer: ${message(e)}` });
    }
  };
  const list = async (method: ApiMethod): Promise<unknown[]> => {
    const [items] = await call(method);
    if (!Array.isArray(items)) throw hotspotError("HH_DAEMON_CALL_FAILED", { method, reason: "not a list" });
    return items;
  };
  const number = async (method: ApiMethod, signature = "", body: unknown[] = []): Promise<number> => {
    const [n] = await call(method, signature, body);
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0)
      throw hotspotError("HH_DAEMON_CALL_FAILED", { method, reason: "not a count" });
    return n;
  };

  return {
    async status() {
      const [d] = await call("GetStatus");
      return decode("GetStatus", () => decodeStatus(asDict(d, "status")));
    },
    async networks() {
      // zod only here: `hotspot list` loads it for its plugins anyway, `status` never does.
      const { networkViewSchema } = await import("./network-decode.ts");
      const items = await list("ListNetworks");
      return items.map((item) =>
        decode("ListNetworks", () => {
          const parsed = networkViewSchema.safeParse(item);
          if (parsed.success) return parsed.data;
          const issue = parsed.error.issues[0];
          throw new Error(`${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`);
        }),
      );
    },
    async sessions() {
      const items = await list("ListSessions");
      return items.map((item, i) =>
        decode("ListSessions", () => decodeSession(asDict(item, `session ${i}`))),
      );
    },
    async plugins() {
      const items = await list("ListPlugins");
      return items.map((item, i) =>
        decode("ListPlugins", () => decodePluginState(asDict(item, `plugin ${i}`))),
      );
    },
    rescan: () => number("Rescan"),
    logoff: (device) => number("Logoff", "s", [device ?? ""]),
    reloadPlugins: () => number("ReloadPlugins"),
    close: () => conn.close(),
  };
}

/** The daemon's error text starts with its HH_* code; keep the code when we know it. */
function fromDbus(e: unknown, method: ApiMethod, bus: string): HotspotError {
  const name = dbusErrorName(e);
  const text = message(e);
  if (name !== undefined && NOT_THERE.has(name)) {
    return hotspotError("HH_DAEMON_NOT_RUNNING", { bus, reason: text }, { cause: e });
  }
  const code = /^(HH_[A-Z_]+): /.exec(text)?.[1];
  if (code === "HH_DBUS_ACCESS_DENIED" || name === "org.freedesktop.DBus.Error.AccessDenied") {
    return hotspotError("HH_DBUS_ACCESS_DENIED", { method, uid: process.getuid?.() ?? "?" }, { cause: e });
  }
  if (code === "HH_DBUS_NO_SUCH_DEVICE") {
    return hotspotError(
      "HH_DBUS_NO_SUCH_DEVICE",
      { device: /"([^"]*)"/.exec(text)?.[1] ?? "?" },
      { cause: e },
    );
  }
  return hotspotError("HH_DAEMON_CALL_FAILED", { method, reason: text }, { cause: e });
}

function message(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === "object" && e !== null && "text" in e && typeof e.text === "string") return e.text;
  return String(e);
}
