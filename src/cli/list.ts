import { type AnnotatedNetwork, annotate, renderNetworks } from "../annotate/index.ts";
import { isHotspotError } from "../errors.ts";
import type { ScannedNetwork } from "../helper-api/network.ts";
import type { PluginRegistry } from "../helper-api/registry-types.ts";
import type { ScanSource } from "../scan/source.ts";
import { booleanOption, type ParsedArgs } from "./args.ts";
import type { Command } from "./command.ts";
import { DAEMON_BUS_OPTION, daemonBusAddress, withDaemon } from "./daemon-bus.ts";
import type { CliIo } from "./io.ts";
import { listRegistry } from "./list-plugins.ts";
import { SOURCE_OPTIONS, sourceFor, warnOnStderr } from "./sources.ts";

const USAGE =
  "hotspot list [--scan FILE | --bus ADDRESS | --backend networkmanager|nmcli|node-wifi | --no-daemon] " +
  "[--rescan] [--daemon-bus ADDRESS] [--plugins DIR]... [--no-bundled] [--config FILE] [--json|--terse]";

/**
 * Picks where the scan comes from: `--scan FILE`, else NetworkManager on the system bus
 * (`DBUS_SYSTEM_BUS_ADDRESS` from the command's environment, or `--bus`), or the
 * `--backend` fallback. One-shot: NetworkManager missing is an error (exit 4), not a wait.
 */
export async function scanSourceFor(args: ParsedArgs, io: CliIo): Promise<ScanSource> {
  return (await sourceFor("list", command, args, io, "fail")).source;
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
  registry: Pick<PluginRegistry, "filterScanList">,
  signal?: AbortSignal,
): Promise<AnnotatedNetwork[]> {
  return annotate(networks, await registry.filterScanList(networks, signal));
}

export const command: Command = {
  usage: USAGE,
  description:
    "Lists the access points NetworkManager sees (or a scan file's), strongest first, with the plugin " +
    "that would log in to each. When the daemon runs (and no scan source, plugin or config option is " +
    "given) the list comes from it over D-Bus, annotated by the plugins it really runs; otherwise, or " +
    "with --no-daemon, it is built here from the local plugins: every plugin's claim, the best one as " +
    "provider. Without --scan it reads " +
    "NetworkManager over D-Bus on the system bus ($DBUS_SYSTEM_BUS_ADDRESS or --bus); --backend nmcli " +
    "reads it through nmcli instead, for systems where the D-Bus API cannot be used. --rescan asks for " +
    "a fresh scan first (a refused scan is a warning and the last scan is shown). Plugins load " +
    "strictly: a broken plugin is an error. A plugin unchanged since an earlier list (files and " +
    "settings) is not imported again: its claims come from the descriptor cache " +
    "($XDG_CACHE_HOME/hotspot-helper, or /var/cache/hotspot-helper for root). SSIDs are shown terminal-safe: control characters and " +
    "bytes that are not UTF-8 appear as \\xNN. Exit 4 when NetworkManager cannot be reached.",
  options: {
    ...SOURCE_OPTIONS,
    rescan: { type: "boolean", description: "Ask for a fresh scan before listing." },
    "no-daemon": { type: "boolean", description: "Read NetworkManager directly even when the daemon runs." },
    ...DAEMON_BUS_OPTION,
  },
  common: ["plugins", "no-bundled", "config", "json", "terse"],
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const fromDaemon = await listFromDaemon(args, io);
    if (fromDaemon !== undefined) {
      io.stdout.write(renderNetworks(fromDaemon, args.common.format));
      return 0;
    }
    const source = await scanSourceFor(args, io);
    const stopWarnings = warnOnStderr(source, io);
    let networks: ScannedNetwork[];
    try {
      networks = await scanOnce(source, { rescan: booleanOption(args, "rescan") });
    } finally {
      stopWarnings();
    }
    const registry = await listRegistry(args.common, io);
    io.stdout.write(renderNetworks(await annotateScan(networks, registry), args.common.format));
    return 0;
  },
};

/** Options that ask for a list built here rather than the daemon's. */
const LOCAL_OPTIONS = ["scan", "bus", "backend", "no-daemon", "plugins", "no-bundled", "config"];

/**
 * The daemon's list, when it runs and nothing asks for a local one; undefined to fall back
 * to reading NetworkManager here. A refused rescan (not root, no active local session) is
 * a warning: the daemon's latest scan is still worth showing.
 */
async function listFromDaemon(args: ParsedArgs, io: CliIo): Promise<AnnotatedNetwork[] | undefined> {
  if (LOCAL_OPTIONS.some((o) => args.values[o] !== undefined)) return undefined;
  try {
    return await withDaemon(daemonBusAddress(args, io), async (daemon) => {
      if (booleanOption(args, "rescan")) {
        await daemon.rescan().catch((e: unknown) => {
          if (!isHotspotError(e) || e.code === "HH_DAEMON_NOT_RUNNING") throw e;
          io.stderr.write(`hotspot: warning: rescan refused: ${e.message}\n`);
        });
      }
      return await daemon.networks();
    });
  } catch (e) {
    if (isHotspotError(e) && e.code === "HH_DAEMON_NOT_RUNNING") return undefined;
    throw e;
  }
}
