import { type Connectivity, connectivityName } from "./constants.ts";
import type { ObjectStore } from "./store.ts";

/**
 * NetworkManager's view of reachability: its global `Connectivity` and each device's
 * `Ip4Connectivity` (NetworkManager ≥ 1.16), by interface name.
 *
 * NetworkManager only probes when a connectivity URI is configured, and after a portal login
 * it notices FULL only at its next probe (seconds to minutes later): the daemon runs its own
 * detection and calls `checkConnectivity()` after a login to make the desktop catch up.
 */
export interface ConnectivitySnapshot {
  readonly global: Connectivity;
  readonly devices: Readonly<Record<string, Connectivity>>;
}

export function connectivitySnapshot(store: ObjectStore): ConnectivitySnapshot {
  const devices: Record<string, Connectivity> = {};
  for (const path of store.manager.Devices ?? []) {
    const dev = store.get(path)?.device;
    if (dev?.Interface !== undefined && dev.Ip4Connectivity !== undefined) {
      devices[dev.Interface] = connectivityName(dev.Ip4Connectivity);
    }
  }
  return Object.freeze({
    global: connectivityName(store.manager.Connectivity),
    devices: Object.freeze(devices),
  });
}

export function sameConnectivity(a: ConnectivitySnapshot | undefined, b: ConnectivitySnapshot): boolean {
  if (!a || a.global !== b.global) return false;
  const ka = Object.keys(a.devices);
  const kb = Object.keys(b.devices);
  return ka.length === kb.length && kb.every((k) => a.devices[k] === b.devices[k]);
}
