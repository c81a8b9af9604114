import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, test } from "node:test";
import { defaultUserConfig } from "../../../src/config/schema.ts";
import { isHotspotError } from "../../../src/errors.ts";
import { loadRegistry } from "../../../src/helper-api/loader.ts";
import {
  BUNDLED_PLUGINS_DIR,
  type PluginRoot,
  standardPluginRoots,
  userPluginsDir,
} from "../../../src/helper-api/plugin-paths.ts";

const temps: string[] = [];
after(() => Promise.all(temps.map((t) => rm(t, { recursive: true, force: true }))));

async function tree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "hh-discovery-"));
  temps.push(root);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

const plugin = (id: string, displayName = id) =>
  `export default ${JSON.stringify({ id, displayName, version: "1.0.0", sdk: "^0.1.0" })};\n`;

const pkg = (fields: Record<string, unknown>) =>
  JSON.stringify({ version: "1.0.0", type: "module", ...fields });

const KEYWORD = ["hotspot-helper-plugin"];

function load(roots: PluginRoot[], strict = false) {
  return loadRegistry({ roots, config: defaultUserConfig(), strict });
}

const root = (kind: PluginRoot["kind"], path: string, required = false): PluginRoot => ({
  kind,
  path,
  required,
});

describe("standardPluginRoots", () => {
  const base = {
    includeBundled: true,
    configDirs: [],
    configDir: "/home/ann/.config/hotspot-helper",
    cliDirs: [],
  };

  test("bundled, system, local system, admin, user, config, then --plugins, most general first", () => {
    const roots = standardPluginRoots({
      ...base,
      env: { XDG_DATA_HOME: "/data", HOME: "/home/ann" },
      configDirs: ["extra", "/opt/plugins"],
      cliDirs: ["/work/mine"],
    });
    assert.deepEqual(
      roots.map((r) => [r.kind, r.path, r.required]),
      [
        ["bundled", BUNDLED_PLUGINS_DIR, false],
        ["system", "/usr/lib/hotspot-helper/plugins", false],
        ["system", "/usr/local/lib/hotspot-helper/plugins", false],
        ["admin", "/etc/hotspot-helper/plugins", false],
        ["user", "/data/hotspot-helper/plugins", false],
        ["config", "/home/ann/.config/hotspot-helper/extra", true],
        ["config", "/opt/plugins", true],
        ["cli", "/work/mine", true],
      ],
    );
  });

  test("HOTSPOT_HELPER_SYSROOT moves the system and admin folders, --no-bundled drops the bundled one", () => {
    const roots = standardPluginRoots({
      ...base,
      includeBundled: false,
      env: { HOTSPOT_HELPER_SYSROOT: "/stage", HOME: "/home/ann" },
    });
    assert.deepEqual(
      roots.map((r) => r.path),
      [
        "/stage/usr/lib/hotspot-helper/plugins",
        "/stage/usr/local/lib/hotspot-helper/plugins",
        "/stage/etc/hotspot-helper/plugins",
        "/home/ann/.local/share/hotspot-helper/plugins",
      ],
    );
  });

  test("a relative XDG_DATA_HOME is ignored, as the XDG spec requires", () => {
    assert.equal(
      userPluginsDir({ XDG_DATA_HOME: "data", HOME: "/home/ann" }),
      "/home/ann/.local/share/hotspot-helper/plugins",
    );
  });
});

