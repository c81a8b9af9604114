import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { detectPortal } from "../auth/detect.ts";
import { credentialRefusal } from "../auth/secrets.ts";
import { userConfigSchema } from "../config/schema.ts";
import type { HttpLogEntry } from "../daemon/log.ts";
import { hotspotError, reasonOf } from "../errors.ts";
import type { PortalInfo } from "../helper-api/context.ts";
import { validateDefinition } from "../helper-api/definition-schema.ts";
import { discoverPlugins, loadRegistry } from "../helper-api/loader.ts";
import { importPluginModule } from "../helper-api/plugin-import.ts";
import type { LoadedPlugin } from "../helper-api/registry-types.ts";
import { createPluginHost } from "../plugin-host/host.ts";
import type { PluginLogEntry } from "../plugin-host/logger.ts";
import { defaultPluginStoreRoot } from "../plugin-host/paths.ts";
import type { PluginBrowserOptions } from "../plugin-host/plugin-side.ts";
import { type PluginStep, runSteps, type StepResult } from "./plugin-steps.ts";
import { startPortal } from "./portal-server.ts";
import {
  describeAccount,
  parseTestAccount,
  portalCredentialsOf,
  splitHarnessConfig,
  type TestAccount,
} from "./test-account.ts";
import { joinedNetworkFor } from "./test-network.ts";
import type { CriticalPath, PortalCredentials, ReceivedCredential, RequestLogEntry } from "./types.ts";

/**
 * `hotspot plugin test`: one plugin against one simulated portal, through the same plugin
 * boundary the daemon uses (the registry's claims and filterScanList, createPluginCalls'
 * contexts and deadlines), step by step: claim, evaluate, authenticate, maintain, logoff,
 * then a check that credentials reached only the hosts the plugin declared. Detection is
 * the daemon's too (detectPortal): the probe plus, where the scenario has one, the RFC 8908
 * API as DHCP would announce it, over HTTPS trusting the harness's certificate. A harness
 * portal is a test network by definition, so an http:// API is accepted as well.
 *
 * The portal accepts an account generated for the run. When the plugin's credentialsSchema
 * accepts `{ username, password }`, that account becomes the plugin's credentials, so an
 * operator's plugin logs in without anyone writing a password into a file. A plugin whose
 * portal asks for other fields (room and surname, a voucher) gives its `account` (see
 * test-account.ts): the portal's form then asks for exactly those.
 *
 * `expect: "declined"` is for scenarios where the right answer is to refuse (an evil twin,
 * a network without a portal): the run passes when the plugin answers evaluate `none`, or
 * authenticate `unsupportedNetwork` / `failure`, and no credential leaves for an undeclared
 * host. As in the daemon, evaluate `none` ends the run before authenticate unless `force`.
 */

export interface PluginTestOptions {
  /** A plugin folder (or its index file). */
  readonly pluginDir: string;
  /** Scenario spec: `form-login`, `wispr:pending`. */
  readonly scenario: string;
  /**
   * The plugin's config (what `plugins.<id>.config` would hold), as harness.config.json holds
   * it: an `account` key in it is the run's account (unless `account` is given), not config.
   */
  readonly pluginConfig?: unknown;
  /** Credentials for the plugin; default the account's (or the generated one when its schema takes it). */
  readonly credentials?: unknown;
  /** The files `pluginConfig` and `credentials` were read from: named in settings errors and the report. */
  readonly pluginConfigFile?: string | undefined;
  readonly credentialsFile?: string | undefined;
  /** The account the portal accepts and the plugin gets; default a generated username/password. */
  readonly account?: TestAccount;
  /** Where `account` came from (`--account`, a harness.config.json path), for the report. */
  readonly accountSource?: string;
  /** `login` (default): the plugin must log in; `declined`: it must rightly refuse. */
  readonly expect?: PluginTestExpectation;
  /** Run authenticate, maintain and logoff even after evaluate answered `none`. */
  readonly force?: boolean;
  /** SSID of the simulated network; default the plugin's first exact SSID claim. */
  readonly ssid?: string;
  readonly latencyMs?: number;
  /** No hook's deadline is longer than this, ms (the defaults are the daemon's: evaluate 5 s, others 45 s). */
  readonly hookTimeoutMs?: number;
  /** Folder of the plugins' stores; default `defaultPluginStoreRoot()`, the same as the daemon's for this user. */
  readonly storeRoot?: string;
  /**
   * The plugin's browser (`ctx.browser()`): Chromium to use, where failure screenshots go
   * (default `<tmpdir>/hotspot-helper-browser-failures`).
   */
  readonly browser?: PluginBrowserOptions;
}

