import { terminalSafe } from "../annotate/index.ts";
import { systemBusAddress } from "../scan/dbus/address.ts";
import { FixtureScanSource } from "../scan/fixture-source.ts";
import type { ScanSource } from "../scan/source.ts";
import { type ParsedArgs, stringOption, usageError } from "./args.ts";
import { busAddressOption } from "./bus-address.ts";
import type { Command, OptionSpec } from "./command.ts";
import type { CliIo } from "./io.ts";

/**
 * Where a command's networks come from, chosen the same way for `hotspot list` and
 * `hotspot daemon`: a scan file (`--scan`), NetworkManager over D-Bus (the default, on the
 * system bus or `--bus`), or the command-line fallback (`--backend nmcli|node-wifi`).
 */

export const BACKENDS = ["networkmanager", "nmcli", "node-wifi"] as const;
export type Backend = (typeof BACKENDS)[number];

/** The options every command that reads networks takes. */
export const SOURCE_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  scan: {
    type: "string",
    valueName: "FILE",
    description: "Read the scan from FILE (the scan fixture format) instead of the system.",
  },
  bus: {
    type: "string",
    valueName: "ADDRESS",
    description:
      "D-Bus address of NetworkManager's bus (default: $DBUS_SYSTEM_BUS_ADDRESS, else the system bus).",
  },
  backend: {
    type: "string",
    valueName: "NAME",
    description:
      "networkmanager (default: D-Bus), nmcli (fallback: polls nmcli with our own parser), or node-wifi " +
      "(scans only, each row verified against nmcli's exact bytes).",
  },
};

export interface SourceChoice {
  /** `networkmanager` when nothing was said; `fixture` for `--scan`. */
  readonly kind: Backend | "fixture";
  readonly source: ScanSource;
}

/**
 * Builds the ScanSource the options ask for. `whenUnavailable` is `fail` for one-shot
 * commands (a clear error, exit 4) and `retry` for the daemon (it waits for NetworkManager).
 * The live backends are imported only when chosen: the D-Bus client and its XML parser
 * are most of what `hotspot list --scan FILE` would otherwise load at start.
 * @throws HH_USAGE for an unknown backend or `--scan` combined with a live option.
 */
export async function sourceFor(
  name: string,
  command: Command,
  args: ParsedArgs,
  io: CliIo,
  whenUnavailable: "fail" | "retry",
  pollIntervalMs?: number,
): Promise<SourceChoice> {
  const file = stringOption(args, "scan");
  const bus = busAddressOption(args, "bus");
  const backendText = stringOption(args, "backend");
  if (file !== undefined) {
    if (bus !== undefined || backendText !== undefined) {
      throw usageError(name, command, "--scan reads a file; it cannot be combined with --bus or --backend");
    }
    return { kind: "fixture", source: new FixtureScanSource(file) };
  }
  const backend = BACKENDS.find((b) => b === (backendText ?? "networkmanager"));
  if (backend === undefined) {
    throw usageError(
      name,
      command,
      `unknown backend '${backendText ?? ""}' (backends: ${BACKENDS.join(", ")})`,
    );
  }
  // io.env, not process.env: the command's environment is injected (tests run in-process).
  const busAddress = bus ?? systemBusAddress(io.env);
  const polling = {
    busAddress,
    whenUnavailable,
    env: io.env,
    ...(pollIntervalMs === undefined ? {} : { pollIntervalMs }),
  };
  switch (backend) {
    case "networkmanager": {
      const { createNetworkManagerSource } = await import("../scan/networkmanager/index.ts");
      return { kind: backend, source: createNetworkManagerSource({ busAddress, whenUnavailable }) };
    }
    case "nmcli":
      return {
        kind: backend,
        source: (await import("../scan/nodewifi/index.ts")).createNmcliSource(polling),
      };
    case "node-wifi":
      return {
        kind: backend,
        source: (await import("../scan/nodewifi/index.ts")).createNodeWifiSource(polling),
      };
  }
}

/** Prints a source's warnings (a refused scan, a dropped row, a lost connection) on stderr. */
export function warnOnStderr(source: ScanSource, io: CliIo): () => void {
  const listener = (e: Error): void => io.stderr.write(`hotspot: warning: ${terminalSafe(e.message)}\n`);
  source.on("warning", listener);
  return () => source.off("warning", listener);
}
