import type { UserConfig } from "../config/schema.ts";
import { type HotspotError, hotspotError, isHotspotError, reasonOf } from "../errors.ts";
import { preferenceLookup, rankClaims } from "./arbitration.ts";
import { ClaimIndex } from "./claim-index.ts";
import { compareConfidence } from "./confidence.ts";
import type { PluginLogger, PluginStore } from "./context.ts";
import { hookDeadline } from "./deadlines.ts";
import { runHook } from "./hook-runner.ts";
import type { ScannedNetwork } from "./network.ts";
import { createMemoryStore, createPluginLogger } from "./plugin-services.ts";
import type { ClaimMatch, LoadedPlugin, PluginRegistry } from "./registry-types.ts";
import { type DynamicClaims, dynamicClaimsSchema } from "./results.ts";

/** What the registry's own hook calls (filterScanList) get; the daemon passes its own. */
export interface RegistryServices {
  /** The logger handed to a plugin's filterScanList. Default: a logger that drops entries. */
  readonly loggerFor?: ((pluginId: string) => PluginLogger) | undefined;
  /** The store handed to a plugin's filterScanList. Default: one in-memory store per plugin. */
  readonly storeFor?: ((pluginId: string) => PluginStore) | undefined;
  /**
   * Told about each failing filterScanList call (timeout, throw, invalid result). Without
   * it, the failure is logged through the plugin's logger at `error` level.
   */
  readonly onHookError?: ((error: HotspotError) => void) | undefined;
}

export interface CreateRegistryOptions extends RegistryServices {
  readonly plugins: readonly LoadedPlugin[];
  readonly problems?: readonly HotspotError[];
  readonly warnings?: readonly HotspotError[];
  /** For `preferences` and the filterScanList deadline (see deadlines.ts). */
  readonly config: Pick<UserConfig, "preferences" | "evaluateTimeoutMs" | "hookTimeoutMs">;
}

/**
 * The registry over loaded plugins. Compiles their static claims into one index, which
 * throws HH_PLUGIN_CLAIM_CONFLICT for identical claims at equal priority. Frozen.
 */
export function createRegistry(opts: CreateRegistryOptions): PluginRegistry {
  const plugins = Object.freeze([...opts.plugins]);
  const problems = Object.freeze([...(opts.problems ?? [])]);
  const warnings = Object.freeze([...(opts.warnings ?? [])]);
  const byId = new Map(plugins.map((p) => [p.id, p]));
  const index = new ClaimIndex(plugins);
  const { config } = opts;
  const loggers = new Map<string, PluginLogger>();
  const stores = new Map<string, PluginStore>();
  const loggerFor = (id: string): PluginLogger => {
    let logger = loggers.get(id);
    if (!logger) {
      logger = opts.loggerFor?.(id) ?? createPluginLogger(id);
      loggers.set(id, logger);
    }
    return logger;
  };
  const storeFor = (id: string): PluginStore => {
    let store = stores.get(id);
    if (!store) {
      store = opts.storeFor?.(id) ?? createMemoryStore();
      stores.set(id, store);
    }
    return store;
  };
  const report = (plugin: LoadedPlugin, e: unknown): void => {
    const error = isHotspotError(e) ? e : hotspotError("HH_INTERNAL", { reason: reasonOf(e) }, { cause: e });
    if (opts.onHookError) opts.onHookError(error);
    else loggerFor(plugin.id).error(error.message, { code: error.code });
  };

  const preferenceFor = preferenceLookup(config);
  const NONE: readonly ClaimMatch[] = Object.freeze([]);
  // Most APs of a scan have no claim or one: those need no preference and no sort.
  const rank = (network: ScannedNetwork, claims: ClaimMatch[]): readonly ClaimMatch[] => {
    if (claims.length === 0) return NONE;
    if (claims.length === 1) return Object.freeze(claims);
    return Object.freeze(rankClaims(claims, { preferredPluginId: preferenceFor(network) }));
  };

  /** Runs one plugin's filterScanList; undefined when it failed (already reported). */
  const dynamicClaims = async (
    plugin: LoadedPlugin,
    networks: readonly ScannedNetwork[],
    signal: AbortSignal | undefined,
  ): Promise<DynamicClaims | undefined> => {
    const hook = plugin.definition.filterScanList;
    if (!hook) return undefined;
    try {
      return await runHook({
        plugin,
        hook: "filterScanList",
        timeoutMs: hookDeadline(plugin, "filterScanList", config),
        signal,
        schema: dynamicClaimsSchema,
        invoke: (hookSignal) =>
          hook.call(plugin.definition, networks, {
            signal: hookSignal,
            log: loggerFor(plugin.id),
            config: plugin.config,
            store: storeFor(plugin.id),
          }),
      });
    } catch (e) {
      report(plugin, e);
      return undefined;
    }
  };

  const registry: PluginRegistry = {
    plugins,
    problems,
    warnings,
    get: (id) => byId.get(id),
    claimsFor: (network) => rank(network, index.match(network)),

    async filterScanList(networks, signal) {
      const frozen = Object.freeze([...networks]);
      const claims = frozen.map((n) => index.match(n));
      const hooked = plugins.filter((p) => p.definition.filterScanList);
      if (hooked.length > 0) {
        const answers = await Promise.all(hooked.map((p) => dynamicClaims(p, frozen, signal)));
        // A BSSID may appear more than once (two devices scanning); claims go to every copy.
        const byBssid = new Map<string, number[]>();
        frozen.forEach((n, i) => {
          byBssid.set(n.bssid, [...(byBssid.get(n.bssid) ?? []), i]);
        });
        hooked.forEach((plugin, h) => {
          for (const { bssid, confidence } of answers[h] ?? []) {
            if (confidence === "none") continue;
            for (const i of byBssid.get(bssid) ?? []) {
              const list = claims[i] ?? [];
              const at = list.findIndex((c) => c.pluginId === plugin.id);
              const existing = list[at];
              if (existing && compareConfidence(confidence, existing.confidence) <= 0) continue;
              const claim: ClaimMatch = Object.freeze({
                pluginId: plugin.id,
                displayName: plugin.displayName,
                confidence,
                priority: plugin.priority,
                origin: "dynamic",
              });
              if (at >= 0) list[at] = claim;
              else list.push(claim);
              claims[i] = list;
            }
          }
        });
      }
      return Object.freeze(frozen.map((n, i) => rank(n, claims[i] ?? [])));
    },
  };
  return Object.freeze(registry);
}