export interface PluginTestReport {
  readonly pluginId: string;
  readonly source: string;
  readonly scenario: string;
  readonly portalUrl: string;
  readonly ssid: string;
  /** Whether the generated account was handed to the plugin as its credentials. */
  readonly generatedAccount: boolean;
  /** The account the portal accepted, values other than the first field's redacted (`room="412", surname=***`). */
  readonly account: string;
  /** Where the account came from: `generated`, `--account`, a file. */
  readonly accountSource: string;
  /** Where the plugin's config came from, when it was given. */
  readonly configSource?: string;
  readonly expect: PluginTestExpectation;
  readonly steps: readonly StepResult[];
  readonly ok: boolean;
  /** The portal's request log. */
  readonly log: readonly RequestLogEntry[];
  readonly criticalPath: CriticalPath | undefined;
  /** What detection found before evaluate (probe, and the RFC 8908 API where there is one). */
  readonly portal: PortalInfo;
  /** The plugin's HTTP requests as the client logged them (secrets scrubbed). */
  readonly pluginHttp: readonly HttpLogEntry[];
  readonly pluginLog: readonly PluginLogEntry[];
}

async function definitionIn(pluginDir: string) {
  const files = await discoverPlugins(pluginDir, true);
  if (files.length !== 1) {
    throw hotspotError("HH_USAGE", {
      message: `${pluginDir} holds ${files.length} plugins; give the folder of one: ${files.join(", ")}`,
    });
  }
  const file = files[0] ?? "";
  let mod: unknown;
  try {
    mod = await importPluginModule(file);
  } catch (e) {
    throw hotspotError("HH_PLUGIN_LOAD_FAILED", { path: file, reason: reasonOf(e) }, { cause: e });
  }
  const exported = typeof mod === "object" && mod !== null && "default" in mod ? mod.default : undefined;
  return validateDefinition(exported, file);
}

const PROBE_ATTEMPTS = 5;

export type PluginTestExpectation = "login" | "declined";

function generatedAccount(): PortalCredentials {
  return {
    username: `hh-test-${randomBytes(3).toString("hex")}`,
    password: randomBytes(12).toString("base64url"),
  };
}

