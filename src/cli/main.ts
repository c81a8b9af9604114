import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { terminalSafe } from "../annotate/display.ts";
import { hotspotError, isHotspotError, reasonOf } from "../errors.ts";
import { errnoCode } from "../util/errno.ts";
import { closest } from "../util/suggest.ts";
import { parseCommandArgs } from "./args.ts";
import { type CommandEntry, isCommandGroup, type RegistryEntry } from "./command.ts";
import { commands as registeredCommands } from "./commands.ts";
import { commandHelp, groupHelp, HELP_HELP, overviewHelp, versionText } from "./help.ts";
import { type CliIo, processIo } from "./io.ts";

/** Exit code for internal errors (sysexits EX_SOFTWARE). */
export const EXIT_BUG = 70;

/**
 * Runs `hotspot <argv>` and resolves with the exit code. Never throws and never exits the
 * process: every error is turned into a message and an exit code here, in one place.
 * `commands` is injectable so tests can exercise the framework with stub commands.
 */
export async function main(
  argv: readonly string[],
  io: CliIo,
  commands: Readonly<Record<string, RegistryEntry>> = registeredCommands,
): Promise<number> {
  try {
    return await dispatch(argv, io, commands);
  } catch (e) {
    return reportError(e, io);
  }
}

async function dispatch(
  argv: readonly string[],
  io: CliIo,
  commands: Readonly<Record<string, RegistryEntry>>,
): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    throw hotspotError("HH_USAGE", { message: `no command given\n\n${overviewHelp(commands)}`.trimEnd() });
  }
  if (first === "--version" || first === "-V") {
    io.stdout.write(await versionText());
    return 0;
  }
  if (first === "--help" || first === "-h" || (first === "help" && rest.length === 0)) {
    io.stdout.write(overviewHelp(commands));
    return 0;
  }
  const helpWanted = first === "help";
  const words = helpWanted ? rest : [first, ...rest];
  const [name = "", ...after] = words;
  if (helpWanted && name === "help") {
    io.stdout.write(HELP_HELP);
    return 0;
  }
  const found = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!found) {
    const names = [...Object.keys(commands), "help"];
    const near = closest(name, names);
    throw hotspotError("HH_USAGE", {
      message:
        `unknown command '${name}'${near === undefined ? "" : `; did you mean '${near}'?`}\n` +
        `commands: ${names.join(", ")}; run 'hotspot --help'`,
    });
  }
  const chosen = pickSubcommand(name, found, after, helpWanted);
  if (typeof chosen === "string") {
    io.stdout.write(chosen);
    return 0;
  }
  const { entry, label, argv: commandArgv } = chosen;
  const { command } = await entry.load();
  if (helpWanted) {
    io.stdout.write(commandHelp(entry.summary, command));
    return 0;
  }
  const args = parseCommandArgs(label, command, commandArgv);
  if (args.common.help) {
    io.stdout.write(commandHelp(entry.summary, command));
    return 0;
  }
  return await command.run(args, io);
}

/**
 * The command to run for `hotspot NAME ...`: NAME's own, or for a group the subcommand its
 * next word names (the word stays in argv: it is the subcommand's first positional). A
 * group asked for help, or given no subcommand with `--help`, answers with its help text.
 */
function pickSubcommand(
  name: string,
  found: RegistryEntry,
  argv: readonly string[],
  helpWanted: boolean,
): { entry: CommandEntry; label: string; argv: readonly string[] } | string {
  if (!isCommandGroup(found)) return { entry: found, label: name, argv };
  const [word = ""] = argv;
  const sub = Object.hasOwn(found.subcommands, word) ? found.subcommands[word] : undefined;
  if (sub) return { entry: sub, label: `${name} ${word}`, argv: helpWanted ? argv.slice(1) : argv };
  if (helpWanted || word === "--help" || word === "-h") return groupHelp(name, found);
  const known = Object.keys(found.subcommands);
  const near = word === "" ? undefined : closest(word, known);
  const problem = word === "" ? "no subcommand given" : `unknown subcommand '${word}'`;
  const hint = near === undefined ? "" : `; did you mean '${name} ${near}'?`;
  throw hotspotError("HH_USAGE", {
    message: `${problem} (hotspot ${name}: ${known.join(", ")})${hint}; run 'hotspot ${name} --help'`,
  });
}

/**
 * The one place errors become output and exit codes:
 * - user errors (bad file, bad flag, broken plugin): `hotspot: <message>`, no stack, the code's exit code;
 * - other coded errors (a portal or plugin failing at run time): the same, they are not our bugs;
 * - anything else (or HH_INTERNAL) is a bug: message, stack and a plea to report it, exit 70.
 * Messages may quote SSIDs or plugin output, so they pass through `terminalSafe`.
 */
export function reportError(e: unknown, io: CliIo): number {
  if (isHotspotError(e) && e.code !== "HH_INTERNAL") {
    io.stderr.write(`hotspot: ${terminalSafe(e.message, true)}\n`);
    return e.exitCode;
  }
  const detail = e instanceof Error && e.stack ? e.stack : reasonOf(e);
  io.stderr.write(
    `hotspot: internal error: ${terminalSafe(reasonOf(e))}\n${terminalSafe(detail, true)}\n` +
      "this is a bug, please report it with the output of `hotspot --version`\n",
  );
  return EXIT_BUG;
}

/**
 * Runs the CLI on the real process. Sets `process.exitCode` rather than calling
 * `process.exit`, so output still buffered in a pipe is flushed before Node exits.
 */
export async function runCli(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  // `hotspot list | head -1` closes the pipe early; that is not an error worth a stack trace.
  process.stdout.on("error", (e) => {
    if (errnoCode(e) !== "EPIPE") process.stderr.write(`hotspot: cannot write output: ${reasonOf(e)}\n`);
  });
  process.exitCode = await main(argv, processIo());
}

/** True when this module is the program (`node --import tsx src/cli/main.ts`), not an import. */
function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) await runCli();
