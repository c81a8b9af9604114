import type { WarmBrowser } from "../browser/warm.ts";
import type { UserConfig } from "../config/schema.ts";
import { type HotspotError, hotspotError, isHotspotError, reasonOf } from "../errors.ts";
import { preferenceFor } from "../helper-api/arbitration.ts";
import type { PluginLogger, PluginStore, PortalInfo, SessionInfo } from "../helper-api/context.ts";
import { hookDeadline } from "../helper-api/deadlines.ts";
import { type Evaluation, evaluateCandidates } from "../helper-api/evaluate.ts";
import { runHook } from "../helper-api/hook-runner.ts";
import type { JoinedNetwork, ScannedNetwork } from "../helper-api/network.ts";
import type { HookName } from "../helper-api/plugin.ts";
import type { ClaimMatch, LoadedPlugin, PluginRegistry } from "../helper-api/registry-types.ts";
import {
  type AuthenticateResult,
  authenticateResultSchema,
  type DynamicClaims,
  dynamicClaimsSchema,
  type LogoffResult,
  logoffResultSchema,
  type MaintainResult,
  maintainResultSchema,
} from "../helper-api/results.ts";
import { defaultPluginStoreRoot } from "./paths.ts";
import { createPluginSide, type PluginSideOptions } from "./plugin-side.ts";
import { type HookCaller, prepareProcess, processCaller } from "./process-runner.ts";
import { remoteDescriptor } from "./remote-plugin.ts";
import type { HookAnswer, HookOutcome, HookRequest } from "./seam.ts";
import type { PluginSupervisor } from "./supervisor.ts";
import { warmLeases } from "./warm-leases.ts";

/**
 * The plugin host: the one place that turns "call hook H of plugin P" into a bounded,
 * validated, redacted call. Every tool that runs plugin code (`hotspot daemon`,
 * `plugin test`, `auth`, `list` through the registry) goes through a host, so one plugin
 * gets the same deadlines, the same store and the same logger everywhere:
 *
 * - deadline: the plugin's `timeouts[hook]`, else `evaluateTimeoutMs` for evaluate and
 *   filterScanList and `hookTimeoutMs` for the others, never more than `deadlineCapMs`;
 *   the hook's signal aborts at the deadline or when the caller's signal fires;
 * - result: validated by the hook's schema; failures are coded errors naming plugin and
 *   hook (HH_PLUGIN_HOOK_TIMEOUT, _FAILED, _CANCELLED, HH_PLUGIN_RESULT_INVALID);
 * - logger: namespaced by plugin id, the plugin's credentials redacted;
 * - store: the plugin's file under `storeRoot` (see store.ts);
 * - missing hooks: authenticate answers `unsupportedNetwork`, maintain lets the probe
 *   decide, logoff and filterScanList do nothing.
 *
 * Hooks run through the plugin side (plugin-side.ts) with plain data only (seam.ts).
 */

export interface PluginHostOptions
  extends Omit<PluginSideOptions, "storeRoot">,
    Readonly<{ storeRoot?: string | undefined }> {
  readonly config: Pick<UserConfig, "evaluateTimeoutMs" | "hookTimeoutMs" | "preferences" | "userAgent">;
  /** No deadline is longer than this (`plugin test --hook-timeout`), plugin overrides included. */
  readonly deadlineCapMs?: number | undefined;
  /**
   * A filterScanList or evaluate call that timed out, threw or answered garbage (it then
   * counts as nothing / `none`). Those never reject, so without this such a plugin would
   * fail unseen; the default logs the error through the plugin's own logger. Not called for
   * evaluate hooks cancelled because another plugin's `high` made them moot.
   */
  readonly onHookError?: ((error: HotspotError, network?: JoinedNetwork) => void) | undefined;
  /**
   * The daemon's plugin processes (supervisor.ts): hooks of plugins loaded into a child
   * process go there (process-runner.ts); all others run in this process (plugin-side.ts).
   */
  readonly processes?: Pick<PluginSupervisor, "call" | "ready"> | undefined;
  /**
   * The daemon's warm browser, lent to hooks of plugins in their own processes when they
   * ask for a browser (warm-leases.ts); in-process hooks take it through `browser.acquire`.
   */
  readonly warmBrowser?: Pick<WarmBrowser, "acquireData"> | undefined;
  /** An authenticate, maintain, logoff or filterScanList call ended (the daemon's log budget reports drops then). */
  readonly onHookEnd?: ((pluginId: string) => void) | undefined;
}

export interface EvaluateOptions {
  readonly registry: Pick<PluginRegistry, "get">;
  readonly signal?: AbortSignal | undefined;
}

export interface PluginHost {
  /** The deadline of `hook` for `plugin`, ms. */
  deadline(plugin: Pick<LoadedPlugin, "definition">, hook: HookName): number;
  logger(plugin: LoadedPlugin): PluginLogger;
  store(plugin: LoadedPlugin): PluginStore;
  /**
   * Ahead of a likely join: loads what `plugin`'s first login hook would load on its call,
   * when it runs in this process; undefined when there is nothing to load here (a plugin
   * process loads its own once the plugin is loaded).
   */
  preload(plugin: LoadedPlugin): Promise<void> | undefined;
  /** Dynamic claims of one plugin; undefined when it has no hook or failed (reported). */
  filterScanList(
    plugin: LoadedPlugin,
    networks: readonly ScannedNetwork[],
    signal?: AbortSignal,
  ): Promise<DynamicClaims | undefined>;
  /** evaluate on every candidate, then arbitration (the user's preference for the network included). */
  evaluate(
    candidates: readonly ClaimMatch[],
    network: JoinedNetwork,
    portal: PortalInfo,
    opts: EvaluateOptions,
  ): Promise<Evaluation>;
  authenticate(
    plugin: LoadedPlugin,
    network: JoinedNetwork,
    portal: PortalInfo,
    signal?: AbortSignal,
  ): Promise<HookOutcome<AuthenticateResult>>;
  maintain(
    plugin: LoadedPlugin,
    network: JoinedNetwork,
    portal: PortalInfo,
    session: SessionInfo,
    signal?: AbortSignal,
  ): Promise<HookOutcome<MaintainResult>>;
  logoff(
    plugin: LoadedPlugin,
    network: JoinedNetwork,
    portal: PortalInfo,
    session: SessionInfo,
    signal?: AbortSignal,
  ): Promise<HookOutcome<LogoffResult>>;
}

