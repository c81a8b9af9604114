/**
 * Names and numbers of NetworkManager's D-Bus API (the subset hotspot-helper reads), as
 * documented in NetworkManager's `nm-dbus-types` and measured on NetworkManager 1.42.
 */

export const NM_BUS_NAME = "org.freedesktop.NetworkManager";
export const NM_PATH = "/org/freedesktop/NetworkManager";
/** NetworkManager's ObjectManager lives one level up, on `/org/freedesktop`. */
export const NM_OBJECT_MANAGER_PATH = "/org/freedesktop";

export const IFACE = {
  manager: "org.freedesktop.NetworkManager",
  device: "org.freedesktop.NetworkManager.Device",
  wireless: "org.freedesktop.NetworkManager.Device.Wireless",
  accessPoint: "org.freedesktop.NetworkManager.AccessPoint",
  activeConnection: "org.freedesktop.NetworkManager.Connection.Active",
  ip4Config: "org.freedesktop.NetworkManager.IP4Config",
  dhcp4Config: "org.freedesktop.NetworkManager.DHCP4Config",
  settingsConnection: "org.freedesktop.NetworkManager.Settings.Connection",
  properties: "org.freedesktop.DBus.Properties",
  objectManager: "org.freedesktop.DBus.ObjectManager",
  introspectable: "org.freedesktop.DBus.Introspectable",
  peer: "org.freedesktop.DBus.Peer",
} as const;

/** NetworkManager's "no object" path value. */
export const NO_OBJECT = "/";

export const DEVICE_TYPE_WIFI = 2;

/** NMDeviceState. */
export const DeviceState = {
  unknown: 0,
  unmanaged: 10,
  unavailable: 20,
  disconnected: 30,
  prepare: 40,
  config: 50,
  needAuth: 60,
  ipConfig: 70,
  ipCheck: 80,
  secondaries: 90,
  activated: 100,
  deactivating: 110,
  failed: 120,
} as const;

/** NMConnectivityState, by number. */
export const CONNECTIVITY = ["unknown", "none", "portal", "limited", "full"] as const;
export type Connectivity = (typeof CONNECTIVITY)[number];

export function connectivityName(n: number | undefined): Connectivity {
  return (n !== undefined && CONNECTIVITY[n]) || "unknown";
}

export function connectivityNumber(c: Connectivity): number {
  return CONNECTIVITY.indexOf(c);
}

/** NM80211ApFlags / NM80211ApSecurityFlags bits we classify security by. */
export const AP_FLAGS_PRIVACY = 0x1;
export const AP_SEC = {
  pairWep40: 0x1,
  pairWep104: 0x2,
  keyMgmtPsk: 0x100,
  keyMgmt8021x: 0x200,
  keyMgmtSae: 0x400,
  keyMgmtOwe: 0x800,
  keyMgmtOweTm: 0x1000,
  keyMgmtEapSuiteB192: 0x2000,
} as const;

/** D-Bus error names NetworkManager answers RequestScan / CheckConnectivity with. */
export const NM_ERRORS = {
  notAllowed: "org.freedesktop.NetworkManager.Device.NotAllowed",
  permissionDenied: "org.freedesktop.NetworkManager.PermissionDenied",
  accessDenied: "org.freedesktop.DBus.Error.AccessDenied",
} as const;

/**
 * The interfaces whose properties we follow: the store keeps them, and the match rules
 * subscribe to their PropertiesChanged. One list, so the two cannot drift apart.
 */
export const PROPERTY_INTERFACES = [
  IFACE.manager,
  IFACE.device,
  IFACE.wireless,
  IFACE.accessPoint,
  IFACE.activeConnection,
  IFACE.ip4Config,
  IFACE.dhcp4Config,
] as const;
