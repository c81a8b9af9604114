import { type JoinedNetwork, type ScannedNetwork, scannedNetwork } from "../../helper-api/network.ts";
import { NO_OBJECT } from "./constants.ts";
import type { AccessPointProps, Dhcp4ConfigProps, Ip4ConfigProps } from "./decode.ts";
import { securityFromFlags } from "./security.ts";
import type { ObjectStore } from "./store.ts";

/**
 * Turns stored NetworkManager objects into the SDK's frozen network values.
 */

/** A scanned network from an access point, or undefined when its SSID or BSSID is unknown/malformed. */
export function networkFromAp(ap: AccessPointProps | undefined): ScannedNetwork | undefined {
  if (!ap || ap.Ssid === undefined || ap.HwAddress === undefined) return undefined;
  return scannedNetwork({
    ssid: ap.Ssid,
    bssid: ap.HwAddress,
    strength: ap.Strength ?? 0,
    frequency: ap.Frequency ?? 0,
    security: securityFromFlags({
      flags: ap.Flags ?? 0,
      wpaFlags: ap.WpaFlags ?? 0,
      rsnFlags: ap.RsnFlags ?? 0,
    }),
  });
}

/** Strongest first, then by BSSID, so lists are stable between scans. */
function byStrength(a: ScannedNetwork, b: ScannedNetwork): number {
  return b.strength - a.strength || (a.bssid < b.bssid ? -1 : a.bssid > b.bssid ? 1 : 0);
}

/** The visible networks of a Wi-Fi device, from its AccessPoints list. */
export function deviceNetworks(store: ObjectStore, devicePath: string): ScannedNetwork[] {
  const aps = store.get(devicePath)?.wireless?.AccessPoints ?? [];
  const out: ScannedNetwork[] = [];
  for (const p of aps) {
    const n = networkFromAp(store.get(p)?.ap);
    if (n) out.push(n);
  }
  return out.sort(byStrength);
}

/**
 * The access point a device is associated with: `Device.Wireless.ActiveAccessPoint`, or
 * else the active connection's `SpecificObject` (python3-dbusmock sets only the latter).
 */
export function activeApPath(store: ObjectStore, devicePath: string): string | undefined {
  const o = store.get(devicePath);
  const direct = o?.wireless?.ActiveAccessPoint;
  if (direct !== undefined && direct !== NO_OBJECT) return direct;
  const ac = o?.device?.ActiveConnection;
  const specific = ac && ac !== NO_OBJECT ? store.get(ac)?.active?.SpecificObject : undefined;
  return specific && specific !== NO_OBJECT && store.get(specific)?.ap ? specific : undefined;
}

/** The link facts NetworkManager knows for a device (IPv4, gateway, DNS, RFC 8910 URI). */
export interface LinkFacts {
  readonly ipv4?: string;
  readonly gateway?: string;
  readonly dns?: readonly string[];
  readonly captivePortalUri?: string;
}

/**
 * DHCP option 114 under the names NetworkManager's DHCP backends report it: `captive_portal`
 * (dhclient with `option captive-portal code 114`), `v4_captive_portal` (NM's internal
 * client in newer versions) and `default_url` (dhclient's built-in name for code 114).
 */
const OPTION_114_KEYS = ["captive_portal", "v4_captive_portal", "default_url"] as const;

export function captivePortalFromDhcp(dhcp: Dhcp4ConfigProps | undefined): string | undefined {
  const opts = dhcp?.Options;
  if (!opts) return undefined;
  for (const k of OPTION_114_KEYS) {
    const v = opts[k]?.trim();
    if (v) return v;
  }
  return undefined;
}

function ip4Facts(ip4: Ip4ConfigProps | undefined): Pick<LinkFacts, "ipv4" | "gateway" | "dns"> {
  if (!ip4) return {};
  const ipv4 = ip4.AddressData?.[0]?.address;
  const gateway = ip4.Gateway || undefined;
  const dns = ip4.NameserverData?.map((n) => n.address) ?? ip4.Nameservers;
  return {
    ...(ipv4 !== undefined ? { ipv4 } : {}),
    ...(gateway !== undefined ? { gateway } : {}),
    ...(dns !== undefined ? { dns: Object.freeze([...dns]) } : {}),
  };
}

/** Link facts from the device's Ip4Config and Dhcp4Config (falling back to the active connection's). */
export function linkFacts(store: ObjectStore, devicePath: string): LinkFacts {
  const dev = store.get(devicePath)?.device;
  const ac =
    dev?.ActiveConnection && dev.ActiveConnection !== NO_OBJECT
      ? store.get(dev.ActiveConnection)?.active
      : undefined;
  const pick = (a: string | undefined, b: string | undefined): string | undefined =>
    a && a !== NO_OBJECT ? a : b && b !== NO_OBJECT ? b : undefined;
  const ip4Path = pick(dev?.Ip4Config, ac?.Ip4Config);
  const dhcpPath = pick(dev?.Dhcp4Config, ac?.Dhcp4Config);
  const uri = captivePortalFromDhcp(dhcpPath ? store.get(dhcpPath)?.dhcp4 : undefined);
  return {
    ...ip4Facts(ip4Path ? store.get(ip4Path)?.ip4 : undefined),
    ...(uri ? { captivePortalUri: uri } : {}),
  };
}

export function joinedNetwork(net: ScannedNetwork, iface: string, link: LinkFacts): JoinedNetwork {
  return Object.freeze({ ...net, interface: iface, justJoined: true, autoJoined: false, ...link });
}
