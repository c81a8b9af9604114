import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { defaultUserConfig } from "../../../src/config/schema.ts";
import { createPluginCalls } from "../../../src/daemon/plugin-calls.ts";
import type { HotspotError } from "../../../src/errors.ts";
import type { PortalInfo } from "../../../src/helper-api/context.ts";
import { type JoinedNetwork, scannedNetwork } from "../../../src/helper-api/network.ts";
import { definePlugin, type Plugin } from "../../../src/helper-api/plugin.ts";
import { createMemoryStore, createPluginLogger } from "../../../src/helper-api/plugin-services.ts";
import { createRegistry } from "../../../src/helper-api/registry.ts";
import type { ClaimMatch, LoadedPlugin } from "../../../src/helper-api/registry-types.ts";

const PORTAL: PortalInfo = { verdict: "portal", probeUrl: "http://probe.test/generate_204" };

const NETWORK: JoinedNetwork = {
  ...scannedNetwork({
    ssid: new TextEncoder().encode("Cafe"),
    bssid: "02:00:00:00:00:01",
    strength: 70,
    frequency: 2437,
    security: "open",
  }),
  interface: "wlan0",
  justJoined: true,
  autoJoined: true,
};

function loaded(definition: Plugin<unknown, unknown>): LoadedPlugin {
  return {
    id: definition.id,
    displayName: definition.displayName,
    version: definition.version,
    priority: 0,
    source: "<test>",
    definition,
    config: undefined,
    credentials: undefined,
    claims: [],
    portalHosts: [],
  };
}

function claim(pluginId: string): ClaimMatch {
  return { pluginId, displayName: pluginId, confidence: "medium", priority: 0, origin: "static" };
}

describe("createPluginCalls evaluate", () => {
  test("an evaluate hook that throws or answers garbage is reported under the plugin's name, and counts as none", async () => {
    const throwing = loaded(
      definePlugin({
        id: "throwing",
        displayName: "Throwing",
        version: "1.0.0",
        sdk: "^0.1.0",
        evaluate: async () => {
          throw new Error("boom");
        },
      }),
    );
    const garbage = loaded(
      definePlugin({
        id: "garbage",
        displayName: "Garbage",
        version: "1.0.0",
        sdk: "^0.1.0",
        evaluate: async () => ({ confidence: "very" }) as never,
      }),
    );
    const config = defaultUserConfig();
    const registry = createRegistry({ plugins: [throwing, garbage], config });
    const reported: { device: string; code: string; plugin: unknown }[] = [];
    const calls = createPluginCalls({
      registry,
      config,
      loggerFor: (p) => createPluginLogger(p.id),
      storeFor: () => createMemoryStore(),
      transportFor: () => ({}),
      onHookError: (network: JoinedNetwork, error: HotspotError) =>
        reported.push({ device: network.interface, code: error.code, plugin: error.params.plugin }),
    });
    const ranked = await calls.evaluate(
      [claim("throwing"), claim("garbage")],
      NETWORK,
      PORTAL,
      new AbortController().signal,
    );
    assert.deepEqual(ranked, []);
    reported.sort((a, b) => String(b.plugin).localeCompare(String(a.plugin)));
    assert.deepEqual(reported, [
      { device: "wlan0", code: "HH_PLUGIN_HOOK_FAILED", plugin: "throwing" },
      { device: "wlan0", code: "HH_PLUGIN_RESULT_INVALID", plugin: "garbage" },
    ]);
  });
});
