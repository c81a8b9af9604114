#!/usr/bin/env node
// Compiles what the package ships: src/ to dist/ (JavaScript + .d.ts) and the bundled
// plugins to dist/plugins/ (JavaScript, with their harness.config.json next to them).
//
// Why two programs: src/ compiles with rootDir src, so dist/ has the same depth as src/ and
// every `new URL("../../fixtures/…", import.meta.url)` in the sources still reaches the
// package root. The plugins import "hotspot-helper/sdk" like an operator's plugin would, so
// they compile against dist/sdk.d.ts, which the first program has just written.
//
// Then the dependencies the CLI loads at start (zod, htmlparser2, semver, eventemitter3) are bundled
// into one file each under dist/vendor/ and the compiled imports of them point there: Node
// 20's ESM loader pays per module file, and zod alone is some 240 of them, most of
// `hotspot list`'s start-up. The d.ts files keep importing the packages, which stay
// dependencies for their types (and for plugins that import them themselves).
//
// `--optional` (the `prepare` script) skips the build when TypeScript is not installed
// (`npm ci --omit=dev` in a checkout), since a checkout runs its sources through tsx anyway.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DIST = join(ROOT, "dist");
const PLUGINS = join(ROOT, "plugins");

function tscPath() {
  try {
    // typescript's exports hide bin/, but its package.json is exported.
    return join(dirname(createRequire(import.meta.url).resolve("typescript/package.json")), "bin", "tsc");
  } catch {
    return undefined;
  }
}

const tsc = tscPath();
if (tsc === undefined) {
  if (process.argv.includes("--optional")) {
    console.error("build: TypeScript is not installed; skipped (the checkout runs from src/ through tsx)");
    process.exit(0);
  }
  console.error("build: TypeScript is not installed; run `npm ci` first");
  process.exit(1);
}

rmSync(DIST, { recursive: true, force: true });
for (const project of ["tsconfig.build.json", "tsconfig.plugins.json"]) {
  const run = spawnSync(process.execPath, [tsc, "-p", join(ROOT, project)], { cwd: ROOT, stdio: "inherit" });
  if (run.status !== 0) {
    console.error(`build: tsc -p ${project} failed`);
    process.exit(run.status ?? 1);
  }
}
for (const plugin of readdirSync(PLUGINS, { withFileTypes: true })) {
  if (!plugin.isDirectory()) continue;
  const config = join(PLUGINS, plugin.name, "harness.config.json");
  if (existsSync(config)) cpSync(config, join(DIST, "plugins", plugin.name, "harness.config.json"));
}

/** Package → the module esbuild bundles for it (semver and eventemitter3 are CommonJS inside). */
const VENDORED = {
  zod: 'export * from "zod";',
  htmlparser2: 'export * from "htmlparser2";',
  semver: 'export { default } from "semver";',
  eventemitter3: 'export { default, EventEmitter } from "eventemitter3";',
  // Its XML parser (some 50 files) loads with it, though only introspection uses it.
  "@jellybrick/dbus-next": 'export * from "@jellybrick/dbus-next";',
};

const esbuild = await import("esbuild");
for (const [name, contents] of Object.entries(VENDORED)) {
  await esbuild.build({
    stdin: { contents, resolveDir: ROOT, loader: "js" },
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    outfile: join(DIST, "vendor", `${name}.js`),
    logLevel: "warning",
  });
}

/** Every compiled .js file under `dir`. */
function* javascriptFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* javascriptFiles(path);
    else if (entry.name.endsWith(".js")) yield path;
  }
}

const vendorImport = new RegExp(`(from |import\\()"(${Object.keys(VENDORED).join("|")})"`, "g");
for (const file of javascriptFiles(DIST)) {
  if (file.startsWith(join(DIST, "vendor"))) continue;
  const text = readFileSync(file, "utf8");
  const rewritten = text.replace(vendorImport, (_, lead, name) => {
    const target = relative(dirname(file), join(DIST, "vendor", `${name}.js`));
    return `${lead}"${target.startsWith(".") ? target : `./${target}`}"`;
  });
  if (rewritten !== text) writeFileSync(file, rewritten);
}
