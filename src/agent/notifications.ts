import type { Message } from "@jellybrick/dbus-next";
import { z } from "zod";
import type { BusConnection } from "../scan/dbus/bus.ts";
import { addMatch, matchRule } from "../scan/dbus/signals.ts";

/**
 * The freedesktop desktop-notification service (org.freedesktop.Notifications on the user's
 * session bus): GNOME Shell, KDE Plasma, dunst, mako and xfce4-notifyd all implement it. We
 * use Notify with one action and follow ActionInvoked and NotificationClosed; replaces_id
 * lets a second request for the same device replace the first notification instead of
 * stacking them.
 */
const NOTIFICATIONS_NAME = "org.freedesktop.Notifications";
const NOTIFICATIONS_PATH = "/org/freedesktop/Notifications";
const NOTIFICATIONS_INTERFACE = "org.freedesktop.Notifications";

export interface NotifyRequest {
  readonly summary: string;
  readonly body: string;
  /** [key, label] pairs; the service shows the labels as buttons. */
  readonly actions: readonly (readonly [string, string])[];
  /** Id of a notification of ours to replace; 0 for a new one. */
  readonly replaces?: number;
}

export interface Notifier {
  notify(request: NotifyRequest): Promise<number>;
  /** Withdraws a notification of ours (the person no longer needs to act). */
  close(id: number): Promise<void>;
  /** Calls `listener(id, actionKey)` when the person clicks an action. Returns the disposer. */
  onAction(listener: (id: number, key: string) => void): () => void;
  /** Calls `listener(id)` when a notification is closed (dismissed, expired). Returns the disposer. */
  onClosed(listener: (id: number) => void): () => void;
}

const notifyReply = z.tuple([z.number().int().nonnegative()]);
const actionBody = z.tuple([z.number().int().nonnegative(), z.string()]);
const closedBody = z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]);

/** A notifier on an open session-bus connection (subscribes to the service's signals). */
export async function createNotifier(conn: BusConnection, appName = "hotspot-helper"): Promise<Notifier> {
  for (const member of ["ActionInvoked", "NotificationClosed"]) {
    await addMatch(
      conn,
      matchRule({ type: "signal", interface: NOTIFICATIONS_INTERFACE, path: NOTIFICATIONS_PATH, member }),
    );
  }
  const signals = (member: string, each: (body: unknown[]) => void) => {
    const handler = (m: Message): void => {
      if (m.interface === NOTIFICATIONS_INTERFACE && m.member === member && m.path === NOTIFICATIONS_PATH) {
        each(m.body);
      }
    };
    conn.bus.on("message", handler);
    return () => {
      conn.bus.off("message", handler);
    };
  };
  return {
    async notify(r) {
      const reply = await conn.call({
        destination: NOTIFICATIONS_NAME,
        path: NOTIFICATIONS_PATH,
        interface: NOTIFICATIONS_INTERFACE,
        member: "Notify",
        signature: "susssasa{sv}i",
        // Expire timeout 0: stays until the person acts on it or dismisses it.
        body: [appName, r.replaces ?? 0, "network-wireless", r.summary, r.body, r.actions.flat(), {}, 0],
      });
      const parsed = notifyReply.safeParse(reply);
      return parsed.success ? parsed.data[0] : 0;
    },
    async close(id) {
      await conn.call({
        destination: NOTIFICATIONS_NAME,
        path: NOTIFICATIONS_PATH,
        interface: NOTIFICATIONS_INTERFACE,
        member: "CloseNotification",
        signature: "u",
        body: [id],
      });
    },
    onAction: (listener) =>
      signals("ActionInvoked", (body) => {
        const parsed = actionBody.safeParse(body);
        if (parsed.success) listener(parsed.data[0], parsed.data[1]);
      }),
    onClosed: (listener) =>
      signals("NotificationClosed", (body) => {
        const parsed = closedBody.safeParse(body);
        if (parsed.success) listener(parsed.data[0]);
      }),
  };
}
