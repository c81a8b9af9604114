import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { defaultUserConfig, type UserConfig } from "../../../src/config/schema.ts";
import { isHotspotError } from "../../../src/errors.ts";
import { BUNDLED_PLUGINS_DIR, loadRegistry } from "../../../src/helper-api/loader.ts";
import { network, summary } from "./helpers.ts";

const FIXTURES = fileURLToPath(new URL("../../fixtures/plugins/", import.meta.url));
const fixture = (name: string) => join(FIXTURES, name);

function configWith(plugins: UserConfig["plugins"]): UserConfig {
  return { ...defaultUserConfig(), plugins };
}

function load(
  dirs: string[],
  opts: { strict?: boolean; config?: UserConfig; inline?: { plugin: unknown; source: string }[] } = {},
) {
  return loadRegistry({
    pluginDirs: dirs,
    includeBundled: false,
    config: opts.config ?? defaultUserConfig(),
    strict: opts.strict ?? true,
    ...(opts.inline ? { inline: opts.inline } : {}),
  });
}

const base = { id: "inline-plugin", displayName: "Inline", version: "1.0.0", sdk: "^0.1.0" };

describe("loadRegistry: valid plugins", () => {
  test("loads a plugin folder, applying config defaults to its claims and portal hosts", async () => {
    const registry = await load([fixture("valid")]);
    const plugin = registry.get("fixture-valid");
    assert.ok(plugin);
    assert.equal(plugin.source, join(fixture("valid"), "index.ts"));
    assert.equal(plugin.priority, 3);
    assert.deepEqual(plugin.config, { ssid: "Fixture Net", portalHost: "login.fixture.example" });
    assert.deepEqual(plugin.portalHosts, [{ host: "login.fixture.example" }]);
    assert.equal(plugin.credentials, undefined);
    assert.deepEqual(summary(registry.claimsFor(network("Fixture Net"))), ["fixture-valid:high"]);
    assert.deepEqual(summary(registry.claimsFor(network("Fixture-7"))), ["fixture-valid:low"]);
  });

  test("user config and credentials reach the plugin, parsed by its schemas", async () => {
    const config = configWith({
      "fixture-valid": {
        enabled: true,
        config: { ssid: "Other Net" },
        credentials: { username: "ann", password: "correct horse" },
      },
    });
    const registry = await load([fixture("valid")], { config });
    assert.deepEqual(registry.get("fixture-valid")?.credentials, {
      username: "ann",
      password: "correct horse",
    });
    assert.deepEqual(summary(registry.claimsFor(network("Other Net"))), ["fixture-valid:high"]);
    assert.deepEqual(summary(registry.claimsFor(network("Fixture Net"))), []);
  });

  test("a folder of plugin folders loads each, sorted by folder name", async () => {
    const registry = await load([fixture("claim-conflict/first"), fixture("duplicate-id/first")]);
    assert.deepEqual(
      registry.plugins.map((p) => p.id),
      ["fixture-conflict-first", "fixture-duplicate"],
    );
  });

  test("a disabled plugin is skipped without a problem", async () => {
    const config = configWith({ "fixture-valid": { enabled: false } });
    const registry = await load([fixture("valid")], { config });
    assert.deepEqual(registry.plugins, []);
    assert.deepEqual(registry.problems, []);
  });

  test("the registry, its plugin list and its plugins are frozen", async () => {
    const registry = await load([fixture("valid")]);
    assert.ok(Object.isFrozen(registry));
    assert.ok(Object.isFrozen(registry.plugins));
    assert.ok(Object.isFrozen(registry.plugins[0]));
    assert.ok(Object.isFrozen(registry.plugins[0]?.claims));
  });

  test("the bundled plugins load strictly with the default config", async () => {
    const registry = await loadRegistry({ pluginDirs: [], config: defaultUserConfig(), strict: true });
    assert.ok(registry.plugins.length > 0);
    for (const p of registry.plugins) assert.ok(p.source.startsWith(BUNDLED_PLUGINS_DIR), p.source);
  });
});