/** Runs the plugin's hooks against a fresh portal; the portal is closed before returning. */
export async function runPluginTest(opts: PluginTestOptions): Promise<PluginTestReport> {
  const definition = await definitionIn(opts.pluginDir);
  const harness = splitHarnessConfig(opts.pluginConfig);
  const configSource = opts.pluginConfigFile ?? "the harness config";
  const testAccount =
    opts.account ??
    (harness.account === undefined ? undefined : parseTestAccount(harness.account, configSource));
  const accountSource = opts.account ? (opts.accountSource ?? "given") : configSource;
  const account = testAccount ? portalCredentialsOf(testAccount) : generatedAccount();
  const offered = testAccount ? testAccount.credentials : account;
  const takesAccount = definition.credentialsSchema?.safeParse(offered).success === true;
  const credentials = opts.credentials ?? (takesAccount ? offered : undefined);
  const expect = opts.expect ?? "login";
  const config = userConfigSchema.parse({
    plugins: {
      [definition.id]: {
        ...(harness.config === undefined ? {} : { config: harness.config }),
        ...(credentials === undefined ? {} : { credentials }),
      },
    },
  });
  const pluginLog: PluginLogEntry[] = [];
  const pluginHttp: HttpLogEntry[] = [];
  const portal = await startPortal({
    scenario: opts.scenario,
    credentials: account,
    ...(opts.latencyMs === undefined ? {} : { latencyMs: opts.latencyMs }),
  });
  try {
    const host = createPluginHost({
      config,
      storeRoot: opts.storeRoot ?? defaultPluginStoreRoot(),
      log: (e) => void pluginLog.push(e),
      onHttp: (e) => void pluginHttp.push(e),
      testNetwork: true,
      ca: portal.ca,
      deadlineCapMs: opts.hookTimeoutMs,
      browser: { artifactsRoot: join(tmpdir(), "hotspot-helper-browser-failures"), ...opts.browser },
    });
    const registry = await loadRegistry({
      pluginDirs: [opts.pluginDir],
      includeBundled: false,
      config,
      strict: true,
      host,
      settingsFile: (_id, part) => (part === "config" ? opts.pluginConfigFile : opts.credentialsFile),
    });
    const plugin = registry.get(definition.id);
    if (!plugin) throw hotspotError("HH_PLUGIN_NOT_FOUND", { plugin: definition.id });
    const network = joinedNetworkFor(plugin, `Harness ${opts.scenario}`.slice(0, 32), {
      ssid: opts.ssid,
      apiUrl: portal.apiUrl,
    });
    // Like the daemon, detection tries again when the network is merely unreachable (a
    // flaky portal's 503s and resets): the plugin, not the probe, is under test here.
    const detect = async (): Promise<PortalInfo> => {
      let info: PortalInfo | undefined;
      for (let attempt = 0; attempt < PROBE_ATTEMPTS; attempt++) {
        info = await detectPortal(portal.probeUrl, {
          allowHttpApi: true,
          ...(portal.apiUrl === undefined ? {} : { apiUri: portal.apiUrl }),
          ...(portal.ca === undefined ? {} : { ca: portal.ca }),
        });
        if (info.verdict !== "unreachable" || info.reason === "broken proxy") return info;
      }
      return info ?? { verdict: "unreachable", probeUrl: portal.probeUrl, reason: "no probe" };
    };
    let detected: PortalInfo | undefined;
    const steps = await runSteps({
      plugin,
      registry,
      host,
      network,
      open: portal.scenario.open === true,
      expect,
      force: opts.force === true,
      detect: async () => {
        const info = await detect();
        detected ??= info;
        return info;
      },
    });
    steps.push(credentialCheck(plugin, portal.receivedCredentials));
    return {
      pluginId: plugin.id,
      source: plugin.source,
      scenario: opts.scenario,
      portalUrl: portal.url,
      ssid: network.ssidText,
      generatedAccount: opts.credentials === undefined && testAccount === undefined && takesAccount,
      account: describeAccount(
        account.fields ?? [
          { name: "username", value: account.username, secret: false },
          { name: "password", value: account.password, secret: true },
        ],
      ),
      accountSource: testAccount ? accountSource : "generated",
      ...(opts.pluginConfigFile === undefined ? {} : { configSource: opts.pluginConfigFile }),
      expect,
      steps,
      ok: steps.every((s) => s.status !== "fail"),
      log: [...portal.log],
      criticalPath: portal.criticalPath(),
      portal: detected ?? { verdict: "unreachable", probeUrl: portal.probeUrl, reason: "not probed" },
      pluginHttp,
      pluginLog,
    };
  } finally {
    await portal.close();
  }
}

/** Fails when a credential reached a host the plugin did not declare (the evil twin's). */
function credentialCheck(plugin: LoadedPlugin, received: readonly ReceivedCredential[]): StepResult {
  const stray = received.filter((r) => {
    try {
      return credentialRefusal(new URL(`https://${r.host}${r.path}`), plugin.portalHosts) !== undefined;
    } catch {
      return true;
    }
  });
  const step: PluginStep = "credentials";
  if (stray.length > 0) {
    const hosts = [...new Set(stray.map((r) => r.host))].join(", ");
    return { step, status: "fail", detail: `credentials reached undeclared host(s): ${hosts}`, ms: 0 };
  }
  return {
    step,
    status: "pass",
    detail:
      received.length === 0
        ? "no credentials reached the portal"
        : `${received.length} request(s) carried credentials, all to declared hosts`,
    ms: 0,
  };
}
