import { access, readFile } from "node:fs/promises";
import { join } from "node:path";
import { terminalSafe } from "../annotate/display.ts";
import { hotspotError, reasonOf } from "../errors.ts";
import {
  type PluginTestExpectation,
  type PluginTestReport,
  runPluginTest,
} from "../harness/plugin-runner.ts";
import { formatCriticalPath, formatRequestLog } from "../harness/request-log.ts";
import { parseTestAccount, type TestAccount } from "../harness/test-account.ts";
import { defaultPluginStoreRoot } from "../plugin-host/paths.ts";
import { booleanOption, type ParsedArgs, stringOption, usageError } from "./args.ts";
import type { Command } from "./command.ts";
import type { CliIo } from "./io.ts";

const USAGE =
  "hotspot plugin test PLUGIN_DIR --scenario NAME[:VARIANT] [--config FILE] [--account JSON] [--credentials FILE] " +
  "[--expect login|declined] [--force] [--hook-timeout MS] [--ssid SSID] [--latency MS] [--json]";

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

function milliseconds(args: ParsedArgs, name: string, min: number, max: number): number | undefined {
  const raw = stringOption(args, name);
  if (raw === undefined) return undefined;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < min || ms > max) {
    throw usageError(
      "plugin",
      command,
      `--${name} must be a whole number of milliseconds (${min}-${max}), not '${raw}'`,
    );
  }
  return ms;
}

function expectation(args: ParsedArgs): PluginTestExpectation {
  const raw = stringOption(args, "expect") ?? "login";
  if (raw !== "login" && raw !== "declined") {
    throw usageError("plugin", command, `--expect is 'login' or 'declined', not '${raw}'`);
  }
  return raw;
}

/** `--account JSON`, parsed; the file's own `account` is the runner's to read. */
function accountOption(args: ParsedArgs): TestAccount | undefined {
  const given = stringOption(args, "account");
  if (given === undefined) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(given);
  } catch {
    // JSON.parse quotes the text it choked on, which here may be a password.
    throw hotspotError("HH_CONFIG_INVALID", { file: "--account", field: "(root)", reason: "not valid JSON" });
  }
  return parseTestAccount(raw, "--account");
}

/** The human-readable report: steps, then the portal's log, the critical path and the plugin's own logs. */
export function formatReport(r: PluginTestReport): string {
  const out: string[] = [];
  out.push(`plugin ${r.pluginId} (${r.source})`);
  out.push(`scenario ${r.scenario} at ${r.portalUrl}, SSID ${JSON.stringify(r.ssid)}`);
  out.push(`config: ${r.configSource ?? "(none)"}`);
  out.push(
    `account: ${r.account} (${r.accountSource === "generated" ? "generated for this run" : `from ${r.accountSource}`})`,
  );
  out.push(
    r.generatedAccount
      ? "credentials: the generated account (the plugin's credentialsSchema takes username/password)"
      : r.accountSource !== "generated"
        ? "credentials: the account's, or --credentials FILE"
        : "credentials: as given (or none)",
  );
  out.push(`expect: ${r.expect === "declined" ? "the plugin refuses" : "the plugin logs in"}`);
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
  const refused = r.steps.some((s) => s.status === "fail" && /^(none;|unsupportedNetwork)/.test(s.detail));
  if (!r.ok && r.expect === "login" && refused) {
    out.push(
      "",
      "hint: if refusing is right for this scenario (an evil twin, no portal), run with --expect declined",
    );
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
    "what the portal accepts and what the plugin gets, unless --credentials FILE gives others. " +
    'A portal that asks for other fields gets them from --account JSON (e.g. {"room":"412","surname":"Smith"}, ' +
    '{"voucher":"K7P-4QX"}, or {"fields":{"user":"username","pass":"password"}} mapping form fields to ' +
    "credential keys) or the `account` key of harness.config.json. As in the daemon, evaluate answering none " +
    "ends the run (--force goes on); --expect declined passes a plugin that rightly refuses (hostile:evil-twin, " +
    "not-captive). --hook-timeout MS caps every hook's deadline. Plugin stores persist in the " +
    "state directory's plugins folder, as for the daemon (/var/lib/hotspot-helper for root, else " +
    "$XDG_STATE_HOME/hotspot-helper).",
  options: {
    scenario: {
      type: "string",
      valueName: "NAME",
      description: "Scenario to test against (name or name:variant).",
    },
    config: {
      type: "string",
      valueName: "FILE",
      description: "The plugin's config, a JSON file (default the plugin's harness.config.json).",
    },
    account: {
      type: "string",
      valueName: "JSON",
      description: "The test account: form fields and values the portal accepts (see above).",
    },
    expect: {
      type: "string",
      valueName: "login|declined",
      description: "What passes: logging in (default), or rightly refusing.",
    },
    force: { type: "boolean", description: "Go on to authenticate after evaluate answered none." },
    "hook-timeout": {
      type: "string",
      valueName: "MS",
      description: "Cap every hook's deadline at MS milliseconds (default: the daemon's).",
    },
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
    const ms = milliseconds(args, "latency", 0, 60_000);
    const hookTimeoutMs = milliseconds(args, "hook-timeout", 1, 600_000);
    const expect = expectation(args);
    const account = accountOption(args);
    const report = await runPluginTest({
      pluginDir,
      scenario,
      expect,
      force: booleanOption(args, "force"),
      storeRoot: defaultPluginStoreRoot(io.env),
      ...(configFile === undefined
        ? {}
        : { pluginConfig: await readJson(configFile), pluginConfigFile: configFile }),
      ...(account === undefined ? {} : { account, accountSource: "--account" }),
      ...(hookTimeoutMs === undefined ? {} : { hookTimeoutMs }),
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
