import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { runHotspot } from "../cli/run-hotspot.ts";

const ROOT = join(import.meta.dirname, "../../..");
const run = promisify(execFile);
let tmp = "";
let pluginDir = "";

/**
 * The plugin folder gets hotspot-helper from this checkout (linked into its node_modules),
 * and its test runs under tsx, as the sources are TypeScript.
 */
async function provideHotspotHelper(dir: string): Promise<void> {
  await mkdir(join(dir, "node_modules/@types"), { recursive: true });
  await symlink(ROOT, join(dir, "node_modules/hotspot-helper"));
  await symlink(join(ROOT, "node_modules/@types/node"), join(dir, "node_modules/@types/node"));
}

/** The environment of a shell, not of this test: node --test in a child of a test reports to its parent otherwise. */
function operatorEnv(): NodeJS.ProcessEnv {
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  return env;
}

function npmTest(dir: string) {
  const tsx = pathToFileURL(join(ROOT, "node_modules/tsx/dist/esm/index.mjs")).href;
  return run(process.execPath, ["--import", tsx, "--test"], { cwd: dir, env: operatorEnv() }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
  );
}

before(async () => {
  tmp = await mkdtemp(join(tmpdir(), "hh-generated-plugin-"));
  pluginDir = join(tmp, "acme-wifi");
  const created = await runHotspot(["plugin", "new", "acme-wifi", "--dir", pluginDir]);
  assert.equal(created.code, 0, created.stderr);
  await provideHotspotHelper(pluginDir);
});
after(() => rm(tmp, { recursive: true, force: true }));

test("a generated plugin passes `hotspot plugin test` against form-login as generated", async () => {
  const result = await runHotspot(["plugin", "test", pluginDir, "--scenario", "form-login"]);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  for (const step of ["claim", "evaluate", "authenticate", "maintain", "logoff", "credentials"]) {
    assert.match(result.stdout, new RegExp(`PASS {2}${step}`), step);
  }
  assert.match(result.stdout, /result: PASS/);
});

test("a generated plugin's own test passes: three form-login variants and an evil twin", async () => {
  const result = await npmTest(pluginDir);
  assert.equal(result.code, 0, result.stdout);
  assert.match(result.stdout, /# pass 4\n/);
  assert.match(result.stdout, /# fail 0\n/);
});

test("a generated plugin's own test fails when the plugin stops sending the password", async () => {
  const broken = join(tmp, "broken");
  const created = await runHotspot(["plugin", "new", "acme-wifi", "--dir", broken]);
  assert.equal(created.code, 0, created.stderr);
  await provideHotspotHelper(broken);
  const index = join(broken, "index.ts");
  const source = await readFile(index, "utf8");
  const sabotaged = source.replace("values[pass.name] = account.password;", 'values[pass.name] = "wrong";');
  assert.notEqual(sabotaged, source);
  await writeFile(index, sabotaged);
  const result = await npmTest(broken);
  assert.notEqual(result.code, 0);
  assert.match(result.stdout, /# fail 3\n/);
  assert.match(result.stdout, /authenticate fail: failure: the portal refused the account/);
});
