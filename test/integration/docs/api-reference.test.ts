import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { HOOK_NAMES } from "../../../src/helper-api/plugin.ts";

const ROOT = join(import.meta.dirname, "../../..");
let out = "";

before(async () => {
  out = await mkdtemp(join(tmpdir(), "hh-api-docs-"));
  await promisify(execFile)("npm", ["run", "--silent", "docs", "--", "--out", out], { cwd: ROOT });
});
after(() => rm(out, { recursive: true, force: true }));

const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, " ")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, " ");

test("npm run docs (runs TypeDoc: seconds) documents definePlugin with its JSDoc", async () => {
  const page = text(await readFile(join(out, "functions/definePlugin.html"), "utf8"));
  assert.match(page, /definePlugin/);
  assert.match(page, /Types flow from configSchema and credentialsSchema into every hook's context/);
});

test("the API reference documents every hook of PluginDefinition with its JSDoc", async () => {
  const html = await readFile(join(out, "interfaces/PluginDefinition.html"), "utf8");
  for (const hook of HOOK_NAMES) assert.match(html, new RegExp(`id="${hook.toLowerCase()}"`), hook);
  const page = text(html);
  assert.match(page, /Log in\. Called on the winning plugin only\./);
  assert.match(page, /the first high ends evaluation/);
});

test("the API reference lists the SDK entry's result types and leaves zod's own API out", async () => {
  const index = text(await readFile(join(out, "index.html"), "utf8"));
  for (const name of [
    "AuthenticateResult",
    "EvaluateResult",
    "MaintainResult",
    "LogoffResult",
    "Confidence",
  ]) {
    assert.match(index, new RegExp(`\\b${name}\\b`), name);
  }
  assert.doesNotMatch(index, /\bZodType\b/);
});
