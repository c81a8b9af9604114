#!/usr/bin/env node
// The installed `hotspot` command. The sources are TypeScript run through tsx, so register
// its loader before importing the CLI (tsx/esm/api keeps this a plain ESM entry point).
import { register } from "tsx/esm/api";

register();
const { runCli } = await import("../src/cli/main.ts");
await runCli();
