import type { FaultsSummary, FuzzSummary, SoakSummary } from "./hostile-summary.ts";
import type { BenchRow, BenchTable } from "./table.ts";

/**
 * Merges what the fault suite, the fuzz run and the soak wrote into one bench table: a row per
 * figure, with the target each runner judges itself by, so the table's verdicts agree with the
 * runners' own exit codes. Pure: the bench module runs the runners, this only formats.
 */

/** One runner's outcome: its summary when it wrote one, and how its process ended. */
export interface PartOutcome<S> {
  readonly summary?: S;
  /** Exit code, or the signal's name when it was killed. */
  readonly exit: number | string;
  /** Where its own output went, for the notes. */
  readonly log?: string;
}

export interface HostileOutcomes {
  readonly faults: PartOutcome<FaultsSummary>;
  readonly fuzz: PartOutcome<FuzzSummary>;
  readonly soak: PartOutcome<SoakSummary>;
}

/** A runner that wrote no summary (it crashed, or a dependency was missing) fails its own row. */
function missing(part: string, outcome: PartOutcome<unknown>): BenchRow {
  return {
    metric: `${part}: results written`,
    value: 0,
    unit: "runs",
    target: { min: 1 },
    note: `exited ${outcome.exit} without a summary${outcome.log ? `; its output: ${outcome.log}` : ""}`,
  };
}

function faultRows(s: FaultsSummary): { rows: BenchRow[]; notes: string[] } {
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  for (const mode of [...new Set(s.faults.map((f) => f.mode))]) {
    const mine = s.faults.filter((f) => f.mode === mode);
    const survived = mine.filter((f) => f.survived).length;
    rows.push({
      metric: `faults survived (${mode})`,
      value: survived,
      unit: `of ${mine.length}`,
      // Only the isolated host promises to survive them all; in process is the baseline.
      ...(mode === "isolated" ? { target: { min: mine.length } } : {}),
    });
    const lost = mine.filter((f) => !f.survived).map((f) => f.name);
    if (lost.length > 0) notes.push(`not survived (${mode}): ${lost.join(", ")}`);
  }
  for (const f of s.faults) {
    if (f.recoveryMs === undefined) {
      notes.push(`${f.name} (${f.mode}): no recovery measured`);
      continue;
    }
    rows.push({ metric: `recovery: ${f.name} (${f.mode})`, value: Math.round(f.recoveryMs), unit: "ms" });
  }
  return { rows, notes };
}

function fuzzRows(s: FuzzSummary): { rows: BenchRow[]; notes: string[] } {
  // fast-check stops a target at its first failing case, so a failure also shows as too few cases.
  const rows: BenchRow[] = s.targets.map((t) => ({
    metric: `fuzz cases: ${t.name}`,
    value: t.cases,
    unit: "cases",
    target: { min: s.runs },
  }));
  const failed = s.targets.filter((t) => t.failures > 0);
  rows.push({ metric: "fuzz targets failed", value: failed.length, unit: "targets", target: { max: 0 } });
  const notes = [
    `fuzz: ${s.runs.toLocaleString("en-US")} cases per target, seed ${s.seed} (HOTSPOT_FUZZ_SEED replays it)`,
  ];
  if (failed.length > 0) notes.push(`fuzz failed: ${failed.map((t) => t.name).join(", ")}`);
  return { rows, notes };
}

function soakRows(s: SoakSummary): { rows: BenchRow[]; notes: string[] } {
  const rows: BenchRow[] = [];
  const notes = [
    `soak: scale ${s.scale}, ${s.simulatedDays.toFixed(1)} simulated days; trend from the end of the warm-up to the end of the run`,
  ];
  const t = s.trend;
  if (t) {
    rows.push(
      { metric: "soak events after warm-up", value: t.events, unit: "events" },
      { metric: "soak heap at start", value: t.heapStartMiB, unit: "MiB" },
      {
        metric: "soak heap at end",
        value: t.heapEndMiB,
        unit: "MiB",
        target: { max: t.heapStartMiB + s.runHeapBoundMiB },
      },
      { metric: "soak heap slope", value: t.slope, unit: "MiB/1k events" },
      { metric: "soak match rules (daemon) at start", value: t.rulesStart, unit: "rules" },
      {
        metric: "soak match rules (daemon) at end",
        value: t.rulesEnd,
        unit: "rules",
        target: { max: t.rulesStart },
      },
      { metric: "soak match rules (bus) at start", value: t.busRulesStart, unit: "rules" },
      {
        metric: "soak match rules (bus) at end",
        value: t.busRulesEnd,
        unit: "rules",
        target: { max: t.busRulesStart },
      },
      { metric: "soak real timers at start", value: t.timersStart, unit: "timers" },
      {
        metric: "soak real timers at end",
        value: t.timersEnd,
        unit: "timers",
        target: { max: t.timersStart + s.timerSlack },
      },
      {
        metric: "soak sessions ok",
        value: t.checksOk,
        unit: `of ${t.checks} checks`,
        target: { min: t.checks },
      },
    );
  } else {
    notes.push("soak: the run never got past its warm-up, so there is no trend");
  }
  const problems = Object.values(s.problems).reduce((sum, n) => sum + n, 0);
  rows.push(
    { metric: "soak problems the daemon reported", value: problems, unit: "problems", target: { max: 0 } },
    { metric: "soak bounds broken", value: s.failures.length, unit: "bounds", target: { max: 0 } },
  );
  notes.push(...s.failures.slice(0, 10).map((f) => `soak broke: ${f}`));
  return { rows, notes };
}

/** Where each runner's own table went, with more columns than the merged one. */
function logs(o: HostileOutcomes): string[] {
  const files = [o.faults.log, o.fuzz.log, o.soak.log].filter((l) => l !== undefined);
  return files.length > 0 ? [`the runners' own tables: ${files.join(", ")}`] : [];
}

/** The one hostile-world table. */
export function hostileTable(o: HostileOutcomes): BenchTable {
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  const parts = [
    ["faults", o.faults, o.faults.summary && faultRows(o.faults.summary)],
    ["fuzz", o.fuzz, o.fuzz.summary && fuzzRows(o.fuzz.summary)],
    ["soak", o.soak, o.soak.summary && soakRows(o.soak.summary)],
  ] as const;
  for (const [part, outcome, made] of parts) {
    if (!made) {
      rows.push(missing(part, outcome));
      continue;
    }
    rows.push(...made.rows);
    notes.push(...made.notes);
    if (outcome.exit !== 0) notes.push(`${part} exited ${outcome.exit}`);
  }
  notes.push(
    "recovery: from the daemon's → Authenticating with the faulty plugin to its next state (for an import fault, daemon spawn to started); see docs/faults.md",
    ...logs(o),
  );
  return { title: "Hostile world: faults, fuzzing, soak", rows, notes };
}