export function createPluginHost(opts: PluginHostOptions): PluginHost {
  const { config } = opts;
  const side = createPluginSide({
    ...opts,
    storeRoot: opts.storeRoot ?? defaultPluginStoreRoot(),
    userAgent: config.userAgent,
  });

  const leases =
    opts.warmBrowser === undefined
      ? undefined
      : warmLeases({
          warm: opts.warmBrowser,
          transportFor: opts.transportFor,
          logger: side.logger,
        });
  const call: HookCaller = opts.processes ? processCaller(opts.processes, side.call, leases) : side.call;

  const deadline = (plugin: Pick<LoadedPlugin, "definition">, hook: HookName): number => {
    const ms = hookDeadline(plugin, hook, config);
    return opts.deadlineCapMs === undefined ? ms : Math.min(ms, opts.deadlineCapMs);
  };

  const reportFailure = (plugin: LoadedPlugin, e: unknown, network?: JoinedNetwork): void => {
    const error = isHotspotError(e) ? e : hotspotError("HH_INTERNAL", { reason: reasonOf(e) }, { cause: e });
    if (opts.onHookError) opts.onHookError(error, network);
    else side.logger(plugin).error(error.message, { code: error.code });
  };

  /** One bounded, validated call; the capport fact travels next to the result. */
  const run = async <T>(
    plugin: LoadedPlugin,
    request: HookRequest,
    schema: Parameters<typeof runHook<T>>[0]["schema"],
    signal: AbortSignal | undefined,
  ): Promise<HookOutcome<T>> => {
    if (opts.processes) await prepareProcess(opts.processes, plugin, request.hook, signal);
    let answer: HookAnswer | undefined;
    const result = await runHook<T>({
      plugin,
      hook: request.hook,
      timeoutMs: deadline(plugin, request.hook),
      signal,
      schema,
      invoke: async (hookSignal) => {
        answer = await call(plugin, request, hookSignal);
        return answer.value;
      },
    }).finally(() => opts.onHookEnd?.(plugin.id));
    return {
      result,
      ...(answer?.capport === undefined ? {} : { capport: answer.capport }),
      ...(answer?.checked === undefined ? {} : { checked: answer.checked }),
    };
  };

  return {
    deadline,
    logger: side.logger,
    store: side.store,
    preload: (plugin) => {
      const d = plugin.definition;
      const loginHooks = d.evaluate ?? d.authenticate ?? d.maintain ?? d.logoff;
      return remoteDescriptor(plugin) === undefined && loginHooks !== undefined ? side.preload() : undefined;
    },

    async filterScanList(plugin, networks, signal) {
      if (!plugin.definition.filterScanList) return undefined;
      try {
        return (await run(plugin, { hook: "filterScanList", networks }, dynamicClaimsSchema, signal)).result;
      } catch (e) {
        reportFailure(plugin, e);
        return undefined;
      }
    },

    async evaluate(candidates, network, portal, { registry, signal }) {
      const preferred = preferenceFor(config, network);
      const { processes } = opts;
      if (processes) {
        // Start every candidate's process first; one that cannot start fails its call below.
        await Promise.allSettled(
          candidates.map((c) => {
            const plugin = registry.get(c.pluginId);
            return plugin ? prepareProcess(processes, plugin, "evaluate", signal) : undefined;
          }),
        );
      }
      return evaluateCandidates({
        candidates,
        registry,
        timeoutMs: config.evaluateTimeoutMs,
        deadlineFor: (plugin) => deadline(plugin, "evaluate"),
        signal,
        ...(preferred ? { preferredPluginId: preferred } : {}),
        onResult: (outcome) => {
          if (!outcome.error || outcome.status === "cancelled") return;
          const plugin = registry.get(outcome.pluginId);
          if (plugin) reportFailure(plugin, outcome.error, network);
          else opts.onHookError?.(outcome.error, network);
        },
        invoke: async (plugin, hookSignal) =>
          (await call(plugin, { hook: "evaluate", network, portal }, hookSignal)).value,
      });
    },

    authenticate(plugin, network, portal, signal) {
      if (!plugin.definition.authenticate) {
        return Promise.resolve({
          result: { result: "unsupportedNetwork", reason: `${plugin.id} has no authenticate hook` },
        });
      }
      return run(plugin, { hook: "authenticate", network, portal }, authenticateResultSchema, signal);
    },

    maintain(plugin, network, portal, session, signal) {
      if (!plugin.definition.maintain) {
        // Without a maintain hook the probe decides: intercepted again means the session ended.
        return Promise.resolve({
          result:
            portal.verdict === "portal"
              ? { result: "authenticationRequired", reason: "the probe is intercepted again" }
              : { result: "success" },
        });
      }
      return run(plugin, { hook: "maintain", network, portal, session }, maintainResultSchema, signal);
    },

    logoff(plugin, network, portal, session, signal) {
      if (!plugin.definition.logoff) return Promise.resolve({ result: undefined });
      return run(plugin, { hook: "logoff", network, portal, session }, logoffResultSchema, signal);
    },
  };
}
