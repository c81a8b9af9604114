import { access, readFile } from "node:fs/promises";
import { join } from "node:path";
import { terminalSafe } from "../annotate/display.ts";
import { hotspotError, reasonOf } from "../errors.ts";
import { type PluginTestReport, runPluginTest } from "../harness/plugin-runner.ts";
import { formatCriticalPath, formatRequestLog } from "../harness/request-log.ts";
import { type ParsedArgs, stringOption, usageError } from "./args.ts";
import type { Command } from "./command.ts";
import type { CliIo } from "./io.ts";

const USAGE =
  "hotspot plugin test PLUGIN_DIR --scenario NAME[:VARIANT] [--config FILE] [--credentials FILE] [--ssid SSID] [--latency MS] [--json]";

async function readJson(file: string, opts: { secret?: boolean } = {}): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw hotspotError("HH_FILE_UNREADABLE", { file, reason: reasonOf(e) }, { cause: e });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    // JSON.parse's message quotes the text around the error: for a credentials file that is
    // the password, so say only what went wrong (and keep the SyntaxError out of the cause).
    if (opts.secret) throw hotspotError("HH_CREDENTIALS_FILE_INVALID", { file, reason: "not valid JSON" });
    throw hotspotError("HH_CONFIG_INVALID", { file, field: "(root)", reason: reasonOf(e) }, { cause: e });
  }
}

function latency(args: ParsedArgs): number | undefined {
  const raw = stringOption(args, "latency");
  if (raw === undefined) return undefined;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 0 || ms > 60_000) {
    throw usageError(
      "plugin",
      command,
      `--latency must be a whole number of milliseconds (0-60000), not '${raw}'`,
    );
  }
  return ms;
}

/** The human-readable report: steps, then the portal's log, the critical path and the plugin's own logs. */
export function formatReport(r: PluginTestReport): string {
  const out: string[] = [];
  out.push(`plugin ${r.pluginId} (${r.source})`);
  out.push(`scenario ${r.scenario} at ${r.portalUrl}, SSID ${JSON.stringify(r.ssid)}`);
  out.push(
    r.generatedAccount
      ? "credentials: an account generated for this run (the plugin's credentialsSchema takes username/password)"
      : "credentials: as given (or none)",
  );
  out.push("");
  for (const s of r.steps) {
    out.push(
      `  ${s.status.toUpperCase().padEnd(4)}  ${s.step.padEnd(12)}  ${s.detail}  (${s.ms.toFixed(0)} ms)`,
    );
  }
  out.push("", "portal request log:");
  out.push(formatRequestLog(r.log).trimEnd() || "  (no requests)");
  out.push(formatCriticalPath(r.criticalPath));
  if (r.pluginHttp.length > 0) {
    out.push("", "plugin HTTP log:");
    for (const e of r.pluginHttp) {
      out.push(
        `  ${e.method} ${e.status ?? "---"} ${e.url} (${e.ms.toFixed(0)} ms)${e.error ? ` ${e.error}` : ""}`,
      );
    }
  }
  if (r.pluginLog.length > 0) {
    out.push("", "plugin log:");
    for (const e of r.pluginLog) {
      const fields = e.fields ? ` ${JSON.stringify(e.fields)}` : "";
      out.push(`  ${e.level.padEnd(5)} ${e.message}${fields}`);
    }
  }
  out.push("", r.ok ? "result: PASS" : "result: FAIL");
  return `${terminalSafe(out.join("\n"), true)}\n`;
}

export const command: Command = {
  usage: USAGE,
  description:
    "Runs one plugin's claim, evaluate, authenticate, maintain and logoff against a simulated portal " +
    "(see `hotspot harness list`) through the daemon's own plugin boundary, judging each step by what the " +
    "portal and a fresh probe say, then checks that credentials reached only the plugin's declared hosts. " +
    "Prints pass/fail per step and the request log; exits 0 only if every step passes. --config FILE is " +
    'the plugin\'s own config as JSON (e.g. {"portalHost":"127.0.0.1","allowHttp":true}); when the ' +
    "plugin's credentialsSchema accepts {username, password}, an account generated for the run is both " +
    "what the portal accepts and what the plugin gets, unless --credentials FILE gives others.",
  options: {
    scenario: {
      type: "string",
      valueName: "NAME",
      description: "Scenario to test against (name or name:variant).",
    },
    config: { type: "string", valueName: "FILE", description: "The plugin's config, a JSON file." },
    credentials: { type: "string", valueName: "FILE", description: "The plugin's credentials, a JSON file." },
    ssid: {
      type: "string",
      valueName: "SSID",
      description: "SSID of the simulated network (default: the plugin's claim).",
    },
    latency: {
      type: "string",
      valueName: "MS",
      description: "Delay every portal response by MS milliseconds.",
    },
  },
  common: ["json"],
  positionals: true,
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const [sub, pluginDir, ...rest] = args.positionals;
    if (sub !== "test" || pluginDir === undefined || rest.length > 0) {
      throw usageError(
        "plugin",
        command,
        sub === "test" ? "give one PLUGIN_DIR" : "the only subcommand is 'test'",
      );
    }
    const scenario = stringOption(args, "scenario");
    if (scenario === undefined) throw usageError("plugin", command, "--scenario NAME is required");
    const configFile = stringOption(args, "config") ?? (await harnessConfigIn(pluginDir));
    const credentialsFile = stringOption(args, "credentials");
    const ssid = stringOption(args, "ssid");
    const ms = latency(args);
    const report = await runPluginTest({
      pluginDir,
      scenario,
      ...(configFile === undefined
        ? {}
        : { pluginConfig: await readJson(configFile), pluginConfigFile: configFile }),
      ...(credentialsFile === undefined
        ? {}
        : { credentials: await readJson(credentialsFile, { secret: true }), credentialsFile }),
      ...(ssid === undefined ? {} : { ssid }),
      ...(ms === undefined ? {} : { latencyMs: ms }),
    });
    io.stdout.write(
      args.common.format === "json" ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report),
    );
    return report.ok ? 0 : 1;
  },
};

/**
 * A plugin folder may carry `harness.config.json`: the plugin's config for harness runs
 * (the harness serves plain HTTP on 127.0.0.1, not the operator's real TLS host), so
 * `hotspot plugin test DIR --scenario NAME` works without flags. `--config` wins.
 */
async function harnessConfigIn(pluginDir: string): Promise<string | undefined> {
  const file = join(pluginDir, HARNESS_CONFIG_FILE);
  return access(file).then(
    () => file,
    () => undefined,
  );
}

export const HARNESS_CONFIG_FILE = "harness.config.json";
