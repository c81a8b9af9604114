import { type Connectivity, connectivityName, DEVICE_TYPE_WIFI } from "./constants.ts";
import { type LinkFacts, linkFacts } from "./link.ts";
import type { ObjectStore } from "./store.ts";

/**
 * Every device NetworkManager manages (Wi-Fi or not) with its state and link facts: what
 * `hotspot status` can show, and what can be checked against a real NetworkManager on a
 * machine without Wi-Fi (an Ethernet or veth link has the same Device/IP4Config/DHCP4Config
 * objects).
 */
export interface DeviceLink extends LinkFacts {
  readonly interface: string;
  /** NMDeviceType: 1 Ethernet, 2 Wi-Fi, 20 veth, 32 loopback, … */
  readonly deviceType: number;
  readonly wifi: boolean;
  /** NMDeviceState: 30 disconnected … 100 activated. */
  readonly state: number;
  /** The device's IPv4 connectivity (NetworkManager ≥ 1.16), else unknown. */
  readonly connectivity: Connectivity;
}

export function deviceLinks(store: ObjectStore): DeviceLink[] {
  const out: DeviceLink[] = [];
  for (const path of store.manager.Devices ?? []) {
    const dev = store.get(path)?.device;
    if (dev?.Interface === undefined) continue;
    out.push(
      Object.freeze({
        interface: dev.Interface,
        deviceType: dev.DeviceType ?? 0,
        wifi: dev.DeviceType === DEVICE_TYPE_WIFI,
        state: dev.State ?? 0,
        connectivity: connectivityName(dev.Ip4Connectivity),
        ...linkFacts(store, path),
      }),
    );
  }
  return out;
}
