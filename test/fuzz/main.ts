import { writeSummary } from "../../bench/hostile-summary.ts";
import { type FuzzResult, MAX_CASE_MS, runTarget } from "./target.ts";
import { fuzzTargets } from "./targets.ts";

/**
 * The long fuzz run (`npm run fuzz`): every target with HOTSPOT_FUZZ_RUNS cases (default
 * 20,000; the test suite runs 2,000 each), then a table. HOTSPOT_FUZZ_SEED replays a run;
 * HOTSPOT_FUZZ_FLOOD sets the most repeats of one token in a flooded input (default 2,000).
 * Exits 1 when any target failed, after printing each counterexample. With HOTSPOT_SUMMARY_JSON
 * set, also writes the results there as JSON (what `npm run hostile` reads).
 */

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) {
    console.error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return n;
}

const runs = positiveInt("HOTSPOT_FUZZ_RUNS", 20_000);
const seedText = process.env.HOTSPOT_FUZZ_SEED;
const seed = seedText === undefined || seedText === "" ? Date.now() | 0 : Number(seedText) | 0;
console.log(
  `fuzzing ${fuzzTargets.length} targets, ${runs} cases each, seed ${seed}, case bound ${MAX_CASE_MS} ms\n`,
);

const results: FuzzResult[] = [];
const started = performance.now();
for (const t of fuzzTargets) results.push(runTarget(t, runs, seed));
const seconds = (performance.now() - started) / 1000;

const width = Math.max(...results.map((r) => r.name.length), "target".length);
const row = (cells: readonly string[]): string =>
  [cells[0]?.padEnd(width), ...cells.slice(1).map((c) => c.padStart(10))].join("  ");
console.log(row(["target", "cases", "failures", "max ms"]));
for (const r of results) console.log(row([r.name, String(r.cases), String(r.failures), r.maxMs.toFixed(2)]));
const total = results.reduce((n, r) => n + r.cases, 0);
const failed = results.filter((r) => r.failures > 0);
console.log(
  row(["total", String(total), String(failed.length), Math.max(...results.map((r) => r.maxMs)).toFixed(2)]),
);
console.log(`\n${seconds.toFixed(1)} s`);
writeSummary({
  kind: "fuzz",
  seed,
  runs,
  targets: results.map((r) => ({ name: r.name, cases: r.cases, failures: r.failures, maxMs: r.maxMs })),
});
for (const r of failed) console.log(`\n${r.name} failed:\n${r.counterexample ?? ""}`);
process.exitCode = failed.length > 0 ? 1 : 0;
