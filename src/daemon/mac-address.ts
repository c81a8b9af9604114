import type { MacAddressInfo } from "./events.ts";

/**
 * NetworkManager's `cloned-mac-address` values that give the device a new address on each
 * activation: `random` always does. `stable` hashes a per-host secret with the connection
 *, so it stays the same across reconnects; `permanent`
 * and `preserve` keep the hardware address; an explicit address is fixed. When the
 * connection does not set it (`default`) NetworkManager's global `wifi.cloned-mac-address`
 * applies, which is `preserve` unless the administrator configured otherwise.
 */
export function macAddressInfo(setting: string): MacAddressInfo {
  return { setting, changesOnReconnect: setting.toLowerCase() === "random" };
}
