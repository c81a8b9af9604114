import assert from "node:assert/strict";
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { guideScript, testedShellBlocks } from "../../support/guide-blocks.ts";
import {
  type CommandRun,
  type InstalledPackage,
  installedPackage,
  run,
} from "../../support/installed-package.ts";

let pkg: InstalledPackage;
let tmp = "";
let pluginDir = "";
let env: NodeJS.ProcessEnv = {};
const GUIDE = join(import.meta.dirname, "../../../docs/plugins.md");

const inPlugin = (dir: string, command: string, args: readonly string[]): Promise<CommandRun> =>
  run(command, args, dir, env);
const show = (r: CommandRun) => `exit ${r.code}\n${r.stdout}\n${r.stderr}`;

/** A copy of the generated plugin sharing its node_modules, with `index.ts` edited. */
async function sabotaged(name: string, from: string, to: string): Promise<string> {
  const dir = join(tmp, name);
  await cp(pluginDir, dir, { recursive: true, filter: (src) => !src.includes("node_modules") });
  await symlink(join(pluginDir, "node_modules"), join(dir, "node_modules"));
  const source = await readFile(join(dir, "index.ts"), "utf8");
  assert.ok(source.includes(from), `index.ts no longer contains ${from}`);
  await writeFile(join(dir, "index.ts"), source.replace(from, to));
  return dir;
}

before(async () => {
  pkg = await installedPackage();
  // A shell's environment: `node --test` under a test runner would report to that runner.
  const { NODE_TEST_CONTEXT: _, ...rest } = pkg.env;
  env = rest;
  tmp = await mkdtemp(join(tmpdir(), "hh-generated-plugin-"));
  pluginDir = join(tmp, "acme-wifi");
  const created = await pkg.hotspot(["plugin", "new", "acme-wifi", "--dir", pluginDir], tmp);
  assert.equal(created.code, 0, show(created));
  // What the operator runs next; before hotspot-helper is on a registry, from its tarball.
  const installed = await inPlugin(pluginDir, "npm", [
    "install",
    "--prefer-offline",
    "--no-audit",
    "--no-fund",
    "--save-dev",
    pkg.tarball,
  ]);
  assert.equal(installed.code, 0, show(installed));
});
after(() => rm(tmp, { recursive: true, force: true }));

test("the generated plugin and its test type-check with its own tsc against the installed package's types (packs and installs: slow)", async () => {
  const result = await inPlugin(pluginDir, process.execPath, ["node_modules/typescript/bin/tsc", "-p", "."]);
  assert.equal(result.code, 0, show(result));
});

test("the type-check fails when the plugin answers a confidence the SDK does not know", async () => {
  const dir = await sabotaged(
    "bad-type",
    'return { confidence: "high" };',
    'return { confidence: "certain" };',
  );
  const result = await inPlugin(dir, process.execPath, ["node_modules/typescript/bin/tsc", "-p", "."]);
  assert.notEqual(result.code, 0, show(result));
  assert.match(
    result.stdout,
    /index\.ts\(\d+,\d+\): error TS2322: [\s\S]*Type '"certain"' is not assignable/,
  );
});

test("npm test passes as generated: three form-login variants and an evil twin", async () => {
  const result = await inPlugin(pluginDir, "npm", ["test"]);
  assert.equal(result.code, 0, show(result));
  assert.match(result.stdout, /# pass 4\n/);
  assert.match(result.stdout, /# fail 0\n/);
});

test("npm test fails when the plugin stops sending the password", async () => {
  const dir = await sabotaged(
    "bad-login",
    "values[pass.name] = account.password;",
    'values[pass.name] = "wrong";',
  );
  const result = await inPlugin(dir, "npm", ["test", "--", "--test-name-pattern", "to form-login,"]);
  assert.notEqual(result.code, 0, show(result));
  assert.match(result.stdout, /# fail 1\n/);
  assert.match(result.stdout, /authenticate fail: failure: the portal refused the account/);
});

test("`hotspot plugin test` passes a freshly generated plugin with no node_modules: the host provides the SDK", async () => {
  const dir = join(tmp, "fresh");
  const created = await pkg.hotspot(["plugin", "new", "fresh-net", "--dir", dir], tmp);
  assert.equal(created.code, 0, show(created));
  const result = await pkg.hotspot(["plugin", "test", ".", "--scenario", "form-login"], dir);
  assert.equal(result.code, 0, show(result));
  for (const step of ["claim", "evaluate", "authenticate", "maintain", "logoff", "credentials"]) {
    assert.match(result.stdout, new RegExp(`PASS {2}${step}`), step);
  }
});

describe("docs/plugins.md", () => {
  test("its sh test blocks cover creating, testing, installing and publishing", async () => {
    const blocks = testedShellBlocks(await readFile(GUIDE, "utf8")).join("\n");
    for (const command of [
      "hotspot plugin new acme-wifi",
      "hotspot plugin test acme-wifi --scenario form-login",
      "npm test",
      "npm pack",
      "hotspot plugins",
      "npm publish --dry-run",
    ]) {
      assert.ok(blocks.includes(command), command);
    }
  });

  test("runs as written against the installed package, in a fresh folder and a fresh plugin folder of the user's", async () => {
    const home = join(tmp, "guide");
    await mkdir(join(home, "work"), { recursive: true });
    const script = guideScript(testedShellBlocks(await readFile(GUIDE, "utf8")));
    const result = await run("bash", ["-c", script], join(home, "work"), {
      ...env,
      PATH: [dirname(pkg.bin), env.PATH ?? ""].join(delimiter),
      HOTSPOT_HELPER: pkg.tarball,
      XDG_DATA_HOME: join(home, "data"),
      XDG_CONFIG_HOME: join(home, "config"),
      HOTSPOT_HELPER_SYSROOT: join(home, "sysroot"),
    });
    assert.equal(result.code, 0, show(result));
    assert.match(result.stdout, /### all blocks passed/);
    assert.match(result.stdout, /PASS {2}authenticate/);
    assert.match(result.stdout, /# pass 4\n/);
    assert.match(
      result.stdout,
      /^acme-wifi +Acme Wifi +1\.0\.0 .* user +\S+hotspot-helper-plugin-acme-wifi/m,
    );
  });
});
