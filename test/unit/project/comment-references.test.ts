import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const FOLDERS = ["src", "plugins", "test", "bench", "scripts", "bin"];
const SOURCE = /\.(ts|mts|cts|js|mjs|cjs|sh)$/;

/** References a reader of the repo cannot follow: tracker numbers and documents kept elsewhere. */
const OUTSIDE = [
  new RegExp(["\\bissue", "s? #?\\d"].join(""), "i"),
  new RegExp(["[\\w-]+/[\\w-]+", "#\\d+"].join("")),
  new RegExp(["\\b(PROTOCOLS|DESIGN|TESTING|STYLE)", "\\.md\\b"].join("")),
  new RegExp(["/work", "/shared"].join("")),
];

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const e of entries) {
    if (e.name === "node_modules" || e.name.startsWith(".")) continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await files(path)));
    else if (SOURCE.test(e.name)) out.push(path);
  }
  return out;
}

/** The comment text of a line: after `//`, or inside a block comment (lines starting with `*` or `/*`), or a shell `#`. */
function commentOf(line: string, shell: boolean): string | undefined {
  const trimmed = line.trim();
  if (trimmed.startsWith("*") || trimmed.startsWith("/*")) return trimmed;
  if (shell && trimmed.startsWith("#")) return trimmed;
  const at = line.indexOf("// ");
  return at >= 0 ? line.slice(at) : undefined;
}

test("code comments point only at files in the repo, never at tracker numbers or outside documents", async () => {
  const found: string[] = [];
  for (const folder of FOLDERS) {
    for (const file of await files(join(ROOT, folder))) {
      const lines = (await readFile(file, "utf8")).split("\n");
      lines.forEach((line, i) => {
        const comment = commentOf(line, file.endsWith(".sh"));
        if (comment && OUTSIDE.some((re) => re.test(comment)))
          found.push(`${relative(ROOT, file)}:${i + 1}: ${comment}`);
      });
    }
  }
  assert.deepEqual(found, []);
});
