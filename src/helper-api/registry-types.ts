import type { HotspotError } from "../errors.ts";
import type { Claim } from "./claims.ts";
import type { Confidence } from "./confidence.ts";
import type { ScannedNetwork } from "./network.ts";
import type { Plugin } from "./plugin.ts";

/** A plugin that passed validation, with its validated config and credentials. */
export interface LoadedPlugin {
  readonly id: string;
  readonly displayName: string;
  readonly version: string;
  readonly priority: number;
  /** Where it was loaded from (file path), or `<inline>` for plugins registered from code. */
  readonly source: string;
  readonly definition: Plugin<unknown, unknown>;
  readonly config: unknown;
  readonly credentials: unknown;
  /** Static claims after resolving a claims function against the config. */
  readonly claims: readonly Claim[];
}

/** One plugin's claim on one network. */
export interface ClaimMatch {
  readonly pluginId: string;
  readonly displayName: string;
  readonly confidence: Confidence;
  readonly priority: number;
  /** `static` from the index, `dynamic` from a filterScanList hook. */
  readonly origin: "static" | "dynamic";
}

export interface PluginRegistry {
  readonly plugins: readonly LoadedPlugin[];
  /** Plugins skipped at load (non-strict loading), each a coded error naming the plugin or path. */
  readonly problems: readonly HotspotError[];
  get(id: string): LoadedPlugin | undefined;
  /** Static claims on one network, best first per arbitration. Runs no plugin code. */
  claimsFor(network: ScannedNetwork): readonly ClaimMatch[];
  /**
   * Static claims for every network plus the dynamic claims of plugins' filterScanList
   * hooks (bounded by deadlines; a failing hook contributes nothing). The result is
   * aligned with `networks`; each entry is best first, one claim per plugin (its highest).
   */
  filterScanList(networks: readonly ScannedNetwork[], signal?: AbortSignal): Promise<readonly (readonly ClaimMatch[])[]>;
}