describe("discovery: folders", () => {
  test("plugins from every kind of root load, each with the root it came from", async () => {
    const dir = await tree({
      "sys/plugins/sys-one/index.mjs": plugin("sys-one"),
      "etc/plugins/admin-one/index.mjs": plugin("admin-one"),
      "user/plugins/user-one/index.mjs": plugin("user-one"),
    });
    const registry = await load(
      [
        root("system", join(dir, "sys/plugins")),
        root("system", join(dir, "missing-local")),
        root("admin", join(dir, "etc/plugins")),
        root("user", join(dir, "user/plugins")),
      ],
      true,
    );
    assert.deepEqual(
      registry.plugins.map((p) => [p.id, p.origin?.kind, p.source]),
      [
        ["sys-one", "system", join(dir, "sys/plugins/sys-one/index.mjs")],
        ["admin-one", "admin", join(dir, "etc/plugins/admin-one/index.mjs")],
        ["user-one", "user", join(dir, "user/plugins/user-one/index.mjs")],
      ],
    );
    assert.deepEqual(registry.problems, []);
  });

  test("the same id in a more specific root overrides, with a warning naming both files", async () => {
    const dir = await tree({
      "sys/cafe/index.mjs": plugin("cafe", "System Cafe"),
      "user/cafe/index.mjs": plugin("cafe", "User Cafe"),
    });
    for (const strict of [true, false]) {
      const registry = await load(
        [root("system", join(dir, "sys")), root("user", join(dir, "user"))],
        strict,
      );
      assert.deepEqual(
        registry.plugins.map((p) => [p.id, p.displayName]),
        [["cafe", "User Cafe"]],
      );
      assert.deepEqual(registry.problems, []);
      const [warning] = registry.warnings;
      assert.ok(isHotspotError(warning, "HH_PLUGIN_OVERRIDDEN"));
      assert.match(warning.message, new RegExp(`${join(dir, "sys/cafe/index.mjs")} \\(system folder`));
      assert.match(
        warning.message,
        new RegExp(`overridden by ${join(dir, "user/cafe/index.mjs")} \\(user's folder`),
      );
    }
  });

  test("the same id twice in one root: strict throws naming both, non-strict keeps the first", async () => {
    const dir = await tree({ "a/index.mjs": plugin("twin", "A"), "b/index.mjs": plugin("twin", "B") });
    await assert.rejects(
      load([root("user", dir)], true),
      (e: unknown) =>
        isHotspotError(e, "HH_PLUGIN_DUPLICATE_ID") &&
        e.params.first === join(dir, "a/index.mjs") &&
        e.params.second === join(dir, "b/index.mjs"),
    );
    const registry = await load([root("user", dir)]);
    assert.deepEqual(
      registry.plugins.map((p) => p.displayName),
      ["A"],
    );
    assert.deepEqual(
      registry.problems.map((p) => p.code),
      ["HH_PLUGIN_DUPLICATE_ID"],
    );
  });

  test("shared-code folders (_name, .name) are skipped; an empty folder is a problem naming it", async () => {
    const dir = await tree({
      "good/index.mjs": plugin("good"),
      "_shared/util.mjs": "export const x = 1;\n",
      ".cache/index.mjs": plugin("hidden"),
      "empty/.gitkeep": "",
    });
    const registry = await load([root("user", dir)]);
    assert.deepEqual(
      registry.plugins.map((p) => p.id),
      ["good"],
    );
    assert.equal(registry.problems.length, 1);
    assert.ok(isHotspotError(registry.problems[0], "HH_PLUGIN_LOAD_FAILED"));
    assert.equal(registry.problems[0].params.path, join(dir, "empty"));
    assert.match(registry.problems[0].message, /the plugin folder is empty/);
  });

  test("a standard root that does not exist is fine; a named one is a problem", async () => {
    const dir = await tree({});
    const registry = await load([
      root("admin", join(dir, "no-etc")),
      root("config", join(dir, "no-conf"), true),
    ]);
    assert.deepEqual(
      registry.problems.map((p) => [p.code, p.params.path]),
      [["HH_PLUGIN_LOAD_FAILED", join(dir, "no-conf")]],
    );
  });
});

