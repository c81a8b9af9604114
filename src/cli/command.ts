import type { ParsedArgs } from "./args.ts";
import type { CliIo } from "./io.ts";

/** One option of a command, as node:util parseArgs takes it plus what `--help` shows. */
export interface OptionSpec {
  readonly type: "string" | "boolean";
  readonly multiple?: boolean;
  readonly short?: string;
  /** Placeholder in help, e.g. `FILE`. */
  readonly valueName?: string;
  readonly description: string;
}

/** Options several commands share; args.ts normalises them in one place. */
export type CommonOption = "plugins" | "no-bundled" | "config" | "json" | "terse";

/** A `hotspot` subcommand: one file under src/cli/, exporting `command`. */
export interface Command {
  /** Synopsis, e.g. `hotspot list --scan FILE [--json|--terse]`. */
  readonly usage: string;
  /** Paragraph shown by `--help` under the usage line. */
  readonly description: string;
  /** The command's own options (beyond the common ones it accepts). */
  readonly options: Readonly<Record<string, OptionSpec>>;
  readonly common: readonly CommonOption[];
  /** Whether bare arguments are allowed (they land in `args.positionals`). Default false. */
  readonly positionals?: boolean;
  /** Runs the command; resolves with the exit code. Expected failures throw coded HotspotErrors. */
  run(args: ParsedArgs, io: CliIo): Promise<number>;
}

/**
 * A registry entry: the one-line summary for `hotspot help`, and a lazy loader so that
 * `hotspot list` does not load what `hotspot demo` needs (the portal harness, a browser).
 */
export interface CommandEntry {
  readonly summary: string;
  load(): Promise<{ readonly command: Command }>;
}

/**
 * A command with subcommands (`hotspot plugin new`, `hotspot plugin test`): each is its
 * own Command with its own options and help. The subcommand's positionals still start
 * with its own name, so a command file reads the same whether it is grouped or not.
 */
export interface CommandGroup {
  readonly summary: string;
  readonly subcommands: Readonly<Record<string, CommandEntry>>;
}

export type RegistryEntry = CommandEntry | CommandGroup;

export const isCommandGroup = (entry: RegistryEntry): entry is CommandGroup => "subcommands" in entry;
