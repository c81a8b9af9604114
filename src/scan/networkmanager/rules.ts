import { matchRule } from "../dbus/signals.ts";
import { IFACE, NM_BUS_NAME, NM_OBJECT_MANAGER_PATH, NM_PATH, PROPERTY_INTERFACES } from "./constants.ts";

/**
 * The fixed set of match rules the client holds, whatever the number of devices and access
 * points: the bus filters by sender, interface and path namespace, and (for
 * PropertiesChanged) by the interface in arg0, so NetworkManager's other chatter
 * (statistics, IPv6, settings) never wakes us. The rules name the well-known bus name, so
 * they keep matching when NetworkManager restarts under a new unique name.
 */
const nm = { type: "signal", sender: NM_BUS_NAME } as const;

export const SIGNAL_RULES: readonly string[] = Object.freeze([
  matchRule({
    type: "signal",
    sender: "org.freedesktop.DBus",
    interface: "org.freedesktop.DBus",
    member: "NameOwnerChanged",
    arg0: NM_BUS_NAME,
  }),
  ...PROPERTY_INTERFACES.map((i) =>
    matchRule({
      ...nm,
      interface: IFACE.properties,
      member: "PropertiesChanged",
      path_namespace: NM_PATH,
      arg0: i,
    }),
  ),
  matchRule({ ...nm, interface: IFACE.objectManager, path: NM_OBJECT_MANAGER_PATH }),
  matchRule({ ...nm, interface: IFACE.device, member: "StateChanged", path_namespace: NM_PATH }),
  matchRule({ ...nm, interface: IFACE.wireless, path_namespace: NM_PATH }),
  matchRule({ ...nm, interface: IFACE.manager, path: NM_PATH }),
]);
