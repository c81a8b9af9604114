import { type ParseArgsConfig, parseArgs } from "node:util";
import type { OutputFormat } from "../annotate/index.ts";
import { hotspotError, reasonOf } from "../errors.ts";
import { didYouMean } from "../util/suggest.ts";
import type { Command, CommonOption, OptionSpec } from "./command.ts";

/** The shared options after normalisation: what commands read instead of raw flags. */
export interface CommonOptions {
  /** `--plugins DIR`, in the order given. */
  readonly pluginDirs: readonly string[];
  /** Load the bundled `plugins/` folder (false with `--no-bundled`). */
  readonly includeBundled: boolean;
  /** `--config FILE`, or undefined for the default location. */
  readonly configPath: string | undefined;
  /** `json` for `--json`, `terse` for `--terse`, otherwise `table`. */
  readonly format: OutputFormat;
  readonly help: boolean;
}

type RawValue = string | boolean | (string | boolean)[] | undefined;

export interface ParsedArgs {
  readonly common: CommonOptions;
  /** The command's own options, by long name. Read them with `stringOption` / `booleanOption`. */
  readonly values: Readonly<Record<string, RawValue>>;
  readonly positionals: readonly string[];
}

export const COMMON_OPTIONS: Readonly<Record<CommonOption, OptionSpec>> = {
  plugins: {
    type: "string",
    multiple: true,
    valueName: "DIR",
    description: "Also load plugins from DIR (a plugin folder, or a folder of them). Repeatable.",
  },
  "no-bundled": { type: "boolean", description: "Do not load the bundled plugins." },
  config: {
    type: "string",
    valueName: "FILE",
    description: "Read settings from FILE instead of $XDG_CONFIG_HOME/hotspot-helper/config.json.",
  },
  json: { type: "boolean", description: "Print JSON, for scripts." },
  terse: {
    type: "boolean",
    short: "t",
    description: "Print colon-separated fields without a header, like nmcli -t.",
  },
};

export const HELP_OPTION: OptionSpec = { type: "boolean", short: "h", description: "Show this help." };

/** All options a command accepts, in help order: its own, the common ones it takes, then --help. */
export function commandOptions(command: Command): readonly (readonly [string, OptionSpec])[] {
  return [
    ...Object.entries(command.options),
    ...command.common.map((name) => [name, COMMON_OPTIONS[name]] as const),
    ["help", HELP_OPTION] as const,
  ];
}

/**
 * Parses a command's arguments (after the command name) strictly: an unknown option, a
 * missing value or a stray argument is HH_USAGE with the command's usage line.
 */
export function parseCommandArgs(name: string, command: Command, argv: readonly string[]): ParsedArgs {
  const options: NonNullable<ParseArgsConfig["options"]> = {};
  for (const [long, spec] of commandOptions(command)) {
    options[long] = {
      type: spec.type,
      ...(spec.multiple ? { multiple: true } : {}),
      ...(spec.short ? { short: spec.short } : {}),
    };
  }
  let parsed: { values: Record<string, RawValue>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...argv],
      options,
      strict: true,
      allowPositionals: command.positionals ?? false,
    });
  } catch (e) {
    const longs = commandOptions(command).map(([long]) => `--${long}`);
    throw usageError(name, command, describeParseError(e, longs), e);
  }
  const { values, positionals } = parsed;
  if (values.json === true && values.terse === true) {
    throw usageError(name, command, "--json and --terse cannot be used together");
  }
  const common: CommonOptions = {
    pluginDirs: stringList(values.plugins),
    includeBundled: values["no-bundled"] !== true,
    configPath: typeof values.config === "string" ? values.config : undefined,
    format: values.json === true ? "json" : values.terse === true ? "terse" : "table",
    help: values.help === true,
  };
  return { common, values, positionals };
}

/** HH_USAGE carrying the problem and the command's synopsis. */
export function usageError(name: string, command: Command, problem: string, cause?: unknown) {
  const message = `${problem}\nUsage: ${command.usage}\nRun 'hotspot ${name} --help' for details.`;
  return hotspotError("HH_USAGE", { message }, { cause });
}

/** node:util's messages are long and suggest `--` tricks; say just what was wrong. */
function describeParseError(e: unknown, options: readonly string[]): string {
  const message = reasonOf(e);
  const quoted = /'([^']*)'/.exec(message)?.[1] ?? "";
  const code = e instanceof Error && "code" in e ? e.code : undefined;
  switch (code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `unknown option '${quoted}'${didYouMean(quoted, options)}`;
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
      return `unexpected argument '${quoted}'`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      return message.replace(/^Option /, "option ");
    default:
      return message;
  }
}

function stringList(v: RawValue): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === "string");
}

/** A string option's value (the last one if given twice). */
export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  if (typeof v === "string") return v;
  if (Array.isArray(v)) return stringList(v).at(-1);
  return undefined;
}

export function booleanOption(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}
