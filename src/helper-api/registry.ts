import type { UserConfig } from "../config/schema.ts";
import type { HotspotError } from "../errors.ts";
import { createPluginHost, type PluginHost } from "../plugin-host/host.ts";
import { compareConfidence } from "./confidence.ts";
import type { ClaimMatch, LoadedPlugin, PluginRegistry } from "./registry-types.ts";
import { staticClaims } from "./static-claims.ts";

/** How the registry runs plugins' filterScanList hooks. */
export interface RegistryServices {
  /**
   * The plugin host that runs filterScanList (deadline, logger, store, failures reported
   * by the host). Default: a host over the config with the default store folder and a
   * logger that drops entries.
   */
  readonly host?: Pick<PluginHost, "filterScanList"> | undefined;
}

export interface CreateRegistryOptions extends RegistryServices {
  readonly plugins: readonly LoadedPlugin[];
  readonly problems?: readonly HotspotError[];
  readonly warnings?: readonly HotspotError[];
  /** For `preferences`, the filterScanList deadline (see deadlines.ts) and the host's settings. */
  readonly config: Pick<UserConfig, "preferences" | "evaluateTimeoutMs" | "hookTimeoutMs" | "userAgent">;
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
  const { config } = opts;
  const { match, rank } = staticClaims(plugins, config);
  const host = opts.host ?? createPluginHost({ config });

  const registry: PluginRegistry = {
    plugins,
    problems,
    warnings,
    get: (id) => byId.get(id),
    claimsFor: (network) => rank(network, match(network)),

    async filterScanList(networks, signal) {
      const frozen = Object.freeze([...networks]);
      const claims = frozen.map((n) => match(n));
      const hooked = plugins.filter((p) => p.definition.filterScanList);
      if (hooked.length > 0) {
        const answers = await Promise.all(hooked.map((p) => host.filterScanList(p, frozen, signal)));
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
