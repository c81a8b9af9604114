import { type ConnectionPool, withConnectionPool } from "../auth/agents.ts";
import { createCapportClient } from "../auth/capport-client.ts";
import { createCookieJar } from "../auth/cookies.ts";
import { detectPortal } from "../auth/detect.ts";
import { createFormHelper } from "../auth/forms.ts";
import { createHttpClient } from "../auth/http-client.ts";
import { type LinkTransport, linkTransport } from "../auth/link.ts";
import { createUamClient } from "../auth/uam.ts";
import { createWisprClient } from "../auth/wispr/client.ts";
import type { UserConfig } from "../config/schema.ts";
import type { HotspotError } from "../errors.ts";
import { preferenceFor } from "../helper-api/arbitration.ts";
import type {
  AuthenticateContext,
  CaptivePortalApiInfo,
  PluginLogger,
  PluginStore,
  PortalInfo,
  SessionInfo,
} from "../helper-api/context.ts";
import { hookDeadline } from "../helper-api/deadlines.ts";
import { evaluateCandidates } from "../helper-api/evaluate.ts";
import { runHook } from "../helper-api/hook-runner.ts";
import type { JoinedNetwork } from "../helper-api/network.ts";
import type { HookName } from "../helper-api/plugin.ts";
import type { ClaimMatch, LoadedPlugin, PluginRegistry } from "../helper-api/registry-types.ts";
import {
  type AuthenticateResult,
  authenticateResultSchema,
  type LogoffResult,
  logoffResultSchema,
  type MaintainResult,
  maintainResultSchema,
} from "../helper-api/results.ts";
import type { HttpLogEntry } from "./log.ts";

/**
 * The daemon's side of the plugin boundary: builds each hook's context from plain data
 * (network, portal, session, config, credentials) plus capabilities made for that one
 * call, and runs the hook under its deadline. Keeping context construction here, away
 * from the session logic, is what lets plugins move into workers later.
 */
export interface PluginCalls {
  plugin(id: string): LoadedPlugin | undefined;
  evaluate(
    candidates: readonly ClaimMatch[],
    network: JoinedNetwork,
    portal: PortalInfo,
    signal: AbortSignal,
  ): Promise<readonly ClaimMatch[]>;
  authenticate(
    plugin: LoadedPlugin,
    network: JoinedNetwork,
    portal: PortalInfo,
    signal: AbortSignal,
  ): Promise<AuthenticateResult>;
  maintain(
    plugin: LoadedPlugin,
    network: JoinedNetwork,
    portal: PortalInfo,
    session: SessionInfo,
    signal: AbortSignal,
  ): Promise<MaintainResult>;
  logoff(
    plugin: LoadedPlugin,
    network: JoinedNetwork,
    portal: PortalInfo,
    session: SessionInfo,
    signal: AbortSignal,
  ): Promise<LogoffResult>;
}

export interface PluginCallsOptions {
  readonly registry: PluginRegistry;
  readonly config: UserConfig;
  loggerFor(plugin: LoadedPlugin): PluginLogger;
  storeFor(plugin: LoadedPlugin): PluginStore;
  /** Every HTTP request a plugin makes, already free of secrets. */
  onHttp?(entry: HttpLogEntry): void;
  /**
   * How plugin traffic is pinned to the joined link (source address, the link's DNS).
   * Default: `linkTransport(network)`, which binds only when the address is really local.
   */
  transportFor?(network: JoinedNetwork, signal: AbortSignal): LinkTransport;
  /** Extra trusted CA certificates (PEM) for plugin HTTPS: a test portal's self-signed one. */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  /** The network is a test network: an http:// RFC 8908 API is accepted. Never for real networks. */
  readonly testNetwork?: boolean;
  /** Every valid RFC 8908 answer the `capport` helper received, with the network it was for. */
  onCapportAnswer?(network: JoinedNetwork, info: CaptivePortalApiInfo): void;
  /**
   * An evaluate hook that timed out, threw or answered garbage (it then counts as `none`).
   * Evaluation never rejects, so without this such a plugin would fail unseen on every join.
   * Not called for hooks cancelled because another plugin's `high` made them moot.
   */
  onHookError?(network: JoinedNetwork, error: HotspotError): void;
  /**
   * Every answer of a hook's `checkOnline()` (a fresh detection on the link), so the daemon
   * can take a moment-old `online` as its verification instead of probing once more.
   */
  onOnlineCheck?(network: JoinedNetwork, portal: PortalInfo): void;
}

