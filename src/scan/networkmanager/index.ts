import { NetworkManagerSource, type NetworkManagerSourceOptions } from "./source.ts";

export type { ConnectivitySnapshot } from "./connectivity.ts";
export type { Connectivity } from "./constants.ts";
export type { LinkFacts } from "./link.ts";
export type { DeviceLink } from "./links.ts";
export {
  NetworkManagerSource,
  type NetworkManagerSourceOptions,
  type NetworkManagerStatus,
} from "./source.ts";

/**
 * The live ScanSource for the CLI and the daemon.
 *
 * @example
 * // hotspot list [--rescan] [--bus ADDRESS]
 * const source = createNetworkManagerSource({ busAddress: opts.bus, whenUnavailable: "fail" });
 * source.on("warning", (e) => console.error(`warning: ${e.message}`));
 * await source.start(); // rejects with HH_NM_UNAVAILABLE when NetworkManager is absent
 * const lists = opts.rescan ? await source.rescan() : source.current();
 * await source.stop();
 */
export function createNetworkManagerSource(options: NetworkManagerSourceOptions = {}): NetworkManagerSource {
  return new NetworkManagerSource(options);
}
