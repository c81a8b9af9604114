import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { z } from "zod";
import { faultsSummarySchema, fuzzSummarySchema, SUMMARY_ENV, soakSummarySchema } from "./hostile-summary.ts";
import { hostileTable, type PartOutcome } from "./hostile-table.ts";
import type { BenchTable } from "./table.ts";

/**
 * The hostile world in one table (`npm run hostile`, or within `npm run bench`): the fault
 * suite, the fuzz run and the soak, each in its own process as `npm run faults`, `fuzz` and
 * `soak` run them (the soak's heap figure is the whole process's, so it must not share one
 * with the others), each writing its results as JSON for this module to merge.
 *
 * Sizes: HOTSPOT_FUZZ_RUNS (cases per target, default 20,000) and HOTSPOT_SOAK_SCALE (default
 * 1, the full soak) pass through; HOTSPOT_HOSTILE_SHORT=1 makes their defaults 500 and 0.01
 * for a quick end-to-end look. The fault suite has no size: every fault in every host mode.
 */

const root = join(import.meta.dirname, "..");
const short = process.env.HOTSPOT_HOSTILE_SHORT === "1";
const fuzzRuns = process.env.HOTSPOT_FUZZ_RUNS || (short ? "500" : "20000");
const soakScale = process.env.HOTSPOT_SOAK_SCALE || (short ? "0.01" : "1");

async function runPart<S>(
  dir: string,
  name: string,
  script: string,
  schema: z.ZodType<S>,
  env: Record<string, string>,
): Promise<PartOutcome<S>> {
  const summary = join(dir, `${name}.json`);
  const log = join(dir, `${name}.log`);
  const fd = openSync(log, "w");
  const started = performance.now();
  process.stderr.write(`hostile: ${name}... `);
  const child = spawn(process.execPath, ["--expose-gc", "--import", "tsx", script], {
    cwd: root,
    env: { ...process.env, ...env, [SUMMARY_ENV]: summary },
    stdio: ["ignore", fd, fd],
  });
  const exit = await new Promise<number | string>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown"));
  });
  closeSync(fd);
  process.stderr.write(`exit ${exit} in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  let text: string;
  try {
    text = readFileSync(summary, "utf8");
  } catch {
    return { exit, log };
  }
  // A summary that does not parse is a runner bug: fail loudly rather than print a partial table.
  return { summary: schema.parse(JSON.parse(text)), exit, log };
}

export default async function hostile(): Promise<readonly BenchTable[]> {
  const dir = await mkdtemp(join(tmpdir(), "hotspot-hostile-"));
  const faults = await runPart(dir, "faults", "test/integration/faults/main.ts", faultsSummarySchema, {});
  const fuzz = await runPart(dir, "fuzz", "test/fuzz/main.ts", fuzzSummarySchema, {
    HOTSPOT_FUZZ_RUNS: fuzzRuns,
  });
  const soak = await runPart(dir, "soak", "test/soak/main.ts", soakSummarySchema, {
    HOTSPOT_SOAK_SCALE: soakScale,
  });
  return [hostileTable({ faults, fuzz, soak })];
}
