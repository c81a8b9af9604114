import { writeFileSync } from "node:fs";
import { z } from "zod";

/**
 * What `npm run faults`, `npm run fuzz` and the soak (`test/soak/main.ts`) write as JSON when
 * HOTSPOT_SUMMARY_JSON names a file, so the hostile-world bench reads their results as data
 * instead of scraping their human tables. Each runner writes its own shape; the bench
 * validates what it reads with these schemas, since the file comes from another process.
 */

export const SUMMARY_ENV = "HOTSPOT_SUMMARY_JSON";

export const faultsSummarySchema = z.object({
  kind: z.literal("faults"),
  faults: z.array(
    z.object({
      name: z.string(),
      mode: z.string(),
      survived: z.boolean(),
      recoveryMs: z.number().optional(),
      restartMs: z.number().optional(),
      quarantineMs: z.number().optional(),
    }),
  ),
});
export type FaultsSummary = z.infer<typeof faultsSummarySchema>;

export const fuzzSummarySchema = z.object({
  kind: z.literal("fuzz"),
  seed: z.number(),
  /** Cases asked of each target. */
  runs: z.number(),
  targets: z.array(
    z.object({ name: z.string(), cases: z.number(), failures: z.number(), maxMs: z.number() }),
  ),
});
export type FuzzSummary = z.infer<typeof fuzzSummarySchema>;

export const soakSummarySchema = z.object({
  kind: z.literal("soak"),
  scale: z.number(),
  simulatedDays: z.number(),
  /** The bounds the run was judged against, so the table shows the same targets. */
  runHeapBoundMiB: z.number(),
  timerSlack: z.number(),
  /** The run after its warm-up; absent when it never got past the warm-up. */
  trend: z
    .object({
      events: z.number(),
      heapStartMiB: z.number(),
      heapEndMiB: z.number(),
      slope: z.number(),
      rulesStart: z.number(),
      rulesEnd: z.number(),
      busRulesStart: z.number(),
      busRulesEnd: z.number(),
      timersStart: z.number(),
      timersEnd: z.number(),
      checks: z.number(),
      checksOk: z.number(),
    })
    .optional(),
  /** Codes of problems the daemon reported, with how often. */
  problems: z.record(z.string(), z.number()),
  /** Every bound the run broke, in words (the soak's own judgement). */
  failures: z.array(z.string()),
});
export type SoakSummary = z.infer<typeof soakSummarySchema>;

/** Writes `summary` where HOTSPOT_SUMMARY_JSON says; does nothing when it is unset. */
export function writeSummary(summary: FaultsSummary | FuzzSummary | SoakSummary): void {
  const path = process.env[SUMMARY_ENV];
  if (path) writeFileSync(path, `${JSON.stringify(summary, null, 2)}\n`);
}
