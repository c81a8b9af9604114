/**
 * Benchmark results as tables: one row per metric, with an optional target and a pass/fail
 * verdict, so `npm run bench` shows at a glance whether the design still meets its budget.
 */

/** A limit a metric must stay within (`max`) or reach (`min`). */
export type Target = { readonly max: number } | { readonly min: number };

export interface BenchRow {
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  readonly target?: Target;
  /** How the figure was obtained (runs, percentile of what), shown after the table. */
  readonly note?: string;
}

export interface BenchTable {
  readonly title: string;
  readonly rows: readonly BenchRow[];
  /** Lines printed under the table: set-up, caveats. */
  readonly notes?: readonly string[];
}

/** What a `bench/*.bench.ts` module exports as default. */
export type Bench = () => Promise<readonly BenchTable[]>;

/** true/false when the row has a target, undefined when it is informational. */
export function rowPassed(row: BenchRow): boolean | undefined {
  if (!row.target) return undefined;
  return "max" in row.target ? row.value <= row.target.max : row.value >= row.target.min;
}

function formatNumber(value: number): string {
  if (Number.isInteger(value)) return value.toLocaleString("en-US");
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : Math.abs(value) >= 1 ? 2 : 3;
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function formatTarget(target: Target | undefined, unit: string): string {
  if (!target) return "";
  return "max" in target ? `≤ ${formatNumber(target.max)} ${unit}` : `≥ ${formatNumber(target.min)} ${unit}`;
}

/** The table as fixed-width text. */
export function renderTable(table: BenchTable): string {
  const header = ["metric", "value", "target", "result"];
  const body = table.rows.map((row) => {
    const ok = rowPassed(row);
    return [
      row.metric,
      `${formatNumber(row.value)} ${row.unit}`,
      formatTarget(row.target, row.unit),
      ok === undefined ? "" : ok ? "pass" : "FAIL",
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => (i === 1 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join(" | ")} |`;
  const rule = `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`;
  const notes = [
    ...table.rows.filter((r) => r.note).map((r) => `${r.metric}: ${r.note}`),
    ...(table.notes ?? []),
  ];
  return [`## ${table.title}`, "", line(header), rule, ...body.map(line), "", ...notes.map((n) => `- ${n}`)]
    .join("\n")
    .trimEnd();
}
