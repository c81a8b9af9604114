import assert from "node:assert/strict";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { run } from "../../support/installed-package.ts";

const ROOT = join(import.meta.dirname, "../../..");
const FIXTURES = join(ROOT, "test/fixtures/package-plugins");

describe("bin/hotspot.js of a checkout (what npm link runs) with plugins in a folder outside it", () => {
  let dir: string;
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_OPTIONS;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "hotspot-helper-linked-"));
    await cp(FIXTURES, dir, { recursive: true });
    env.XDG_CONFIG_HOME = join(dir, "config");
    env.XDG_DATA_HOME = join(dir, "data");
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const [name, id] of [
    ["ts-folder", "fixture-ts-folder"],
    ["esm-js", "fixture-esm-js"],
    ["commonjs", "fixture-commonjs"],
  ] as const) {
    test(`${name}: a plugin whose folder does not say "type": "module" loads and passes plugin test`, async () => {
      const result = await run(
        process.execPath,
        [join(ROOT, "bin/hotspot.js"), "plugin", "test", join(dir, name), "--scenario", "form-login"],
        dir,
        env,
      );
      assert.equal(result.code, 0, `${result.stdout}${result.stderr}`);
      assert.match(result.stdout, new RegExp(`^plugin ${id} `, "m"));
      assert.match(result.stdout, /^result: PASS$/m);
    });
  }
});
