import { heapSlope, type Sample } from "./measure.ts";
import type { PhaseResult } from "./phases.ts";

/** What a soak run must stay within. */
export interface SoakBounds {
  /** Heap growth from a phase's first sample to its last (after GC). */
  readonly phaseHeapMiB: number;
  /** Heap growth from the end of the warm-up to the end of the run. */
  readonly runHeapMiB: number;
  /** Real timers a phase may end with beyond those it started with (in-flight I/O deadlines). */
  readonly timerSlack: number;
  /** Phases in which the daemon must not log in at all (the session carries over). */
  readonly noLogins: readonly string[];
  /**
   * A return to a network whose portal still remembers the device must cost no login, and
   * the run must have made some. Only where time stands still during a join: in real time a
   * session of a few seconds may end at the portal while the device comes back.
   */
  readonly noLoginOnReturn: boolean;
}

/** The run after its warm-up, first sample to last: what a combined report shows of the soak. */
export interface SoakTrend {
  readonly events: number;
  readonly heapStartMiB: number;
  readonly heapEndMiB: number;
  /** MiB per 1,000 events, least squares over every sample after the warm-up. */
  readonly slope: number;
  readonly rulesStart: number;
  readonly rulesEnd: number;
  readonly busRulesStart: number;
  readonly busRulesEnd: number;
  readonly timersStart: number;
  readonly timersEnd: number;
  readonly checks: number;
  /** Checks in which every session matched the world. */
  readonly checksOk: number;
}

export interface SoakVerdict {
  readonly table: string;
  readonly failures: readonly string[];
  /** Undefined when the run had no phase after its warm-up. */
  readonly trend?: SoakTrend;
}

const first = (r: PhaseResult): Sample => r.samples[0] as Sample;
const last = (r: PhaseResult): Sample => r.samples[r.samples.length - 1] as Sample;
const mib = (n: number): string => n.toFixed(1);
/** Checks that found nothing wrong: a check reports each wrong session as "<check>: …". */
const checksOk = (r: PhaseResult): number => r.checks - new Set(r.wrong.map((w) => w.split(":")[0])).size;

/** Judges every phase against the bounds (the warm-up only on correctness) and renders the table. */
export function judge(results: readonly PhaseResult[], bounds: SoakBounds): SoakVerdict {
  const failures: string[] = [];
  const rows = results.map((r, i) => {
    const a = first(r);
    const z = last(r);
    const fail = (why: string): void => void failures.push(`${r.phase}: ${why}`);
    failures.push(...r.wrong);
    const judged = i > 0;
    if (judged && z.rules !== a.rules) fail(`the daemon's match rules went from ${a.rules} to ${z.rules}`);
    if (judged && z.busRules > a.busRules)
      fail(`the bus's match rules went from ${a.busRules} to ${z.busRules}`);
    if (judged && z.connections > a.connections)
      fail(`bus connections went from ${a.connections} to ${z.connections}`);
    if (judged && z.timers > a.timers + bounds.timerSlack)
      fail(`real timers went from ${a.timers} to ${z.timers}`);
    if (judged && z.children > a.children) fail(`child processes went from ${a.children} to ${z.children}`);
    if (judged && z.heapMiB - a.heapMiB > bounds.phaseHeapMiB)
      fail(`heap grew ${mib(z.heapMiB - a.heapMiB)} MiB (bound ${bounds.phaseHeapMiB})`);
    if (bounds.noLogins.includes(r.phase) && r.logins > 0)
      fail(`${r.logins} login(s) where the session should carry over`);
    if (bounds.noLoginOnReturn && r.returnLogins > 0)
      fail(`${r.returnLogins} login(s) on returns to a network whose portal still remembered the device`);
    return [
      r.phase,
      r.events.toLocaleString("en-US"),
      mib(a.heapMiB),
      mib(z.heapMiB),
      r.slope.toFixed(2),
      `${a.rules} → ${z.rules}`,
      `${a.busRules} → ${z.busRules}`,
      `${a.connections} → ${z.connections}`,
      `${a.timers} → ${z.timers}`,
      String(z.clockTimers),
      `${a.children} → ${z.children}`,
      `${mib(a.childrenRssMiB)} → ${mib(z.childrenRssMiB)}`,
      String(r.logins),
      `${r.returns} (${r.returnLogins})`,
      `${checksOk(r)}/${r.checks}`,
    ];
  });
  const judgedRuns = results.slice(1);
  const returns = judgedRuns.reduce((sum, r) => sum + r.returns, 0);
  if (bounds.noLoginOnReturn && returns === 0)
    failures.push("no return to a network whose portal still remembered the device: A → B → A went untested");
  const series = judgedRuns.flatMap((r, i) => {
    const before = judgedRuns.slice(0, i).reduce((sum, x) => sum + x.events, 0);
    return r.samples.map((s) => ({ ...s, events: before + s.events }));
  });
  const start = series[0];
  const end = series[series.length - 1];
  let trend: SoakTrend | undefined;
  if (start && end) {
    trend = {
      events: end.events,
      heapStartMiB: start.heapMiB,
      heapEndMiB: end.heapMiB,
      slope: heapSlope(series),
      rulesStart: start.rules,
      rulesEnd: end.rules,
      busRulesStart: start.busRules,
      busRulesEnd: end.busRules,
      timersStart: start.timers,
      timersEnd: end.timers,
      checks: judgedRuns.reduce((sum, r) => sum + r.checks, 0),
      checksOk: judgedRuns.reduce((sum, r) => sum + checksOk(r), 0),
    };
    const grown = end.heapMiB - start.heapMiB;
    if (grown > bounds.runHeapMiB)
      failures.push(`run: heap grew ${mib(grown)} MiB (bound ${bounds.runHeapMiB})`);
    rows.push([
      "all after warm-up",
      end.events.toLocaleString("en-US"),
      mib(start.heapMiB),
      mib(end.heapMiB),
      trend.slope.toFixed(2),
      `${start.rules} → ${end.rules}`,
      `${start.busRules} → ${end.busRules}`,
      `${start.connections} → ${end.connections}`,
      `${start.timers} → ${end.timers}`,
      String(end.clockTimers),
      `${start.children} → ${end.children}`,
      `${mib(start.childrenRssMiB)} → ${mib(end.childrenRssMiB)}`,
      String(judgedRuns.reduce((sum, r) => sum + r.logins, 0)),
      `${returns} (${judgedRuns.reduce((sum, r) => sum + r.returnLogins, 0)})`,
      `${judgedRuns.reduce((sum, r) => sum + r.checks, 0)} checks`,
    ]);
  }
  return { table: render(HEADER, rows), failures, ...(trend ? { trend } : {}) };
}

const HEADER = [
  "phase",
  "events",
  "heap MiB start",
  "heap MiB end",
  "slope MiB/1k ev",
  "match rules (daemon)",
  "match rules (bus)",
  "bus conns",
  "timers (real)",
  "daemon timers",
  "children",
  "children RSS MiB",
  "logins",
  "returns (logins)",
  "sessions ok",
];

function render(header: readonly string[], rows: readonly string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(" | ")} |`;
  const rule = `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}
