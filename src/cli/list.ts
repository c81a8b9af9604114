import { type AnnotatedNetwork, annotate, renderNetworks } from "../annotate/index.ts";
import type { ScannedNetwork } from "../helper-api/network.ts";
import type { PluginRegistry } from "../helper-api/registry-types.ts";
import { FixtureScanSource } from "../scan/fixture-source.ts";
import type { ScanSource } from "../scan/source.ts";
import { type ParsedArgs, stringOption, usageError } from "./args.ts";
import type { Command } from "./command.ts";
import type { CliIo } from "./io.ts";
import { loadCliPlugins } from "./registry.ts";

const USAGE = "hotspot list --scan FILE [--plugins DIR]... [--no-bundled] [--config FILE] [--json|--terse]";

/**
 * Picks where the scan comes from. Only fixture files for now; the NetworkManager (D-Bus)
 * source plugs in here for a live scan when `--scan` is absent.
 */
export function scanSourceFor(args: ParsedArgs): ScanSource {
  const file = stringOption(args, "scan");
  if (file !== undefined) return new FixtureScanSource(file);
  throw usageError(
    "list",
    command,
    "live scanning needs NetworkManager, which this version cannot use yet; give a scan file with --scan FILE",
  );
}

/** Starts the source, takes its current scan of every device, stops it. */
export async function scanOnce(source: ScanSource): Promise<ScannedNetwork[]> {
  await source.start();
  try {
    return source.current().flatMap((list) => list.networks);
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
    "Lists the access points of a scan, strongest first, with the plugin that would log in to each " +
    "(the provider) and every plugin's claim. Plugins load strictly: a broken plugin is an error. " +
    "SSIDs are shown terminal-safe: control characters and bytes that are not UTF-8 appear as \\xNN.",
  options: {
    scan: {
      type: "string",
      valueName: "FILE",
      description: "Read the scan from FILE (the scan fixture format).",
    },
  },
  common: ["plugins", "no-bundled", "config", "json", "terse"],
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const source = scanSourceFor(args);
    const networks = await scanOnce(source);
    const { registry } = await loadCliPlugins(args.common, io, true);
    io.stdout.write(renderNetworks(await annotateScan(networks, registry), args.common.format));
    return 0;
  },
};
