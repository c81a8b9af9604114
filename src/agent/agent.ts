import type { Message } from "@jellybrick/dbus-next";
import { z } from "zod";
import { asDict, decodeSession } from "../daemon/dbus-api/decode.ts";
import { API_BUS_NAME, API_INTERFACE, API_OBJECT_PATH } from "../daemon/dbus-api/names.ts";
import type { UserActionView } from "../daemon/dbus-api/views.ts";
import { hotspotError, reasonOf } from "../errors.ts";
import { type BusConnection, openBus } from "../scan/dbus/bus.ts";
import { addMatch, matchRule } from "../scan/dbus/signals.ts";
import { createNotifier, type Notifier } from "./notifications.ts";

/**
 * `hotspot agent`: the daemon's voice in the person's desktop session. The daemon runs as a
 * system service and cannot show anything; when a plugin needs a person (a captcha, a
 * payment, a code sent by SMS) it signals `UserActionRequired` on the system bus, and the
 * agent turns that into a desktop notification with an "Open portal" action that opens the
 * portal window (`hotspot portal`). One notification per device: a new request for the same
 * device replaces the old one.
 */

export const OPEN_ACTION = "open-portal";

export interface AgentOptions {
  /** Bus the daemon serves its API on (the system bus). */
  readonly systemBus: string;
  /** The person's session bus, where the notification service is. */
  readonly sessionBus: string;
  /** Opens the portal window for a request (the CLI spawns `hotspot portal`). */
  open(action: UserActionView): void | Promise<void>;
  log(level: "info" | "warn", message: string): void;
}

export interface Agent {
  /** Closes both bus connections. Idempotent. */
  close(): void;
  /** Resolves when either bus connection is lost (the agent then has nothing to do). */
  readonly lost: Promise<Error>;
}

const ownerReply = z.tuple([z.string()]);

/** Body of `UserActionRequired(s device, s ssid, s providerName, s url)`. */
const userActionSchema = z
  .tuple([z.string().min(1), z.string(), z.string(), z.url({ protocol: /^https?$/ })])
  .transform(([device, ssid, providerName, url]): UserActionView => ({ device, ssid, providerName, url }));

export async function startAgent(opts: AgentOptions): Promise<Agent> {
  // Which bus failed is the person's next step: no daemon can be reached there, or the
  // agent runs outside their desktop session.
  const system = await openBus(opts.systemBus).catch((e: unknown) => {
    throw hotspotError("HH_DAEMON_NOT_RUNNING", { bus: opts.systemBus, reason: reasonOf(e) }, { cause: e });
  });
  let session: BusConnection;
  try {
    session = await openBus(opts.sessionBus);
  } catch (e) {
    system.close();
    throw e;
  }
  const close = (): void => {
    system.close();
    session.close();
  };
  try {
    const notifier = await createNotifier(session);
    // The sender is matched by the bus itself: only the owner of the daemon's name (root,
    // by the bus policy) can make this signal reach us.
    for (const member of ["UserActionRequired", "SessionsChanged"]) {
      await addMatch(
        system,
        matchRule({
          type: "signal",
          sender: API_BUS_NAME,
          path: API_OBJECT_PATH,
          interface: API_INTERFACE,
          member,
        }),
      );
    }
    await wire(system, notifier, opts);
  } catch (e) {
    close();
    throw e;
  }
  const lost = new Promise<Error>((resolve) => {
    system.onClose(resolve);
    session.onClose(resolve);
  });
  return { close, lost };
}

/** The daemon's sessions, or none when it is not running (the agent then waits for it). */
async function listSessions(system: BusConnection): Promise<ReturnType<typeof decodeSession>[]> {
  try {
    const [list] = await system.call({
      destination: API_BUS_NAME,
      path: API_OBJECT_PATH,
      interface: API_INTERFACE,
      member: "ListSessions",
    });
    return sessionsOf(list);
  } catch {
    return [];
  }
}

function sessionsOf(list: unknown): ReturnType<typeof decodeSession>[] {
  if (!Array.isArray(list)) return [];
  const out: ReturnType<typeof decodeSession>[] = [];
  for (const item of list) {
    try {
      out.push(decodeSession(asDict(item, "session")));
    } catch {
      // one malformed entry does not hide the others
    }
  }
  return out;
}

