import { Variant } from "@jellybrick/dbus-next";
import { z } from "zod";
import type { CallSpec } from "../../scan/dbus/bus.ts";

/**
 * Who may act (Rescan, Logoff, ReloadPlugins): root, the daemon's own user, and users with
 * an active session on a local seat, which is what "the person at this machine" means.
 *
 * Why the daemon decides this and not the bus policy's `at_console="true"` context:
 * at_console is deprecated in dbus-daemon, depends on how it was built, and dbus-broker (the
 * default bus on Fedora and Arch) does not implement it at all, so a policy built on it
 * locks the desktop user out there. Asking the bus for the caller's uid
 * (GetConnectionUnixUser: the kernel's peer credentials, unforgeable) and logind for that
 * uid's sessions works on every bus implementation and follows logind's own definition of
 * "active" (the foreground session of a seat, not an ssh login). When logind is absent,
 * only root and the daemon's user may act. The bus policy file still limits who may own
 * the name, so nobody can impersonate the daemon.
 */

export type CallFn = (spec: CallSpec) => Promise<unknown[]>;

export interface CallerVerdict {
  readonly allowed: boolean;
  readonly uid: number;
  /** How the decision was made, for the log. */
  readonly why: string;
}

const LOGIND = "org.freedesktop.login1";
const uidReply = z.tuple([z.number().int().nonnegative()]);
/** ListSessions: a(susso) = id, uid, user name, seat id ("" for remote/none), object path. */
const sessionsReply = z.tuple([
  z.array(z.tuple([z.string(), z.number().int(), z.string(), z.string(), z.string().startsWith("/")])),
]);

/** The caller's uid according to the bus. */
async function callerUid(call: CallFn, sender: string): Promise<number> {
  const body = await call({
    destination: "org.freedesktop.DBus",
    path: "/org/freedesktop/DBus",
    interface: "org.freedesktop.DBus",
    member: "GetConnectionUnixUser",
    signature: "s",
    body: [sender],
  });
  return uidReply.parse(body)[0];
}

/** True when logind reports an active session on a seat for `uid`; false when logind is absent. */
async function hasActiveLocalSession(call: CallFn, uid: number): Promise<boolean> {
  let sessions: z.infer<typeof sessionsReply>[0];
  try {
    const body = await call({
      destination: LOGIND,
      path: "/org/freedesktop/login1",
      interface: `${LOGIND}.Manager`,
      member: "ListSessions",
      timeoutMs: 2_000,
    });
    sessions = sessionsReply.parse(body)[0];
  } catch {
    return false;
  }
  for (const [, sessionUid, , seat, path] of sessions) {
    if (sessionUid !== uid || seat === "") continue;
    try {
      const body = await call({
        destination: LOGIND,
        path,
        interface: "org.freedesktop.DBus.Properties",
        member: "Get",
        signature: "ss",
        body: [`${LOGIND}.Session`, "Active"],
        timeoutMs: 2_000,
      });
      if (activeReply(body)) return true;
    } catch {
      // A session that vanished between the two calls is simply not active.
    }
  }
  return false;
}

/** Properties.Get answers a Variant of type `b`. */
function activeReply(body: readonly unknown[]): boolean {
  const v = body[0];
  return v instanceof Variant && v.signature === "b" && v.value === true;
}

export async function authorizeCaller(
  call: CallFn,
  sender: string,
  ownUid: number = process.getuid?.() ?? -1,
): Promise<CallerVerdict> {
  const uid = await callerUid(call, sender);
  if (uid === 0) return { allowed: true, uid, why: "root" };
  if (uid === ownUid) return { allowed: true, uid, why: "the daemon's own user" };
  if (await hasActiveLocalSession(call, uid)) return { allowed: true, uid, why: "active local session" };
  return { allowed: false, uid, why: "not root and no active local session" };
}