describe("discovery: npm packages", () => {
  test("packages with the keyword in node_modules load, scoped too, from main or exports", async () => {
    const dir = await tree({
      "package.json": JSON.stringify({ dependencies: { "acme-wifi": "1.0.0" } }),
      "node_modules/acme-wifi/package.json": pkg({ name: "acme-wifi", keywords: KEYWORD, main: "lib/main" }),
      "node_modules/acme-wifi/lib/main.js": plugin("acme-wifi"),
      "node_modules/@corp/hotspot-corp/package.json": pkg({
        name: "@corp/hotspot-corp",
        keywords: KEYWORD,
        exports: { ".": { types: "./x.d.ts", require: "./cjs.cjs", import: "./esm/index.mjs" } },
      }),
      "node_modules/@corp/hotspot-corp/esm/index.mjs": plugin("corp-wifi"),
      "node_modules/left-pad/package.json": pkg({ name: "left-pad", main: "index.mjs" }),
      "node_modules/left-pad/index.mjs": plugin("not-a-plugin"),
    });
    const registry = await load([root("user", dir)], true);
    assert.deepEqual(
      registry.plugins.map((p) => [p.id, p.origin?.packageName, p.source]),
      [
        ["corp-wifi", "@corp/hotspot-corp", join(dir, "node_modules/@corp/hotspot-corp/esm/index.mjs")],
        ["acme-wifi", "acme-wifi", join(dir, "node_modules/acme-wifi/lib/main.js")],
      ],
    );
  });

  test("a package whose main does not exist is one problem naming its package.json; others load", async () => {
    const dir = await tree({
      "node_modules/broken-wifi/package.json": pkg({
        name: "broken-wifi",
        keywords: KEYWORD,
        main: "dist/index.js",
      }),
      "node_modules/broken-wifi/index.mjs": plugin("broken-wifi"),
      "node_modules/good-wifi/package.json": pkg({ name: "good-wifi", keywords: KEYWORD }),
      "node_modules/good-wifi/index.mjs": plugin("good-wifi"),
    });
    const registry = await load([root("system", dir)]);
    assert.deepEqual(
      registry.plugins.map((p) => p.id),
      ["good-wifi"],
    );
    const [problem] = registry.problems;
    assert.ok(isHotspotError(problem, "HH_PLUGIN_PACKAGE_INVALID"));
    assert.equal(problem.params.file, join(dir, "node_modules/broken-wifi/package.json"));
    assert.match(problem.message, /"main" names dist\/index\.js, which does not exist/);
    await assert.rejects(load([root("system", dir)], true), (e: unknown) =>
      isHotspotError(e, "HH_PLUGIN_PACKAGE_INVALID"),
    );
  });

  test("an entry outside the package, or exports without '.', is refused", async () => {
    const dir = await tree({
      "outside/package.json": pkg({ name: "outside", main: "../elsewhere.mjs" }),
      "elsewhere.mjs": plugin("elsewhere"),
      "subpaths/package.json": pkg({ name: "subpaths", exports: { "./extra": "./extra.mjs" } }),
      "subpaths/extra.mjs": plugin("subpaths"),
    });
    const registry = await load([root("user", dir)]);
    assert.deepEqual(registry.plugins, []);
    assert.deepEqual(
      registry.problems.map((p) => [
        p.code,
        p.params.file,
        /points outside|has no entry for "\."/.test(p.message),
      ]),
      [
        ["HH_PLUGIN_PACKAGE_INVALID", join(dir, "outside/package.json"), true],
        ["HH_PLUGIN_PACKAGE_INVALID", join(dir, "subpaths/package.json"), true],
      ],
    );
  });

  test("a root that is itself a package with the keyword is one plugin", async () => {
    const dir = await tree({
      "package.json": pkg({ name: "solo", keywords: KEYWORD, main: "plugin.mjs" }),
      "plugin.mjs": plugin("solo"),
      "sub/index.mjs": plugin("not-scanned"),
    });
    const registry = await load([root("cli", dir, true)], true);
    assert.deepEqual(
      registry.plugins.map((p) => [p.id, p.origin?.packageName]),
      [["solo", "solo"]],
    );
  });
});

describe("a plugin that never finishes importing", () => {
  test("is one problem after the import deadline, and the plugins after it load", async () => {
    const dir = await tree({ "zz-after/index.mjs": plugin("after-stuck") });
    const registry = await loadRegistry({
      roots: [root("cli", "test/fixtures/hanging-import", true), root("user", dir)],
      config: defaultUserConfig(),
      strict: false,
      importTimeoutMs: 50,
    });
    assert.deepEqual(
      registry.plugins.map((p) => p.id),
      ["after-stuck"],
    );
    const [problem] = registry.problems;
    assert.ok(isHotspotError(problem, "HH_PLUGIN_LOAD_FAILED"));
    assert.match(
      problem.message,
      /stuck\/index\.mjs failed to load: it did not finish importing within 50 ms/,
    );
  });
});
