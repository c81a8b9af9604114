import type { z } from "zod";
import type { Claim } from "./claims.ts";
import type {
  AuthenticateContext,
  EvaluateContext,
  FilterScanListContext,
  LogoffContext,
  MaintainContext,
} from "./context.ts";
import type { ScannedNetwork } from "./network.ts";
import type {
  AuthenticateResult,
  DynamicClaims,
  EvaluateResult,
  LogoffResult,
  MaintainResult,
} from "./results.ts";

/** The SDK version plugins declare compatibility with (`sdk: "^0.1.0"`). */
export const SDK_VERSION = "0.1.0";

/** A host the plugin's login traffic may carry credentials to. */
export interface PortalHost {
  /** Exact host name (`login.example.net`) or a suffix wildcard (`*.example.net`). */
  readonly host: string;
  /** Allow credentials over plain HTTP to this host. Default false: TLS only. */
  readonly allowHttp?: boolean;
}

/**
 * A hotspot plugin. Write one as the default export of a module:
 *
 * @example
 * ```ts
 * import { definePlugin, z } from "hotspot-helper/sdk";
 *
 * export default definePlugin({
 *   id: "acme-wifi",
 *   displayName: "ACME Wi-Fi",
 *   version: "1.0.0",
 *   sdk: "^0.1.0",
 *   claims: [{ ssid: "ACME Free", confidence: "high" }],
 *   portalHosts: [{ host: "login.acme.example" }],
 *   credentialsSchema: z.object({ username: z.string(), password: z.string() }),
 *   async authenticate({ portal, forms, credentials }) {
 *     if (!portal.loginUrl || !credentials) return { result: "failure", reason: "no portal or no credentials" };
 *     const { forms: found } = await forms.load(portal.loginUrl);
 *     const form = found[0];
 *     if (!form) return { result: "temporaryFailure", reason: "login form not found" };
 *     await forms.submit(form, { user: credentials.username, pass: credentials.password });
 *     return { result: "success" };
 *   },
 * });
 * ```
 */
export interface PluginDefinition<TConfig = unknown, TCredentials = unknown> {
  /** Unique kebab-case id, e.g. `acme-wifi`. Used in config, logs and the CLI. */
  readonly id: string;
  /**
   * Short name shown next to the network in `hotspot list`, `hotspot plugins` and the
   * daemon's D-Bus API: 1 to 32 characters (Unicode code points), one line, no control
   * characters (`DISPLAY_NAME_MAX`). A longer name is refused at load. Apple asks for at
   * most 15; shorter names fit narrow terminals better.
   */
  readonly displayName: string;
  /** The plugin's own semver version. */
  readonly version: string;
  /** Semver range of the SDK this plugin was built for, e.g. `^0.1.0`. */
  readonly sdk: string;
  /** One line for `hotspot plugins`. */
  readonly description?: string;
  /**
   * Breaks ties between plugins with equal confidence (after the user's per-SSID
   * preference). Higher wins; default 0.
   */
  readonly priority?: number;
  /**
   * Hosts that may receive this plugin's credentials. Without any, credentials go nowhere.
   * A function is called once at load with the validated config (for operators whose
   * portal host is configurable).
   */
  readonly portalHosts?: readonly PortalHost[] | ((config: TConfig) => readonly PortalHost[]);
  /** Validates the plugin's `config` from the user's config file; defaults apply here. */
  readonly configSchema?: z.ZodType<TConfig>;
  /** Validates the plugin's credentials; required for plugins that use credentials. */
  readonly credentialsSchema?: z.ZodType<TCredentials>;
  /**
   * Static claims, compiled into the registry's index at load time. A function is called
   * once at load with the validated config (so users can enable networks in config); it
   * never runs at scan time.
   */
  readonly claims?: readonly Claim[] | ((config: TConfig) => readonly Claim[]);
  /**
   * Per-hook deadlines in ms (at most 600 000), overriding the defaults: filterScanList and
   * evaluate 5 000 (the user's `evaluateTimeoutMs`), authenticate, maintain and logoff
   * 45 000 (the user's `hookTimeoutMs`); the table is `DEFAULT_HOOK_TIMEOUTS_MS`. At the
   * deadline the hook's `signal` is aborted and its answer, if one still comes, is ignored.
   */
  readonly timeouts?: Partial<Readonly<Record<HookName, number>>>;
  /**
   * The login needs a browser (`ctx.browser()`): a portal that builds its form with script.
   * The daemon may then start Chromium ahead of the join when a scan shows a network this
   * plugin claims at high confidence, so the login does not pay for the launch. Default
   * false; a plugin may still call `ctx.browser()` without it, only more slowly.
   */
  readonly needsBrowser?: boolean;

  /**
   * Dynamic claims beyond the static ones, after every scan, for all the scan's access
   * points at once. Its context has no HTTP client (the device has joined none of these
   * networks): decide from the scan alone. Return claims by BSSID; a BSSID not in the scan,
   * or confidence `none`, adds nothing. Called only if defined; bounded like every hook.
   */
  filterScanList?(
    networks: readonly ScannedNetwork[],
    ctx: FilterScanListContext<TConfig>,
  ): Promise<DynamicClaims>;
  /**
   * After a join on a network this plugin claimed: look at the portal (it may make HTTP
   * requests) and answer how sure it is now. All claiming plugins run in parallel; the
   * first `high` ends evaluation; a plugin past its deadline counts as `none`. Without
   * this hook the static claim's confidence stands.
   */
  evaluate?(ctx: EvaluateContext<TConfig, TCredentials>): Promise<EvaluateResult>;
  /** Log in. Called on the winning plugin only. */
  authenticate?(ctx: AuthenticateContext<TConfig, TCredentials>): Promise<AuthenticateResult>;
  /** Periodically (default every 300 s, sooner when the session expires) check or renew the session. */
  maintain?(ctx: MaintainContext<TConfig, TCredentials>): Promise<MaintainResult>;
  /**
   * End the session. Called only when someone asks (`hotspot logoff`, or the daemon's D-Bus
   * Logoff method) while this plugin's session is logged in. Never called when the network
   * is left or the daemon stops: by then the link may be gone, and a session should outlive
   * a daemon restart. Without this hook, logoff just forgets the session and the portal
   * ends it on its own (idle or time limit).
   */
  logoff?(ctx: LogoffContext<TConfig, TCredentials>): Promise<LogoffResult>;
}

export type HookName = "filterScanList" | "evaluate" | "authenticate" | "maintain" | "logoff";
export const HOOK_NAMES: readonly HookName[] = [
  "filterScanList",
  "evaluate",
  "authenticate",
  "maintain",
  "logoff",
];

const BRAND = Symbol.for("hotspot-helper.plugin");

/** A definition that went through `definePlugin`. */
export type Plugin<TConfig = unknown, TCredentials = unknown> = PluginDefinition<TConfig, TCredentials> & {
  readonly [BRAND]: true;
};

/**
 * Declares a plugin. Types flow from `configSchema` and `credentialsSchema` into every
 * hook's context. The definition is validated when the daemon loads it, not here, so a
 * broken plugin is reported with its path instead of failing at import.
 */
export function definePlugin<TConfig = undefined, TCredentials = undefined>(
  definition: PluginDefinition<TConfig, TCredentials>,
): Plugin<TConfig, TCredentials> {
  return Object.freeze({ ...definition, [BRAND]: true as const });
}

export function isBrandedPlugin(value: unknown): boolean {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}
