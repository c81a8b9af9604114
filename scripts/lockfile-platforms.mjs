#!/usr/bin/env node
// Adds Biome's per-platform binaries for other systems to package-lock.json.
//
// Why: the npm registry this project's machines reach serves only the Linux glibc builds of
// @biomejs/cli-*; npm then leaves the other platforms out of the lockfile, and `npm ci`
// rejects its own lockfile as "out of sync" (an npm bug with platform-specific optional
// dependencies). Entries that name os/cpu/libc
// are what a lockfile written with the full registry holds; npm skips them on this platform
// without fetching anything. Run after any `npm install` that rewrites the lockfile.
import { readFileSync, writeFileSync } from "node:fs";

const LOCK = new URL("../package-lock.json", import.meta.url);
const PLATFORMS = {
  "android-arm64": [["android"], ["arm64"]],
  "android-x64": [["android"], ["x64"]],
  "darwin-arm64": [["darwin"], ["arm64"]],
  "darwin-x64": [["darwin"], ["x64"]],
  "linux-arm64": [["linux"], ["arm64"], ["glibc"]],
  "linux-arm64-musl": [["linux"], ["arm64"], ["musl"]],
  "linux-x64": [["linux"], ["x64"], ["glibc"]],
  "linux-x64-musl": [["linux"], ["x64"], ["musl"]],
  "win32-arm64": [["win32"], ["arm64"]],
  "win32-x64": [["win32"], ["x64"]],
};

const lock = JSON.parse(readFileSync(LOCK, "utf8"));
const biome = lock.packages["node_modules/@biomejs/biome"];
if (!biome) throw new Error("package-lock.json has no @biomejs/biome");
let added = 0;
for (const [name, [os, cpu, libc]] of Object.entries(PLATFORMS)) {
  const key = `node_modules/@biomejs/cli-${name}`;
  if (!(`@biomejs/cli-${name}` in (biome.optionalDependencies ?? {})) || lock.packages[key]) continue;
  lock.packages[key] = {
    version: biome.version,
    cpu,
    dev: true,
    engines: { node: ">=14.21.3" },
    ...(libc ? { libc } : {}),
    license: "MIT OR Apache-2.0",
    optional: true,
    os,
  };
  added++;
}
const sorted = Object.keys(lock.packages).sort((a, b) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : 1));
lock.packages = Object.fromEntries(sorted.map((k) => [k, lock.packages[k]]));
writeFileSync(LOCK, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lockfile: added ${added} Biome platform entr${added === 1 ? "y" : "ies"}`);
