import type { FaultReport, PhaseLogins } from "./run-fault.ts";

/**
 * The fault table: one row per fault and host mode, then "faults survived X of Y" per mode.
 * Plain fixed-width text, like the benchmarks' tables.
 */

const ms = (v: number | undefined): string =>
  v === undefined ? "-" : `${Math.round(v).toLocaleString("en-US")} ms`;
const logins = (p: PhaseLogins): string => (p.tried === 0 ? "-" : `${p.done}/${p.tried}`);

export function renderFaultTable(reports: readonly FaultReport[]): string {
  const header = [
    "fault",
    "host",
    "survived",
    "recovery",
    "restart",
    "quarantined after",
    "then",
    "healthy before",
    "during",
    "after",
    "plugin log lines",
    "dropped",
  ];
  const rows = reports.map((r) => [
    r.fault.name,
    r.mode,
    r.survived ? "yes" : "NO",
    ms(r.recoveryMs),
    ms(r.restartMs),
    ms(r.quarantineMs),
    r.aftermath,
    logins(r.before),
    logins(r.during),
    logins(r.after),
    r.pluginLogLines.toLocaleString("en-US"),
    r.pluginLogDropped.toLocaleString("en-US"),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  const rule = `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`;
  const out = [line(header), rule, ...rows.map(line), ""];
  for (const mode of [...new Set(reports.map((r) => r.mode))]) {
    const mine = reports.filter((r) => r.mode === mode);
    out.push(`faults survived (${mode}): ${mine.filter((r) => r.survived).length} of ${mine.length}`);
  }
  const why = reports.filter((r) => !r.survived);
  if (why.length > 0) out.push("", "why not survived:");
  for (const r of why) {
    const problems = [...r.before.problems, ...r.during.problems, ...r.after.problems].filter(
      (p) => p !== "not tried",
    );
    out.push(`  ${r.fault.name} (${r.mode}): ${[r.daemonExit, ...problems].filter(Boolean).join("; ")}`);
  }
  out.push(
    "",
    "recovery: from the daemon's → Authenticating with the faulty plugin to its next state (the",
    "daemon has an answer and can call the plugin again); for an import fault, daemon spawn to started.",
    "restart: the host's line that the plugin's process ended to its line that a new one is ready.",
    "quarantined after: from the fault's start to the first line saying the plugin is quarantined.",
    "then: what a rejoin of the fault's network did afterwards. healthy: logins done/tried, judged",
    "from the portal's own request log. plugin log lines: the faulty plugin's lines in the daemon's",
    "log; dropped: those over its log budget, as the daemon's summary lines count them.",
  );
  return out.join("\n");
}
