import { type Message, MessageType } from "@jellybrick/dbus-next";
import type { BusConnection } from "./bus.ts";

/**
 * Match rules and a raw signal subscription. We subscribe with a handful of broad rules
 * (by sender, interface and path namespace) instead of one rule per object: a 500-AP scan
 * would otherwise cost 500 AddMatch round trips and run into the system bus's
 * `max_match_rules_per_connection` (512 on Debian), and every AP that vanishes would have to
 * be unsubscribed exactly once (the bookkeeping that leaked in upstream dbus-next 0.10.2).
 */

const BUS = { destination: "org.freedesktop.DBus", path: "/org/freedesktop/DBus" } as const;

/** Builds a match rule string; values are quoted as the D-Bus specification requires. */
export function matchRule(fields: Readonly<Record<string, string>>): string {
  return Object.entries(fields)
    .map(([k, v]) => `${k}='${v.replaceAll("'", "'\\''")}'`)
    .join(",");
}

export function addMatch(conn: BusConnection, rule: string): Promise<unknown[]> {
  return conn.call({
    ...BUS,
    interface: "org.freedesktop.DBus",
    member: "AddMatch",
    signature: "s",
    body: [rule],
  });
}

export function removeMatch(conn: BusConnection, rule: string): Promise<unknown[]> {
  return conn.call({
    ...BUS,
    interface: "org.freedesktop.DBus",
    member: "RemoveMatch",
    signature: "s",
    body: [rule],
  });
}

/**
 * The match rules the bus holds for a connection (default: ours), as the bus itself reports
 * them through `org.freedesktop.DBus.Debug.Stats.GetAllMatchRules` (dbus-daemon ≥ 1.11 built
 * with stats, as Debian's is). Used by the leak tests; needs the bus's permission (always
 * granted on a session-type bus to the same user).
 */
export async function matchRulesOf(conn: BusConnection, uniqueName = conn.uniqueName): Promise<string[]> {
  const [all] = await conn.call({
    ...BUS,
    interface: "org.freedesktop.DBus.Debug.Stats",
    member: "GetAllMatchRules",
  });
  if (typeof all !== "object" || all === null) return [];
  const rules: unknown = Reflect.get(all, uniqueName);
  return Array.isArray(rules) ? rules.filter((r): r is string => typeof r === "string") : [];
}

export type SignalHandler = (msg: Message) => void;

export interface Subscription {
  /** Removes the listener and the rules from the bus. Safe to call twice. */
  dispose(): Promise<void>;
}

/**
 * Adds `rules` on the bus and calls `handler` for every incoming signal (in arrival order;
 * filtering by sender/path/member is the handler's job: several rules may match one signal
 * and the bus delivers it once). Rejects, with nothing left behind, if a rule is refused.
 */
export async function subscribeSignals(
  conn: BusConnection,
  rules: readonly string[],
  handler: SignalHandler,
): Promise<Subscription> {
  const listener = (msg: Message): void => {
    if (msg.type === MessageType.SIGNAL) handler(msg);
  };
  conn.bus.on("message", listener);
  const added: string[] = [];
  let disposed = false;
  const dispose = async (): Promise<void> => {
    if (disposed) return;
    disposed = true;
    conn.bus.off("message", listener);
    if (conn.closed) return;
    await Promise.allSettled(added.map((r) => removeMatch(conn, r)));
  };
  // Sent together: the bus answers in order, so this costs one round trip, not N. Every
  // answer is awaited before giving up: a rule accepted after another was refused (or timed
  // out) must be known, or dispose could not remove it and it would stay on the bus.
  const outcomes = await Promise.allSettled(
    rules.map(async (r) => {
      await addMatch(conn, r);
      added.push(r);
    }),
  );
  const refused = outcomes.find((o) => o.status === "rejected");
  if (refused !== undefined) {
    await dispose();
    throw refused.reason;
  }
  return { dispose };
}
