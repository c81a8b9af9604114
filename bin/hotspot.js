#!/usr/bin/env node
// The `hotspot` command. An installed package runs the compiled dist/ (no TypeScript
// transpiler at run time). A checkout, which has src/, runs its sources through tsx, so an
// edit takes effect without a build and `npm link` tests what is in the working tree.
import { existsSync } from "node:fs";

const source = new URL("../src/cli/main.ts", import.meta.url);
if (existsSync(source)) {
  // Both of tsx's loaders, as `node --import tsx` registers them: with only the ESM one, a
  // plugin in a folder without "type": "module" is handed to require() and fails as a cycle.
  (await import("tsx/cjs/api")).register();
  (await import("tsx/esm/api")).register();
  const { runCli } = await import(source.href);
  await runCli();
} else {
  const { runCli } = await import("../dist/cli/main.js");
  await runCli();
}
