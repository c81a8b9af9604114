import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { describe, test } from "node:test";
import semver from "semver";
import { defaultUserConfig } from "../../../src/config/schema.ts";
import { BUNDLED_PLUGINS_DIR, loadRegistry } from "../../../src/helper-api/loader.ts";
import { SDK_VERSION } from "../../../src/helper-api/plugin.ts";

describe("bundled plugins", async () => {
  const folders = (await readdir(BUNDLED_PLUGINS_DIR, { withFileTypes: true })).filter((e) =>
    e.isDirectory(),
  );
  const registry = await loadRegistry({ pluginDirs: [], config: defaultUserConfig(), strict: true });

  test("every folder in plugins/ loads strictly with the default config", () => {
    assert.deepEqual(registry.problems, []);
    assert.deepEqual(registry.plugins.map((p) => p.id).sort(), folders.map((f) => f.name).sort());
  });

  for (const plugin of registry.plugins) {
    test(`${plugin.id}: identity fits the network list and the SDK`, () => {
      assert.ok(plugin.displayName.length <= 15, `displayName "${plugin.displayName}" is over 15 characters`);
      assert.ok(semver.valid(plugin.version));
      assert.ok(semver.satisfies(SDK_VERSION, plugin.definition.sdk));
      assert.ok((plugin.definition.description ?? "").length > 0, "has a description");
    });

    test(`${plugin.id}: can log in, and sends credentials only to declared hosts over TLS by default`, () => {
      assert.equal(typeof plugin.definition.authenticate, "function");
      if (plugin.definition.credentialsSchema) {
        assert.ok(
          plugin.portalHosts.length > 0 || typeof plugin.definition.portalHosts === "function",
          "a plugin with credentials declares its portal hosts (or takes them from its config)",
        );
        assert.ok(
          plugin.portalHosts.every((h) => h.allowHttp !== true),
          "plain HTTP is off by default",
        );
      }
    });
  }
});
