import { NmcliReader } from "./nmcli-reader.ts";
import { NodeWifiReader, type NodeWifiReaderOptions } from "./node-wifi-reader.ts";
import { type PollingSourceOptions, PollingWifiSource } from "./source.ts";

export type { NmcliDevice } from "./device-show.ts";
export { restoreEnv, snapshotEnv, withEnvGuard } from "./env-guard.ts";
export type { NmcliOptions } from "./nmcli-exec.ts";
export { NmcliReader } from "./nmcli-reader.ts";
export { NodeWifiReader, type NodeWifiReaderOptions } from "./node-wifi-reader.ts";
export type { ReaderSnapshot, RescanResult, WifiReader } from "./reader.ts";
export type { RejectedRow, WifiRow } from "./rows.ts";
export { type PollingSourceOptions, PollingWifiSource } from "./source.ts";

export type CommandLineSourceOptions = NodeWifiReaderOptions & PollingSourceOptions;

/**
 * The fallback ScanSource (`--backend nmcli`): polls nmcli with our own parser. Scans,
 * joins, leaves, roams and `checkConnectivity()`.
 *
 * @example
 * const source = createNmcliSource({ busAddress, whenUnavailable: "fail" });
 * await source.start(); // rejects with HH_NM_UNAVAILABLE / HH_NMCLI_UNAVAILABLE
 */
export function createNmcliSource(options: CommandLineSourceOptions = {}): PollingWifiSource {
  return new PollingWifiSource(new NmcliReader(options), options);
}

/** The same, scanning through node-wifi (guarded and verified; scans only). `--backend node-wifi`. */
export function createNodeWifiSource(options: CommandLineSourceOptions = {}): PollingWifiSource {
  return new PollingWifiSource(new NodeWifiReader(options), options);
}
