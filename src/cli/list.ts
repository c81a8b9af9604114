import { type AnnotatedNetwork, annotate, renderNetworks } from "../annotate/index.ts";
import type { ScannedNetwork } from "../helper-api/network.ts";
import type { PluginRegistry } from "../helper-api/registry-types.ts";
import type { ScanSource } from "../scan/source.ts";
import { booleanOption, type ParsedArgs } from "./args.ts";
import type { Command } from "./command.ts";
import type { CliIo } from "./io.ts";
import { loadCliPlugins } from "./registry.ts";
import { SOURCE_OPTIONS, sourceFor, warnOnStderr } from "./sources.ts";

const USAGE =
  "hotspot list [--scan FILE | --bus ADDRESS | --backend networkmanager|nmcli|node-wifi] [--rescan] " +
  "[--plugins DIR]... [--no-bundled] [--config FILE] [--json|--terse]";

/**
 * Picks where the scan comes from: `--scan FILE`, else NetworkManager on the system bus
 * (`DBUS_SYSTEM_BUS_ADDRESS` from the command's environment, or `--bus`), or the
 * `--backend` fallback. One-shot: NetworkManager missing is an error (exit 4), not a wait.
 */
export function scanSourceFor(args: ParsedArgs, io: CliIo): ScanSource {
  return sourceFor("list", command, args, io, "fail").source;
}

/**
 * Starts the source, takes its current scan of every device (or, with `rescan`, asks for a
 * fresh one: a refused scan is a warning and the last scan is used), stops it.
 */
export async function scanOnce(
  source: ScanSource,
  options: { rescan?: boolean } = {},
): Promise<ScannedNetwork[]> {
  await source.start();
  try {
    const lists = options.rescan ? await source.rescan() : source.current();
    return lists.flatMap((list) => list.networks);
  } finally {
    await source.stop();
  }
}

/** Claims from the registry's index and filterScanList hooks, joined into annotated rows. */
export async function annotateScan(
  networks: readonly ScannedNetwork[],
  registry: PluginRegistry,
  signal?: AbortSignal,
): Promise<AnnotatedNetwork[]> {
  return annotate(networks, await registry.filterScanList(networks, signal));
}

export const command: Command = {
  usage: USAGE,
  description:
    "Lists the access points NetworkManager sees (or a scan file's), strongest first, with the plugin " +
    "that would log in to each (the provider) and every plugin's claim. Without --scan it reads " +
    "NetworkManager over D-Bus on the system bus ($DBUS_SYSTEM_BUS_ADDRESS or --bus); --backend nmcli " +
    "reads it through nmcli instead, for systems where the D-Bus API cannot be used. --rescan asks for " +
    "a fresh scan first (a refused scan is a warning and the last scan is shown). Plugins load " +
    "strictly: a broken plugin is an error. SSIDs are shown terminal-safe: control characters and " +
    "bytes that are not UTF-8 appear as \\xNN. Exit 4 when NetworkManager cannot be reached.",
  options: {
    ...SOURCE_OPTIONS,
    rescan: { type: "boolean", description: "Ask for a fresh scan before listing." },
  },
  common: ["plugins", "no-bundled", "config", "json", "terse"],
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const source = scanSourceFor(args, io);
    const stopWarnings = warnOnStderr(source, io);
    let networks: ScannedNetwork[];
    try {
      networks = await scanOnce(source, { rescan: booleanOption(args, "rescan") });
    } finally {
      stopWarnings();
    }
    const { registry } = await loadCliPlugins(args.common, io, true);
    io.stdout.write(renderNetworks(await annotateScan(networks, registry), args.common.format));
    return 0;
  },
};
