import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { HOST_SDK_URL, importPluginModule } from "../../../src/helper-api/plugin-import.ts";
import { definePlugin } from "../../../src/sdk.ts";

const PLUGIN = `definePlugin({ id: "ID", displayName: "Import", version: "1.0.0", sdk: "^0.1.0", claims: [] })`;

/** A copy of the package in the plugin's own node_modules that must never be used. */
async function poisonedCopy(dir: string): Promise<void> {
  const copy = join(dir, "node_modules", "hotspot-helper");
  await mkdir(copy, { recursive: true });
  await writeFile(
    join(copy, "package.json"),
    JSON.stringify({
      name: "hotspot-helper",
      version: "9.9.9",
      exports: { ".": "./sdk.js", "./sdk": "./sdk.js" },
    }),
  );
  await writeFile(join(copy, "sdk.js"), 'throw new Error("the plugin\'s own copy of the SDK was loaded");\n');
}

function defaultOf(mod: unknown): unknown {
  return typeof mod === "object" && mod !== null && "default" in mod ? mod.default : undefined;
}

describe("importPluginModule", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "hotspot-helper-import-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function plugin(name: string, files: Record<string, string>): Promise<string> {
    const folder = join(dir, name);
    await mkdir(folder, { recursive: true });
    await poisonedCopy(folder);
    for (const [file, text] of Object.entries(files)) await writeFile(join(folder, file), text);
    return folder;
  }

  test("an ESM plugin with its own copy of the package gets the host's SDK", async () => {
    const folder = await plugin("esm", {
      "package.json": JSON.stringify({ type: "module" }),
      "index.js": `import { definePlugin } from "hotspot-helper/sdk";\nexport const sdkUrl = import.meta.resolve("hotspot-helper/sdk");\nexport default ${PLUGIN.replace("ID", "esm")};\n`,
    });
    const mod = await importPluginModule(join(folder, "index.js"));
    assert.equal(
      typeof mod === "object" && mod !== null && "sdkUrl" in mod ? mod.sdkUrl : undefined,
      HOST_SDK_URL,
    );
    const loaded = defaultOf(mod);
    assert.equal(
      typeof loaded === "object" && loaded !== null && "id" in loaded ? loaded.id : undefined,
      "esm",
    );
  });

  test("the bare package name is the SDK too", async () => {
    const folder = await plugin("root-name", {
      "index.mjs": `import * as root from "hotspot-helper";\nexport const same = root.definePlugin;\nexport default root.${PLUGIN.replace("ID", "root-name")};\n`,
    });
    const mod = await importPluginModule(join(folder, "index.mjs"));
    assert.equal(
      typeof mod === "object" && mod !== null && "same" in mod ? mod.same : undefined,
      definePlugin,
    );
  });

  test('a CommonJS plugin ("type": "commonjs") that requires the SDK gets the host\'s module', async () => {
    const folder = await plugin("cjs", {
      "package.json": JSON.stringify({ type: "commonjs" }),
      "index.js": `const sdk = require("hotspot-helper/sdk");\nconst { definePlugin } = sdk;\nmodule.exports = { plugin: ${PLUGIN.replace("ID", "cjs")}, sameDefine: sdk.definePlugin };\n`,
    });
    const loaded = defaultOf(await importPluginModule(join(folder, "index.js")));
    assert.ok(typeof loaded === "object" && loaded !== null && "sameDefine" in loaded);
    assert.equal(loaded.sameDefine, definePlugin);
  });

  test("ESM compiled to CommonJS (exports.default with __esModule) is unwrapped to the plugin", async () => {
    const folder = await plugin("compiled", {
      "index.cjs": `"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\nconst sdk_1 = require("hotspot-helper/sdk");\nexports.default = (0, sdk_1.definePlugin)({ id: "compiled", displayName: "C", version: "1.0.0", sdk: "^0.1.0", claims: [] });\n`,
    });
    const loaded = defaultOf(await importPluginModule(join(folder, "index.cjs")));
    assert.equal(
      typeof loaded === "object" && loaded !== null && "id" in loaded ? loaded.id : undefined,
      "compiled",
    );
  });

  test("a plugin's own import errors still reach the caller", async () => {
    const folder = await plugin("missing", {
      "index.mjs": `import "a-package-nobody-installed";\nexport default 1;\n`,
    });
    await assert.rejects(importPluginModule(join(folder, "index.mjs")), /a-package-nobody-installed/);
  });
});
