import { readdir } from "node:fs/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type BenchTable, renderTable, rowPassed } from "./table.ts";

/**
 * Runs every `bench/*.bench.ts` (or those whose names contain an argument), prints each
 * table, and exits 1 when any target was missed. Run it as `npm run bench` (which passes
 * --expose-gc, so memory figures are taken after a full collection).
 */

const dir = fileURLToPath(new URL(".", import.meta.url));
const filters = process.argv.slice(2);
const files = (await readdir(dir))
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
  .sort();

if (files.length === 0) {
  console.error(`no benchmarks matching ${filters.join(", ") || "*.bench.ts"} in ${dir}`);
  process.exit(2);
}
if (typeof globalThis.gc !== "function") {
  console.error("note: run node with --expose-gc for steadier memory figures (npm run bench does)");
}

let failed = 0;
for (const file of files) {
  const mod: unknown = await import(pathToFileURL(`${dir}${file}`).href);
  const run = typeof mod === "object" && mod !== null && "default" in mod ? mod.default : undefined;
  if (typeof run !== "function") {
    console.error(`${file}: the default export must be an async function returning tables`);
    failed++;
    continue;
  }
  const started = performance.now();
  const tables: readonly BenchTable[] = await run();
  for (const table of tables) {
    console.log(`${renderTable(table)}\n`);
    failed += table.rows.filter((r) => rowPassed(r) === false).length;
  }
  console.log(`(${file} took ${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
}
if (failed > 0) {
  console.log(`${failed} target(s) missed`);
  process.exitCode = 1;
}
