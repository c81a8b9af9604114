import { z } from "zod";
import { type HotspotError, hotspotError } from "../../errors.ts";
import { type BusConnection, dbusErrorName, openBus } from "../../scan/dbus/bus.ts";
import { API_BUS_NAME, API_INTERFACE, API_OBJECT_PATH, type ApiMethod } from "./names.ts";
import {
  type NetworkView,
  networkViewSchema,
  type SessionView,
  type StatusView,
  sessionViewSchema,
  statusViewSchema,
} from "./views.ts";

/**
 * The CLI's side of the API: `hotspot status`, `logoff` and `list` ask the running daemon.
 * Every answer is validated; a daemon that is not there is HH_DAEMON_NOT_RUNNING (so `list`
 * can fall back to NetworkManager), a refusal keeps the daemon's own HH_* code.
 */

export interface DaemonClient {
  status(): Promise<StatusView>;
  networks(): Promise<NetworkView[]>;
  sessions(): Promise<SessionView[]>;
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

const dictList = z.tuple([z.array(z.record(z.string(), z.unknown()))]);
const dict = z.tuple([z.record(z.string(), z.unknown())]);
const count = z.tuple([z.number().int().nonnegative()]);

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
  const parse = <T>(method: ApiMethod, schema: z.ZodType<T>, body: unknown): T => {
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw hotspotError("HH_DAEMON_CALL_FAILED", {
        method,
        reason: `unexpected answer at ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`,
      });
    }
    return parsed.data;
  };
  const list = async <T>(method: ApiMethod, schema: z.ZodType<T>): Promise<T[]> => {
    const [items] = parse(method, dictList, await call(method));
    return items.map((item) => parse(method, schema, item));
  };
  const number = async (method: ApiMethod, signature = "", body: unknown[] = []): Promise<number> =>
    parse(method, count, await call(method, signature, body))[0];

  return {
    async status() {
      const [d] = parse("GetStatus", dict, await call("GetStatus"));
      return parse("GetStatus", statusViewSchema, d);
    },
    networks: () => list("ListNetworks", networkViewSchema),
    sessions: async () => (await list("ListSessions", sessionViewSchema)).map(dropUndefined),
    rescan: () => number("Rescan"),
    logoff: (device) => number("Logoff", "s", [device ?? ""]),
    reloadPlugins: () => number("ReloadPlugins"),
    close: () => conn.close(),
  };
}

/** zod leaves absent optional keys as `undefined`; the view type has them absent. */
function dropUndefined(v: z.infer<typeof sessionViewSchema>): SessionView {
  const { authenticatedAt, expiresAt, bytesRemaining, canExtend, ...always } = v;
  return {
    ...always,
    ...(authenticatedAt === undefined ? {} : { authenticatedAt }),
    ...(expiresAt === undefined ? {} : { expiresAt }),
    ...(bytesRemaining === undefined ? {} : { bytesRemaining }),
    ...(canExtend === undefined ? {} : { canExtend }),
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
