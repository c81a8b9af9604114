#!/usr/bin/env node
// Compiles what the package ships: src/ to dist/ (JavaScript + .d.ts) and the bundled
// plugins to dist/plugins/ (JavaScript, with their harness.config.json next to them).
//
// Why two programs: src/ compiles with rootDir src, so dist/ has the same depth as src/ and
// every `new URL("../../fixtures/…", import.meta.url)` in the sources still reaches the
// package root. The plugins import "hotspot-helper/sdk" like an operator's plugin would, so
// they compile against dist/sdk.d.ts, which the first program has just written.
//
// `--optional` (the `prepare` script) skips the build when TypeScript is not installed
// (`npm ci --omit=dev` in a checkout), since a checkout runs its sources through tsx anyway.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
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