describe("loadRegistry: broken plugins", () => {
  test("strict: a broken definition throws naming the file and the misspelt field", async () => {
    await assert.rejects(
      load([fixture("broken-definition")]),
      (e: unknown) =>
        isHotspotError(e, "HH_PLUGIN_DEFINITION_INVALID") &&
        e.params.plugin === "fixture-broken" &&
        e.params.path === join(fixture("broken-definition"), "index.ts") &&
        e.params.field === "authenticat" &&
        e.message.includes('did you mean "authenticate"'),
    );
  });

  test("non-strict: broken plugins are skipped into problems and the others load", async () => {
    const registry = await load([fixture("broken-definition"), fixture("import-throws"), fixture("valid")], {
      strict: false,
    });
    assert.deepEqual(
      registry.plugins.map((p) => p.id),
      ["fixture-valid"],
    );
    assert.deepEqual(
      registry.problems.map((p) => p.code),
      ["HH_PLUGIN_DEFINITION_INVALID", "HH_PLUGIN_LOAD_FAILED"],
    );
  });

  test("a module that throws at import is HH_PLUGIN_LOAD_FAILED with its path and the reason", async () => {
    await assert.rejects(
      load([fixture("import-throws")]),
      (e: unknown) =>
        isHotspotError(e, "HH_PLUGIN_LOAD_FAILED") &&
        e.params.path === join(fixture("import-throws"), "index.ts") &&
        String(e.params.reason).includes("failed at import on purpose"),
    );
  });

  test("a missing plugin folder is an error in strict mode and a problem otherwise", async () => {
    const missing = fixture("does-not-exist");
    await assert.rejects(
      load([missing]),
      (e: unknown) => isHotspotError(e, "HH_PLUGIN_LOAD_FAILED") && e.params.path === missing,
    );
    const registry = await load([missing], { strict: false });
    assert.equal(registry.problems[0]?.code, "HH_PLUGIN_LOAD_FAILED");
  });

  test("strict: two plugins with one id in one folder throw naming both sources", async () => {
    await assert.rejects(
      load([fixture("duplicate-id")]),
      (e: unknown) =>
        isHotspotError(e, "HH_PLUGIN_DUPLICATE_ID") &&
        e.params.plugin === "fixture-duplicate" &&
        e.params.first === join(fixture("duplicate-id/first"), "index.ts") &&
        e.params.second === join(fixture("duplicate-id/second"), "index.ts"),
    );
  });

  test("non-strict: the second plugin with an id its folder already holds is skipped as a problem", async () => {
    const registry = await load([fixture("duplicate-id")], { strict: false });
    assert.deepEqual(
      registry.plugins.map((p) => p.source),
      [join(fixture("duplicate-id/first"), "index.ts")],
    );
    assert.deepEqual(
      registry.problems.map((p) => [p.code, p.params.second]),
      [["HH_PLUGIN_DUPLICATE_ID", join(fixture("duplicate-id/second"), "index.ts")]],
    );
  });

  test("strict: identical claims at equal priority throw naming both plugins", async () => {
    await assert.rejects(
      load([fixture("claim-conflict")]),
      (e: unknown) =>
        isHotspotError(e, "HH_PLUGIN_CLAIM_CONFLICT") &&
        e.params.first === "fixture-conflict-first" &&
        e.params.second === "fixture-conflict-second" &&
        String(e.params.claim).includes("Conflict Net"),
    );
  });

  test("non-strict: the later of two plugins with an identical claim is quarantined with the reason", async () => {
    const registry = await load([fixture("claim-conflict"), fixture("valid")], { strict: false });
    assert.deepEqual(
      registry.plugins.map((p) => p.id),
      ["fixture-conflict-first", "fixture-valid"],
    );
    const [problem] = registry.problems;
    assert.ok(isHotspotError(problem, "HH_PLUGIN_CLAIM_CONFLICT"));
    assert.equal(problem.params.skipped, "fixture-conflict-second");
    assert.match(problem.message, /Conflict Net.*"fixture-conflict-second" is quarantined/);
    assert.deepEqual(summary(registry.claimsFor(network("Conflict Net"))), ["fixture-conflict-first:high"]);
  });

  test("a plugin built for an incompatible SDK is rejected with its range", async () => {
    await assert.rejects(
      load([], { inline: [{ plugin: { ...base, sdk: "^1.0.0" }, source: "inline.ts" }] }),
      (e: unknown) =>
        isHotspotError(e, "HH_PLUGIN_SDK_INCOMPATIBLE") &&
        e.params.range === "^1.0.0" &&
        e.params.path === "inline.ts",
    );
  });
});

