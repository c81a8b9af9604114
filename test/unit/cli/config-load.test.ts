import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { defaultConfigPath, loadUserConfig } from "../../../src/config/load.ts";
import { isHotspotError } from "../../../src/errors.ts";

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "hh-config-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe("loadUserConfig", () => {
  test("the default path follows XDG_CONFIG_HOME, and ~/.config when it is unset or relative", () => {
    assert.equal(defaultConfigPath({ XDG_CONFIG_HOME: "/x", HOME: "/h" }), "/x/hotspot-helper/config.json");
    assert.equal(defaultConfigPath({ HOME: "/h" }), "/h/.config/hotspot-helper/config.json");
    assert.equal(
      defaultConfigPath({ XDG_CONFIG_HOME: "rel", HOME: "/h" }),
      "/h/.config/hotspot-helper/config.json",
    );
  });

  test("a missing default file means the defaults", async (t) => {
    const dir = await tempDir(t);
    const config = await loadUserConfig(undefined, { XDG_CONFIG_HOME: dir });
    assert.equal(config.evaluateTimeoutMs, 5000);
    assert.deepEqual(config.plugins, {});
  });

  test("the default file is read when present", async (t) => {
    const dir = await tempDir(t);
    await mkdir(join(dir, "hotspot-helper"));
    await writeFile(join(dir, "hotspot-helper", "config.json"), '{ "evaluateTimeoutMs": 1500 }');
    const config = await loadUserConfig(undefined, { XDG_CONFIG_HOME: dir });
    assert.equal(config.evaluateTimeoutMs, 1500);
  });

  test("an explicit file that does not exist is HH_FILE_UNREADABLE", async (t) => {
    const dir = await tempDir(t);
    await assert.rejects(
      loadUserConfig(join(dir, "missing.json")),
      (e) => isHotspotError(e, "HH_FILE_UNREADABLE") && /missing\.json: no such file/.test(e.message),
    );
  });

  test("invalid JSON is HH_CONFIG_INVALID at (root) with the position", async (t) => {
    const file = join(await tempDir(t), "c.json");
    await writeFile(file, '{ "probeUrl": }');
    await assert.rejects(
      loadUserConfig(file),
      (e) =>
        isHotspotError(e, "HH_CONFIG_INVALID") &&
        e.params.field === "(root)" &&
        /line 1 column/.test(e.message),
    );
  });

  test("a schema violation names the file and the field", async (t) => {
    const file = join(await tempDir(t), "c.json");
    await writeFile(file, JSON.stringify({ plugins: { "example-cafe": { enabled: "yes" } } }));
    await assert.rejects(
      loadUserConfig(file),
      (e) =>
        isHotspotError(e, "HH_CONFIG_INVALID") &&
        e.params.field === "plugins.example-cafe.enabled" &&
        e.message.includes(file),
    );
  });
});

describe("config errors list every problem", () => {
  test("each invalid setting is named, with the file", async (t) => {
    const dir = await tempDir(t);
    const file = join(dir, "config.json");
    await writeFile(
      file,
      JSON.stringify({ probeUrl: "nope", evaluateTimeoutMs: -1, pluginDirs: "x", plugns: {} }),
    );
    await assert.rejects(loadUserConfig(file), (e: unknown) => {
      assert.ok(isHotspotError(e, "HH_CONFIG_INVALID"));
      assert.equal(e.params.file, file);
      assert.ok(e.message.startsWith(`invalid config ${file}: probeUrl: `), e.message);
      for (const part of ["evaluateTimeoutMs: ", "pluginDirs: ", 'unknown key "plugns"']) {
        assert.ok(e.message.includes(part), `${part} in ${e.message}`);
      }
      return true;
    });
  });
});
