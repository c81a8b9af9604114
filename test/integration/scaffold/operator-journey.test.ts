import assert from "node:assert/strict";
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { guideScript, testedShellBlocks } from "../../support/guide-blocks.ts";
import {
  type CommandRun,
  type InstalledPackage,
  installedPackage,
  run,
} from "../../support/installed-package.ts";

/**
 * An operator's first hour, on the packed and installed product: docs/plugins.md is run as
 * written (plugin new, plugin test, npm install, typecheck, npm test, pack, install into the
 * user's plugin folder, hotspot plugins, publish --dry-run), then the plugin it generated
 * is broken on purpose to show that its type-check and its test can fail.
 */

const GUIDE = join(import.meta.dirname, "../../../docs/plugins.md");
let pkg: InstalledPackage;
let tmp = "";
let env: NodeJS.ProcessEnv = {};
let guide: CommandRun;
/** The plugin folder the guide created and installed the dev dependencies into. */
let pluginDir = "";

const show = (r: CommandRun) => `exit ${r.code}\n${r.stdout}\n${r.stderr}`;
const inDir = (dir: string, command: string, args: readonly string[]) => run(command, args, dir, env);
const typecheck = (dir: string) =>
  inDir(dir, process.execPath, ["node_modules/typescript/bin/tsc", "-p", "."]);

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
  tmp = await mkdtemp(join(tmpdir(), "hh-operator-"));
  env = {
    ...rest,
    PATH: [dirname(pkg.bin), rest.PATH ?? ""].join(delimiter),
    XDG_DATA_HOME: join(tmp, "data"),
    XDG_CONFIG_HOME: join(tmp, "config"),
    HOTSPOT_HELPER_SYSROOT: join(tmp, "sysroot"),
  };
  const work = join(tmp, "work");
  await mkdir(work);
  const script = guideScript(testedShellBlocks(await readFile(GUIDE, "utf8")));
  guide = await run("bash", ["-c", script], work, { ...env, HOTSPOT_HELPER: pkg.tarball });
  pluginDir = join(work, "acme-wifi");
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
  await pkg?.remove();
});

test("docs/plugins.md runs as written against the installed package (packs and installs: slow)", () => {
  assert.equal(guide.code, 0, show(guide));
  assert.match(guide.stdout, /### all blocks passed/);
  for (const step of ["claim", "evaluate", "authenticate", "maintain", "logoff", "credentials"]) {
    assert.match(guide.stdout, new RegExp(`PASS {2}${step}`), step);
  }
  assert.match(guide.stdout, /PASS {2}evaluate +none \(declined, as expected\)/);
  assert.match(guide.stdout, /> tsc -p tsconfig\.json\n/);
  assert.match(guide.stdout, /# pass 4\n# fail 0\n/);
  assert.match(guide.stdout, /^acme-wifi +Acme Wifi +1\.0\.0 .* user +\S+hotspot-helper-plugin-acme-wifi/m);
});

test("docs/plugins.md has sh test blocks for creating, testing, installing and publishing", async () => {
  const blocks = testedShellBlocks(await readFile(GUIDE, "utf8")).join("\n");
  for (const command of [
    "hotspot plugin new acme-wifi",
    "hotspot plugin test acme-wifi --scenario form-login",
    "--scenario hostile:evil-twin --expect declined",
    "npm run typecheck",
    "npm test",
    "npm pack",
    "hotspot plugins",
    "npm publish --dry-run",
  ]) {
    assert.ok(blocks.includes(command), command);
  }
});

test("the generated plugin's type-check fails when it answers a confidence the SDK does not know", async () => {
  const dir = await sabotaged(
    "bad-type",
    'return { confidence: "high" };',
    'return { confidence: "certain" };',
  );
  const result = await typecheck(dir);
  assert.notEqual(result.code, 0, show(result));
  assert.match(
    result.stdout,
    /index\.ts\(\d+,\d+\): error TS2322: [\s\S]*Type '"certain"' is not assignable/,
  );
});

test("the generated plugin's npm test fails when the plugin stops sending the password", async () => {
  const dir = await sabotaged(
    "bad-login",
    "values[pass.name] = account.password;",
    'values[pass.name] = "wrong";',
  );
  const result = await inDir(dir, "npm", ["test", "--", "--test-name-pattern", "to form-login,"]);
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
  assert.match(result.stdout, /result: PASS/);
});