describe("loadRegistry: plugin settings", () => {
  test("invalid config is HH_PLUGIN_CONFIG_INVALID naming plugin and field", async () => {
    const config = configWith({ "fixture-valid": { enabled: true, config: { ssid: 42 } } });
    await assert.rejects(
      load([fixture("valid")], { config }),
      (e: unknown) =>
        isHotspotError(e, "HH_PLUGIN_CONFIG_INVALID") &&
        e.params.plugin === "fixture-valid" &&
        e.params.field === "config.ssid",
    );
  });

  test("an unknown config key is rejected by a strict config schema", async () => {
    const config = configWith({ "fixture-valid": { enabled: true, config: { sid: "typo" } } });
    await assert.rejects(load([fixture("valid")], { config }), (e: unknown) =>
      isHotspotError(e, "HH_PLUGIN_CONFIG_INVALID"),
    );
  });

  test("invalid credentials name the field and never the value", async () => {
    const config = configWith({
      "fixture-valid": { enabled: true, credentials: { username: "ann", password: "s3cr" } },
    });
    await assert.rejects(
      load([fixture("valid")], { config }),
      (e: unknown) =>
        isHotspotError(e, "HH_PLUGIN_CONFIG_INVALID") &&
        e.params.field === "credentials.password" &&
        !e.message.includes("s3cr") &&
        !JSON.stringify(e.params).includes("s3cr"),
    );
  });

  test("a schema message quoting the credential is replaced by the issue code", async () => {
    const { z } = await import("zod");
    const plugin = {
      ...base,
      credentialsSchema: z.object({
        pin: z.string().refine((v) => v.length === 6, { error: (i) => `bad pin ${String(i.input)}` }),
      }),
    };
    const config = configWith({ "inline-plugin": { enabled: true, credentials: { pin: "98765" } } });
    await assert.rejects(
      load([], { config, inline: [{ plugin, source: "inline.ts" }] }),
      (e: unknown) => isHotspotError(e, "HH_PLUGIN_CONFIG_INVALID") && !e.message.includes("98765"),
    );
  });

  test("every invalid config field is listed, not only the first", async () => {
    const config = configWith({ "fixture-valid": { enabled: true, config: { ssid: 42, portalHost: 7 } } });
    await assert.rejects(
      load([fixture("valid")], { config }),
      (e: unknown) =>
        isHotspotError(e, "HH_PLUGIN_CONFIG_INVALID") &&
        e.params.field === "config.ssid" &&
        /config\.ssid: expected string, received number; config\.portalHost: expected string/.test(e.message),
    );
  });

  test("credentials failing a union schema say what each accepted form needed, never the values", async () => {
    const { z } = await import("zod");
    const plugin = {
      ...base,
      credentialsSchema: z.union([
        z.object({ username: z.string(), password: z.string() }),
        z.object({ room: z.string(), surname: z.string() }),
      ]),
    };
    const config = configWith({ "inline-plugin": { enabled: true, credentials: { room: "4711" } } });
    await assert.rejects(
      load([], { config, inline: [{ plugin, source: "inline.ts" }] }),
      (e: unknown) =>
        isHotspotError(e, "HH_PLUGIN_CONFIG_INVALID") &&
        e.params.field === "credentials" &&
        e.message.includes("(1) username: missing (expected string), password: missing (expected string)") &&
        e.message.includes("or (2) surname: missing (expected string)") &&
        !e.message.includes("4711"),
    );
  });

  test("settings errors name the file the settings came from", async () => {
    const config = configWith({ "fixture-valid": { enabled: true, config: { ssid: 42 } } });
    await assert.rejects(
      loadRegistry({
        pluginDirs: [fixture("valid")],
        includeBundled: false,
        config,
        strict: true,
        settingsFile: (id, part) => `/etc/${id}/${part}.json`,
      }),
      (e: unknown) =>
        isHotspotError(e, "HH_PLUGIN_CONFIG_INVALID") &&
        e.message.startsWith(
          "settings for plugin fixture-valid in /etc/fixture-valid/config.json are invalid: config.ssid",
        ),
    );
  });

  test("config for a plugin that declares no config schema is an error", async () => {
    const config = configWith({ "inline-plugin": { enabled: true, config: { x: 1 } } });
    await assert.rejects(
      load([], { config, inline: [{ plugin: base, source: "inline.ts" }] }),
      (e: unknown) => isHotspotError(e, "HH_PLUGIN_CONFIG_INVALID") && e.params.field === "config",
    );
  });

  test("a config schema with required fields and no user config names the missing field", async () => {
    const { z } = await import("zod");
    const plugin = { ...base, configSchema: z.object({ apiKey: z.string() }) };
    await assert.rejects(
      load([], { inline: [{ plugin, source: "inline.ts" }] }),
      (e: unknown) => isHotspotError(e, "HH_PLUGIN_CONFIG_INVALID") && e.params.field === "config.apiKey",
    );
  });

  test("claims returned by a claims function are validated with their index in the field", async () => {
    const plugin = {
      ...base,
      claims: () => [
        { ssid: "ok", confidence: "high" },
        { ssidPrefix: "", confidence: "low" },
      ],
    };
    await assert.rejects(
      load([], { inline: [{ plugin, source: "inline.ts" }] }),
      (e: unknown) =>
        isHotspotError(e, "HH_PLUGIN_DEFINITION_INVALID") && e.params.field === "claims[1].ssidPrefix",
    );
  });

  test("claims and portalHosts functions run once, at load, with the validated config, never at scan time", async () => {
    const { z } = await import("zod");
    const seen: unknown[] = [];
    const plugin = {
      ...base,
      configSchema: z.object({ ssid: z.string().default("Once Net") }),
      claims: (c: { ssid: string }) => {
        seen.push(["claims", c]);
        return [{ ssid: c.ssid, confidence: "high" }];
      },
      portalHosts: (c: { ssid: string }) => {
        seen.push(["portalHosts", c]);
        return [{ host: "login.once.example" }];
      },
    };
    const registry = await load([], { inline: [{ plugin, source: "inline.ts" }] });
    for (let i = 0; i < 3; i++) {
      registry.claimsFor(network("Once Net"));
      await registry.filterScanList([network("Once Net"), network("Other")]);
    }
    assert.deepEqual(seen, [
      ["claims", { ssid: "Once Net" }],
      ["portalHosts", { ssid: "Once Net" }],
    ]);
    assert.deepEqual(summary(registry.claimsFor(network("Once Net"))), ["inline-plugin:high"]);
  });

  test("a claims function that throws is reported against the plugin", async () => {
    const plugin = {
      ...base,
      claims: () => {
        throw new Error("no claims today");
      },
    };
    await assert.rejects(
      load([], { inline: [{ plugin, source: "inline.ts" }] }),
      (e: unknown) =>
        isHotspotError(e, "HH_PLUGIN_DEFINITION_INVALID") &&
        e.params.field === "claims" &&
        e.message.includes("no claims today"),
    );
  });
});