async function wire(system: BusConnection, notifier: Notifier, opts: AgentOptions): Promise<void> {
  const shown = new Map<number, UserActionView>();
  const byDevice = new Map<string, number>();
  let recorded: Promise<unknown> = Promise.resolve();

  const fromDaemon = async (m: Message): Promise<boolean> => {
    // A match rule is only a filter we asked for; check the sender owns the name right now.
    const owner = await system
      .call({
        destination: "org.freedesktop.DBus",
        path: "/org/freedesktop/DBus",
        interface: "org.freedesktop.DBus",
        member: "GetNameOwner",
        signature: "s",
        body: [API_BUS_NAME],
      })
      .then((r) => ownerReply.safeParse(r))
      .catch(() => undefined);
    return owner?.success === true && owner.data[0] === m.sender;
  };

  const onRequest = async (m: Message): Promise<void> => {
    const parsed = userActionSchema.safeParse(m.body);
    if (!parsed.success) {
      opts.log(
        "warn",
        `ignored a malformed UserActionRequired: ${parsed.error.issues[0]?.message ?? "invalid"}`,
      );
      return;
    }
    if (!(await fromDaemon(m))) {
      opts.log("warn", `ignored UserActionRequired from ${m.sender ?? "?"}: not the daemon`);
      return;
    }
    await show(parsed.data);
  };

  const show = async (action: UserActionView): Promise<void> => {
    const shownNow = record(action);
    // ActionInvoked can be read in the same chunk as Notify's reply, before the reply's
    // promise has run: actions wait for the notifications in flight to be recorded.
    recorded = recorded.then(() => shownNow.catch(() => undefined));
    await shownNow;
    opts.log("info", `notified: ${action.device} needs a person for ${action.providerName} (${action.url})`);
  };

  const record = async (action: UserActionView): Promise<void> => {
    const previous = byDevice.get(action.device);
    const id = await notifier.notify({
      summary: `Log in to ${action.providerName}`,
      body: notificationBody(action),
      actions: [
        ["default", "Open portal"],
        [OPEN_ACTION, "Open portal"],
      ],
      ...(previous === undefined ? {} : { replaces: previous }),
    });
    if (previous !== undefined) shown.delete(previous);
    shown.set(id, action);
    byDevice.set(action.device, id);
  };

  /** A session that left PresentingUI (online, left, failed) no longer needs the person. */
  const onSessions = async (m: Message): Promise<void> => {
    if (!(await fromDaemon(m))) return;
    const waiting = new Set(
      sessionsOf(m.body[0])
        .filter((s) => s.state === "PresentingUI")
        .map((s) => s.device),
    );
    await recorded;
    for (const [device, id] of [...byDevice]) {
      if (waiting.has(device)) continue;
      byDevice.delete(device);
      shown.delete(id);
      await notifier.close(id).catch(() => undefined);
      opts.log("info", `${device} no longer needs you: notification withdrawn`);
    }
  };

  system.bus.on("message", (m: Message) => {
    if (m.interface !== API_INTERFACE || m.path !== API_OBJECT_PATH) return;
    if (m.member === "UserActionRequired") {
      onRequest(m).catch((e: unknown) => opts.log("warn", `could not show a notification: ${reasonOf(e)}`));
    } else if (m.member === "SessionsChanged") {
      onSessions(m).catch((e: unknown) => opts.log("warn", `could not update notifications: ${reasonOf(e)}`));
    }
  });
  notifier.onAction((id, key) => {
    void recorded.then(() => {
      const action = shown.get(id);
      if (!action || (key !== OPEN_ACTION && key !== "default")) return;
      opts.log("info", `opening the portal window for ${action.device}: ${action.url}`);
      Promise.resolve(opts.open(action)).catch((e: unknown) =>
        opts.log("warn", `could not open the portal window: ${reasonOf(e)}`),
      );
    });
  });
  notifier.onClosed((id) => {
    void recorded.then(() => {
      const action = shown.get(id);
      shown.delete(id);
      if (action && byDevice.get(action.device) === id) byDevice.delete(action.device);
    });
  });

  // Started after the daemon asked (a login, a restart of the session): show what waits now.
  for (const s of await listSessions(system)) {
    if (s.state !== "PresentingUI" || s.uiUrl === undefined) continue;
    await show({
      device: s.device,
      ssid: s.ssid,
      providerName: s.providerName ?? s.provider,
      url: s.uiUrl,
    }).catch((e: unknown) => opts.log("warn", `could not show a notification: ${reasonOf(e)}`));
  }
}

/**
 * What the person reads: which network, what the page is, and that it opens apart. Escaped:
 * most services render the body as markup, and an SSID is whatever the access point says.
 */
export function notificationBody(action: UserActionView): string {
  const host = new URL(action.url).host;
  const network = action.ssid === "" ? action.device : `“${action.ssid}”`;
  return escapeMarkup(
    `The Wi-Fi network ${network} needs you to finish logging in on ${host}. "Open portal" opens it in a private browser window that uses the Wi-Fi link.`,
  );
}

function escapeMarkup(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
