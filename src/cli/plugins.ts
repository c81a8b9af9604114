import { escapeText, formatTable, terminalSafe } from "../annotate/index.ts";
import type { HotspotError } from "../errors.ts";
import { fitDisplayName } from "../helper-api/display-name.ts";
import type { PluginSourceKind } from "../helper-api/plugin-paths.ts";
import type { LoadedPlugin } from "../helper-api/registry-types.ts";
import type { ParsedArgs } from "./args.ts";
import type { Command } from "./command.ts";
import type { CliIo } from "./io.ts";
import { loadCliPlugins } from "./registry.ts";

/** One plugin in `hotspot plugins --json`. */
export interface PluginSummary {
  readonly id: string;
  readonly displayName: string;
  readonly version: string;
  readonly priority: number;
  /** The entry file. */
  readonly source: string;
  /** Which search root it came from (see src/helper-api/plugin-paths.ts) and that root's path. */
  readonly from: PluginSourceKind;
  readonly root: string;
  readonly packageName?: string;
  readonly claims: number;
}

function summary(p: LoadedPlugin): PluginSummary {
  return {
    id: p.id,
    displayName: p.displayName,
    version: p.version,
    priority: p.priority,
    source: p.source,
    from: p.origin?.kind ?? "inline",
    root: p.origin?.root ?? p.source,
    ...(p.origin?.packageName === undefined ? {} : { packageName: p.origin.packageName }),
    claims: p.claims.length,
  };
}

const problem = (e: HotspotError) => ({ code: e.code, message: e.message });

export const command: Command = {
  usage: "hotspot plugins [--plugins DIR]... [--no-bundled] [--config FILE] [--json]",
  description:
    "Loads plugins the way the daemon does (a broken plugin is skipped, not fatal) and lists them with " +
    "their static claim counts and where each came from (bundled, system, admin, user, config or " +
    "--plugins, then the file), then the plugins that were skipped and why, and plugins overridden " +
    "by one with the same id from a more specific folder. Exits 3 if any was skipped.",
  options: {},
  common: ["plugins", "no-bundled", "config", "json"],
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const { registry } = await loadCliPlugins(args.common, io, false);
    const plugins = registry.plugins.map(summary);
    if (args.common.format === "json") {
      const out = {
        plugins,
        problems: registry.problems.map(problem),
        warnings: registry.warnings.map(problem),
      };
      io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    } else {
      const rows = plugins.map((p) => [
        escapeText(p.id),
        escapeText(fitDisplayName(p.displayName)),
        escapeText(p.version),
        String(p.priority),
        String(p.claims),
        p.from,
        escapeText(p.source),
      ]);
      io.stdout.write(formatTable(["ID", "NAME", "VERSION", "PRIORITY", "CLAIMS", "FROM", "SOURCE"], rows));
      for (const e of registry.problems) io.stderr.write(`hotspot: skipped: ${terminalSafe(e.message)}\n`);
      for (const e of registry.warnings) io.stderr.write(`hotspot: warning: ${terminalSafe(e.message)}\n`);
    }
    return registry.problems.reduce((code, e) => Math.max(code, e.exitCode), 0);
  },
};
