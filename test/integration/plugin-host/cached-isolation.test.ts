import assert from "node:assert/strict";
import { appendFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { defaultUserConfig, type UserConfig } from "../../../src/config/schema.ts";
import { loadRegistry } from "../../../src/helper-api/loader.ts";
import type { PluginRegistry } from "../../../src/helper-api/registry-types.ts";
import { CachedIsolation } from "../../../src/plugin-host/cached-isolation.ts";
import { PluginChild } from "../../../src/plugin-host/child-process.ts";
import { createPluginHost } from "../../../src/plugin-host/host.ts";
import { remoteDescriptor } from "../../../src/plugin-host/remote-plugin.ts";
import { PluginSupervisor } from "../../../src/plugin-host/supervisor.ts";

/**
 * The daemon's isolated load with the descriptor cache in front, with real children: an
 * unchanged plugin is registered from the cache without a process, an edited one or one
 * with other settings is loaded in a child again, a broken one is loaded (and reported)
 * every time. Children are counted where the supervisor creates them.
 */

const ALPHA = `import { definePlugin, z } from "hotspot-helper/sdk";
export default definePlugin({
  id: "cache-alpha",
  displayName: "Cache Alpha",
  version: "1.0.0",
  sdk: "^0.1.0",
  configSchema: z.object({ ssid: z.string() }),
  claims: (config) => [{ ssid: config.ssid, confidence: "high" }],
  async evaluate() {
    return { confidence: "high" };
  },
});
`;

const BETA = `import { definePlugin } from "hotspot-helper/sdk";
export default definePlugin({
  id: "cache-beta",
  displayName: "Cache Beta",
  version: "1.0.0",
  sdk: "^0.1.0",
  claims: [{ ssid: "Beta", confidence: "medium" }],
});
`;

const BROKEN = `throw new Error("broken at import");\n`;

let dir = "";
let plugins = "";
/** A root of its own, so only the test about broken plugins pays for loading it. */
let brokenRoot = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "hh-cached-iso-"));
  plugins = join(dir, "plugins");
  brokenRoot = join(dir, "broken-plugins");
  for (const [root, name, text] of [
    [plugins, "alpha", ALPHA],
    [plugins, "beta", BETA],
    [brokenRoot, "broken", BROKEN],
  ] as const) {
    await mkdir(join(root, name), { recursive: true });
    await writeFile(join(root, name, "index.mjs"), text);
  }
});
after(() => rm(dir, { recursive: true, force: true }));

function config(ssid: string): UserConfig {
  return { ...defaultUserConfig(), plugins: { "cache-alpha": { enabled: true, config: { ssid } } } };
}

interface Load {
  readonly registry: PluginRegistry;
  /** Child processes started while loading. */
  readonly spawns: number;
  readonly descriptors: Map<string, unknown>;
}

async function load(cfg: UserConfig, withBroken = false): Promise<Load> {
  let spawns = 0;
  const supervisor = new PluginSupervisor({
    storeRoot: join(dir, "stores"),
    tmpRoot: join(dir, "tmp"),
    side: {},
    importTimeoutMs: 5_000,
    permissions: true,
    log: () => {},
    pluginLog: () => {},
    spawn: (opts) => {
      spawns++;
      return new PluginChild(opts);
    },
  });
  const cached = new CachedIsolation(supervisor, {
    file: join(dir, "cache", "descriptors.json"),
    host: "test daemon",
  });
  const host = createPluginHost({ config: cfg, storeRoot: join(dir, "stores"), processes: supervisor });
  try {
    const registry = await loadRegistry({
      roots: [
        { kind: "cli", path: plugins, required: true },
        ...(withBroken ? [{ kind: "cli" as const, path: brokenRoot, required: true }] : []),
      ],
      config: cfg,
      settingsFile: (_id, part) => join(dir, part === "config" ? "config.json" : "credentials.json"),
      strict: false,
      isolate: cached,
      host,
    });
    await cached.save();
    assert.deepEqual(
      supervisor
        .status()
        .map((s) => s.id)
        .sort(),
      registry.plugins.map((p) => p.id).sort(),
      "every loaded plugin is registered with the supervisor, cached or not",
    );
    const descriptors = new Map(registry.plugins.map((p) => [p.id, remoteDescriptor(p)]));
    return { registry, spawns, descriptors };
  } finally {
    await supervisor.close();
  }
}

const problemCodes = (r: PluginRegistry): string[] => r.problems.map((p) => p.code);

describe("the daemon's isolated load with the descriptor cache", () => {
  test("a second load starts a child only for the broken plugin and gives the same descriptors", async () => {
    const first = await load(config("Alpha"), true);
    assert.equal(first.spawns, 3);
    assert.deepEqual([...first.descriptors.keys()].sort(), ["cache-alpha", "cache-beta"]);
    assert.equal(first.registry.problems.length, 1);
    const second = await load(config("Alpha"), true);
    assert.equal(second.spawns, 1, "only the broken plugin is loaded again");
    assert.deepEqual(second.descriptors, first.descriptors);
    assert.deepEqual(problemCodes(second.registry), problemCodes(first.registry));
    assert.deepEqual(second.registry.get("cache-alpha")?.claims, [{ ssid: "Alpha", confidence: "high" }]);
  });

  test("an edited plugin file is loaded in a child again; the unchanged one stays cached", async () => {
    await load(config("Alpha"));
    await appendFile(join(plugins, "beta", "index.mjs"), "// edited\n");
    const edited = await load(config("Alpha"));
    assert.equal(edited.spawns, 1, "beta only");
    assert.ok(edited.registry.get("cache-beta"));
    const again = await load(config("Alpha"));
    assert.equal(again.spawns, 0);
  });

  test("changed settings load the plugin again, with claims from the new config", async () => {
    await load(config("Alpha"));
    const changed = await load(config("Alpha-2"));
    assert.equal(changed.spawns, 1, "alpha only");
    assert.deepEqual(changed.registry.get("cache-alpha")?.claims, [{ ssid: "Alpha-2", confidence: "high" }]);
  });

  test("a disabled plugin is not loaded, from the cache or a child", async () => {
    await load(config("Alpha"));
    const cfg: UserConfig = {
      ...config("Alpha"),
      plugins: { ...config("Alpha").plugins, "cache-beta": { enabled: false } },
    };
    const disabled = await load(cfg);
    assert.equal(disabled.registry.get("cache-beta"), undefined);
    assert.equal(disabled.spawns, 0);
  });
});
