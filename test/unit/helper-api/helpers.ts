import type { Claim } from "../../../src/helper-api/claims.ts";
import type { Confidence } from "../../../src/helper-api/confidence.ts";
import { type ScannedNetwork, type Security, scannedNetwork } from "../../../src/helper-api/network.ts";
import { definePlugin, type PluginDefinition } from "../../../src/helper-api/plugin.ts";
import type { ClaimMatch, LoadedPlugin } from "../../../src/helper-api/registry-types.ts";
import { hexToBytes } from "../../../src/helper-api/ssid.ts";

/** A scanned network from text or `{ hex }`, with defaults for the facts a test does not care about. */
export function network(
  ssid: string | { hex: string },
  opts: { bssid?: string; security?: Security; strength?: number } = {},
): ScannedNetwork {
  return scannedNetwork({
    ssid: typeof ssid === "string" ? new TextEncoder().encode(ssid) : hexToBytes(ssid.hex),
    bssid: opts.bssid ?? "02:00:00:00:00:01",
    strength: opts.strength ?? 60,
    frequency: 2437,
    security: opts.security ?? "open",
  });
}

/** What the index needs of a plugin. */
export function indexable(id: string, claims: readonly Claim[], priority = 0) {
  return { id, displayName: id.toUpperCase(), priority, claims };
}

/** `id:confidence` pairs, for compact assertions. */
export function summary(matches: readonly ClaimMatch[]): string[] {
  return matches.map((m) => `${m.pluginId}:${m.confidence}`);
}

/** A LoadedPlugin around a definition, as the loader would produce it (no validation). */
export function loaded(definition: PluginDefinition<unknown, unknown>): LoadedPlugin {
  const plugin = definePlugin(definition);
  return {
    id: plugin.id,
    displayName: plugin.displayName,
    version: plugin.version,
    priority: plugin.priority ?? 0,
    source: "<test>",
    definition: plugin,
    config: undefined,
    credentials: undefined,
    claims: Array.isArray(plugin.claims) ? plugin.claims : [],
    portalHosts: [],
  };
}

/** A registry lookup over plugins. */
export function lookup(plugins: readonly LoadedPlugin[]) {
  return { get: (id: string) => plugins.find((p) => p.id === id) };
}

/** A static claim as the index reports it, for a loaded plugin. */
export function staticClaim(plugin: LoadedPlugin, confidence: Confidence): ClaimMatch {
  return {
    pluginId: plugin.id,
    displayName: plugin.displayName,
    confidence,
    priority: plugin.priority,
    origin: "static",
  };
}
