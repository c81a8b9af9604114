import { escapeText, formatTable, terminalSafe } from "../annotate/index.ts";
import type { PluginStateView } from "../daemon/dbus-api/views.ts";
import { type HotspotError, isHotspotError, reasonOf } from "../errors.ts";
import { fitDisplayName } from "../helper-api/display-name.ts";
import type { PluginSourceKind } from "../helper-api/plugin-paths.ts";
import type { LoadedPlugin } from "../helper-api/registry-types.ts";
import type { ParsedArgs } from "./args.ts";
import type { Command } from "./command.ts";
import { DAEMON_BUS_OPTION, daemonBusAddress, withDaemon } from "./daemon-bus.ts";
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
  /** From the running daemon (absent without one): its process state, restarts, crashes, last error. */
  readonly state?: string;
  readonly restarts?: number;
  readonly crashes?: number;
  readonly lastError?: string;
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

/**
 * The running daemon's plugin states by id, or undefined without a daemon (the listing is
 * then what it always was). A daemon that answers but cannot say (an older one, a refusal)
 * is noted on stderr and the listing goes on without states.
 */
async function daemonStates(args: ParsedArgs, io: CliIo): Promise<Map<string, PluginStateView> | undefined> {
  try {
    const states = await withDaemon(daemonBusAddress(args, io), (c) => c.plugins());
    return new Map(states.map((s) => [s.id, s]));
  } catch (e) {
    if (!isHotspotError(e) || e.code !== "HH_DAEMON_NOT_RUNNING") {
      io.stderr.write(`hotspot: warning: no plugin states from the daemon: ${terminalSafe(reasonOf(e))}\n`);
    }
    return undefined;
  }
}

function withState(p: PluginSummary, s: PluginStateView | undefined): PluginSummary {
  // A plugin this command loads that the daemon has not (yet) loaded has no state there.
  if (s === undefined) return { ...p, state: "not loaded" };
  return {
    ...p,
    state: s.state,
    restarts: s.restarts,
    crashes: s.crashes,
    ...(s.lastError === undefined ? {} : { lastError: s.lastError }),
  };
}

export const command: Command = {
  usage: "hotspot plugins [--plugins DIR]... [--no-bundled] [--config FILE] [--daemon-bus ADDRESS] [--json]",
  description:
    "Loads plugins the way the daemon does (a broken plugin is skipped, not fatal) and lists them with " +
    "their static claim counts and where each came from (bundled, system, admin, user, config or " +
    "--plugins, then the file), then the plugins that were skipped and why, and plugins overridden " +
    "by one with the same id from a more specific folder. When the daemon runs, each plugin's " +
    "process state there (STATE) and its last error. Exits 3 if any was skipped.",
  options: { ...DAEMON_BUS_OPTION },
  common: ["plugins", "no-bundled", "config", "json"],
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const [{ registry }, states] = await Promise.all([
      loadCliPlugins(args.common, io, false),
      daemonStates(args, io),
    ]);
    const plugins = registry.plugins.map((p) =>
      states ? withState(summary(p), states.get(p.id)) : summary(p),
    );
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
        ...(states ? [escapeText(p.state ?? "")] : []),
        p.from,
        escapeText(p.source),
      ]);
      const header = [
        "ID",
        "NAME",
        "VERSION",
        "PRIORITY",
        "CLAIMS",
        ...(states ? ["STATE"] : []),
        "FROM",
        "SOURCE",
      ];
      const lines = formatTable(header, rows).split("\n");
      // Each plugin's last error goes on its own line under its row (line 0 is the header).
      const out = lines.flatMap((line, i) => {
        const err = i === 0 ? undefined : plugins[i - 1]?.lastError;
        return err === undefined ? [line] : [line, `    last error: ${terminalSafe(err)}`];
      });
      io.stdout.write(out.join("\n"));
      for (const e of registry.problems) io.stderr.write(`hotspot: skipped: ${terminalSafe(e.message)}\n`);
      for (const e of registry.warnings) io.stderr.write(`hotspot: warning: ${terminalSafe(e.message)}\n`);
    }
    return registry.problems.reduce((code, e) => Math.max(code, e.exitCode), 0);
  },
};
