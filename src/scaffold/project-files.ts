import { PLUGIN_KEYWORD } from "../helper-api/plugin-discovery.ts";
import type { ScaffoldNames } from "./names.ts";

/**
 * The files around the plugin's index.ts: package.json, tsconfig, the harness config, the
 * plugin's own test, a README and a .gitignore. Kept as code, not as template files, so
 * they ship in the compiled package like every other module.
 */

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/**
 * `hotspot-helper` is an optional peer dependency: the host that loads the plugin provides
 * the SDK (src/helper-api/plugin-import.ts), so installing the plugin must not pull in a
 * second hotspot-helper, which npm does for a required peer. The same range is a dev
 * dependency, for the types and the harness the plugin's test runs against.
 */
export function packageJson(n: ScaffoldNames, hostVersion: string): string {
  const range = `^${hostVersion}`;
  return json({
    name: n.packageName,
    version: "1.0.0",
    description: `hotspot-helper plugin: logs in to ${n.displayName}'s captive portal`,
    keywords: [PLUGIN_KEYWORD],
    license: "UNLICENSED",
    type: "module",
    main: "index.ts",
    files: ["index.ts", "README.md"],
    engines: { node: ">=20" },
    scripts: {
      typecheck: "tsc -p tsconfig.json",
      test: "node --test",
    },
    peerDependencies: { "hotspot-helper": range },
    peerDependenciesMeta: { "hotspot-helper": { optional: true } },
    devDependencies: { "@types/node": "^20.19.0", "hotspot-helper": range, typescript: "^7.0.2" },
  });
}

/** Strict, and checking the JavaScript test too, so a harness API change shows up in `tsc`. */
export function tsconfigJson(): string {
  return json({
    compilerOptions: {
      target: "ES2022",
      lib: ["ES2023"],
      module: "NodeNext",
      moduleResolution: "NodeNext",
      types: ["node"],
      strict: true,
      noUncheckedIndexedAccess: true,
      exactOptionalPropertyTypes: true,
      verbatimModuleSyntax: true,
      isolatedModules: true,
      allowJs: true,
      checkJs: true,
      skipLibCheck: true,
      noEmit: true,
    },
    include: ["index.ts", "test"],
  });
}

/** The harness serves plain HTTP on 127.0.0.1: point the plugin there for test runs. */
export function harnessConfigJson(): string {
  return json({ portalHost: "127.0.0.1", allowHttp: true });
}

export const TEST_FILE = "test/plugin.test.js";

/**
 * The plugin's own test, in JavaScript so `node --test` runs it on every Node version
 * without a loader; the harness loads the TypeScript plugin itself.
 */
export function pluginTest(n: ScaffoldNames): string {
  return `import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { runPluginTest } from "hotspot-helper/harness";

// What \`hotspot plugin test\` does from the command line, as a function: the plugin runs
// against a simulated portal on loopback, and each step is judged by what the portal and a
// fresh connectivity probe say, not by what the plugin answers.
const pluginDir = fileURLToPath(new URL("..", import.meta.url));
const pluginConfig = JSON.parse(await readFile(new URL("../harness.config.json", import.meta.url), "utf8"));

/** @param {import("hotspot-helper/harness").PluginTestReport} report */
const steps = (report) => report.steps.map((s) => s.step + " " + s.status + ": " + s.detail).join("\\n");

for (const scenario of ["form-login", "form-login:two-step", "form-login:direct"]) {
  test("${n.id} logs in to " + scenario + ", keeps the session and logs off", async () => {
    const report = await runPluginTest({ pluginDir, scenario, pluginConfig });
    const failed = report.steps.filter((s) => s.status !== "pass");
    assert.deepEqual(failed, [], steps(report));
    assert.equal(report.ok, true);
  });
}

test("${n.id} refuses an evil twin of its portal and sends it nothing", async () => {
  const report = await runPluginTest({ pluginDir, scenario: "hostile:evil-twin", pluginConfig, expect: "declined" });
  assert.equal(report.ok, true, steps(report));
  assert.equal(report.steps.find((s) => s.step === "credentials")?.status, "pass", steps(report));
});
`;
}

export function gitignore(): string {
  return "node_modules/\n*.tgz\n";
}
