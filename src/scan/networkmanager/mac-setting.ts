import { Variant } from "@jellybrick/dbus-next";
import { z } from "zod";
import { hotspotError, reasonOf } from "../../errors.ts";
import type { BusConnection } from "../dbus/bus.ts";
import { IFACE } from "./constants.ts";

/**
 * How a connection profile sets the Wi-Fi MAC address, read with Settings.Connection's
 * GetSettings (no secrets are returned by it). NetworkManager's `cloned-mac-address`
 * (`nmcli`'s name) travels on D-Bus as `assigned-mac-address`, a string that may be
 * `random`, `stable`, `permanent`, `preserve` or an address; the older
 * `cloned-mac-address` key (bytes) can hold only a literal address. Neither set means the
 * profile follows NetworkManager's global default: `default`.
 */
export function macSettingOf(settings: unknown): string {
  const parsed = settingsSchema.safeParse(settings);
  if (!parsed.success) return "default";
  const wifi = parsed.data["802-11-wireless"];
  const assigned = wifi?.["assigned-mac-address"]?.value;
  if (typeof assigned === "string" && assigned !== "") return assigned;
  const cloned = wifi?.["cloned-mac-address"]?.value;
  if (cloned instanceof Uint8Array && cloned.length === 6) {
    return [...cloned].map((b) => b.toString(16).padStart(2, "0")).join(":");
  }
  return "default";
}

const settingsSchema = z.record(z.string(), z.record(z.string(), z.instanceof(Variant)));

/**
 * Calls GetSettings on `connectionPath`.
 * @throws HH_NM_CALL_FAILED when NetworkManager refuses or does not answer.
 */
export async function readMacSetting(
  conn: BusConnection,
  owner: string,
  connectionPath: string,
  timeoutMs: number,
): Promise<string> {
  try {
    const [settings] = await conn.call({
      destination: owner,
      path: connectionPath,
      interface: IFACE.settingsConnection,
      member: "GetSettings",
      timeoutMs,
    });
    return macSettingOf(settings);
  } catch (e) {
    throw hotspotError("HH_NM_CALL_FAILED", { method: "GetSettings", reason: reasonOf(e) }, { cause: e });
  }
}