export function createPluginCalls(opts: PluginCallsOptions): PluginCalls {
  const { registry, config } = opts;

  const timeoutFor = (plugin: LoadedPlugin, hook: HookName): number => hookDeadline(plugin, hook, config);

  const context = (
    plugin: LoadedPlugin,
    network: JoinedNetwork,
    portal: PortalInfo,
    signal: AbortSignal,
    pool: ConnectionPool,
  ): AuthenticateContext<unknown, unknown> => {
    const link = opts.transportFor ? opts.transportFor(network, signal) : linkTransport(network, { signal });
    const http = createHttpClient({
      pool,
      credentials: plugin.credentials,
      portalHosts: plugin.portalHosts,
      pluginId: plugin.id,
      signal,
      onRequest: (e) => opts.onHttp?.({ ...e, pluginId: plugin.id }),
      ...(link.localAddress === undefined ? {} : { localAddress: link.localAddress }),
      ...(link.lookup === undefined ? {} : { lookup: link.lookup }),
      ...(opts.ca === undefined ? {} : { ca: opts.ca }),
      ...(config.userAgent === undefined ? {} : { userAgent: config.userAgent }),
      // The cookies the portal set while detection talked to it go on, as a browser's would.
      ...(portal.cookies === undefined ? {} : { cookies: createCookieJar({ initial: portal.cookies }) }),
    });
    const apiUri = portal.api?.uri ?? portal.apiUri ?? network.captivePortalUri;
    // The daemon's own detection, through the same link as the hook's HTTP client.
    const checkOnline = async (): Promise<PortalInfo> => {
      const now = await detectPortal(portal.probeUrl, {
        signal,
        ...(apiUri === undefined ? {} : { apiUri }),
        ...(link.localAddress === undefined ? {} : { localAddress: link.localAddress }),
        ...(link.lookup === undefined ? {} : { lookup: link.lookup }),
        ...(opts.ca === undefined ? {} : { ca: opts.ca }),
        ...(opts.testNetwork === true ? { allowHttpApi: true } : {}),
        ...(config.userAgent === undefined ? {} : { userAgent: config.userAgent }),
      });
      opts.onOnlineCheck?.(network, now);
      return now;
    };
    return {
      signal,
      log: opts.loggerFor(plugin),
      config: plugin.config,
      store: opts.storeFor(plugin),
      network,
      portal,
      http,
      forms: createFormHelper(http),
      wispr: createWisprClient(http, portal, { signal }),
      capport: createCapportClient(http, apiUri, {
        allowHttp: opts.testNetwork === true,
        onAnswer: (info) => opts.onCapportAnswer?.(network, info),
      }),
      uam: createUamClient(http, portal),
      checkOnline,
      credentials: plugin.credentials,
    };
  };

  return {
    plugin: (id) => registry.get(id),

    async evaluate(candidates, network, portal, signal) {
      const preferred = preferenceFor(config, network);
      const { ranked } = await evaluateCandidates({
        candidates,
        registry,
        timeoutMs: config.evaluateTimeoutMs,
        signal,
        ...(preferred ? { preferredPluginId: preferred } : {}),
        onResult: (outcome) => {
          if (outcome.error && outcome.status !== "cancelled") opts.onHookError?.(network, outcome.error);
        },
        invoke: async (plugin, hookSignal) => {
          const evaluate = plugin.definition.evaluate;
          if (!evaluate) return undefined;
          return withConnectionPool(hookSignal, (pool) =>
            evaluate.call(plugin.definition, context(plugin, network, portal, hookSignal, pool)),
          );
        },
      });
      return ranked;
    },

    authenticate(plugin, network, portal, signal) {
      const authenticate = plugin.definition.authenticate;
      if (!authenticate) {
        return Promise.resolve({
          result: "unsupportedNetwork",
          reason: `${plugin.id} has no authenticate hook`,
        });
      }
      return runHook<AuthenticateResult>({
        plugin,
        hook: "authenticate",
        timeoutMs: timeoutFor(plugin, "authenticate"),
        signal,
        schema: authenticateResultSchema,
        invoke: (s) =>
          withConnectionPool(s, (pool) =>
            authenticate.call(plugin.definition, context(plugin, network, portal, s, pool)),
          ),
      });
    },

    async maintain(plugin, network, portal, session, signal) {
      const maintain = plugin.definition.maintain;
      if (!maintain) {
        // Without a maintain hook the probe decides: intercepted again means the session ended.
        return portal.verdict === "portal"
          ? { result: "authenticationRequired", reason: "the probe is intercepted again" }
          : { result: "success" };
      }
      return runHook<MaintainResult>({
        plugin,
        hook: "maintain",
        timeoutMs: timeoutFor(plugin, "maintain"),
        signal,
        schema: maintainResultSchema,
        invoke: (s) =>
          withConnectionPool(s, (pool) =>
            maintain.call(plugin.definition, { ...context(plugin, network, portal, s, pool), session }),
          ),
      });
    },

    logoff(plugin, network, portal, session, signal) {
      const logoff = plugin.definition.logoff;
      if (!logoff) return Promise.resolve(undefined);
      return runHook<LogoffResult>({
        plugin,
        hook: "logoff",
        timeoutMs: timeoutFor(plugin, "logoff"),
        signal,
        schema: logoffResultSchema,
        invoke: (s) =>
          withConnectionPool(s, (pool) =>
            logoff.call(plugin.definition, { ...context(plugin, network, portal, s, pool), session }),
          ),
      });
    },
  };
}
