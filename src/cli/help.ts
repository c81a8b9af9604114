import { ownPackageJson } from "../util/own-package.ts";
import { commandOptions } from "./args.ts";
import type { Command, CommandGroup, OptionSpec, RegistryEntry } from "./command.ts";

/** `hotspot help` / `hotspot --help`: the commands and global options. */
export function overviewHelp(commands: Readonly<Record<string, RegistryEntry>>): string {
  const names = Object.keys(commands);
  const width = Math.max(4, ...names.map((n) => n.length));
  const lines = [
    "hotspot: silent captive-portal login for Linux",
    "",
    "Usage: hotspot <command> [options]",
    "",
    "Commands:",
    ...names.map((n) => `  ${n.padEnd(width)}  ${commands[n]?.summary ?? ""}`),
    `  ${"help".padEnd(width)}  Show help for a command: hotspot help <command>`,
    "",
    "Options:",
    "  -h, --help     Show help",
    "  -V, --version  Show the version (include it in bug reports)",
    "",
  ];
  return lines.join("\n");
}

/** `hotspot help help`: the help command is not in the registry, so its help lives here. */
export const HELP_HELP = [
  "Usage: hotspot help [COMMAND]",
  "",
  "Show help for a command: its usage, what it does and every option it accepts.",
  "Without COMMAND, list the commands. `hotspot COMMAND --help` shows the same.",
  "",
].join("\n");

/** `hotspot help plugin`: a group's subcommands. */
export function groupHelp(name: string, group: CommandGroup): string {
  const names = Object.keys(group.subcommands);
  const width = Math.max(...names.map((n) => n.length));
  return [
    `Usage: hotspot ${name} <${names.join("|")}> [options]`,
    "",
    group.summary,
    "",
    "Subcommands:",
    ...names.map((n) => `  ${n.padEnd(width)}  ${group.subcommands[n]?.summary ?? ""}`),
    "",
    `Run 'hotspot ${name} <subcommand> --help' for its options.`,
    "",
  ].join("\n");
}

function optionLabel(long: string, spec: OptionSpec): string {
  const short = spec.short ? `-${spec.short}, ` : "    ";
  const value = spec.type === "string" ? ` ${spec.valueName ?? "VALUE"}` : "";
  return `${short}--${long}${value}`;
}

/** `hotspot <command> --help`: usage, description and every accepted option. */
export function commandHelp(summary: string, command: Command): string {
  const options = commandOptions(command).map(
    ([long, spec]) => [optionLabel(long, spec), spec.description] as const,
  );
  const width = Math.max(...options.map(([label]) => label.length));
  return [
    `Usage: ${command.usage}`,
    "",
    summary,
    "",
    wrap(command.description, 78),
    "",
    "Options:",
    ...options.map(([label, text]) => `  ${label.padEnd(width)}  ${text}`),
    "",
  ].join("\n");
}

/** Greedy word wrap for help paragraphs, so they read well in an 80-column terminal. */
export function wrap(text: string, width: number): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.join("\n");
}

/** A string field of a parsed JSON object, checked by hand: `--version` loads no zod. */
function stringField(value: unknown, key: string): string {
  const field: unknown = typeof value === "object" && value !== null ? Reflect.get(value, key) : undefined;
  if (typeof field !== "string") throw new TypeError(`package.json has no string "${key}"`);
  return field;
}

/** `hotspot --version`: ours, plus what a bug report needs to reproduce (Node, platform). */
export async function versionText(): Promise<string> {
  const pkg = await ownPackageJson();
  const [name, version] = [stringField(pkg, "name"), stringField(pkg, "version")];
  return `${name} ${version} (node ${process.version}, ${process.platform} ${process.arch})\n`;
}
