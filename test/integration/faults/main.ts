import { writeSummary } from "../../../bench/hostile-summary.ts";
import { FAULTS, HOST_MODES, type HostMode } from "./catalogue.ts";
import { type FaultReport, runFault } from "./run-fault.ts";
import { renderFaultTable } from "./table.ts";

/**
 * `npm run faults [-- NAME...] [-- --mode in-process|isolated]`: every fault (or those named)
 * against a real daemon in each host mode on main, then the table. Exits 1 when a fault was
 * not survived in a mode that is meant to survive all of them (the isolated host), so the
 * in-process baseline can be printed without failing the run. With HOTSPOT_SUMMARY_JSON set,
 * also writes the results there as JSON (what `npm run hostile` reads).
 */
const args = process.argv.slice(2);
const modeArg = args.indexOf("--mode");
const modes: readonly HostMode[] =
  modeArg >= 0 ? HOST_MODES.filter((m) => m === args[modeArg + 1]) : HOST_MODES;
const names = args.filter((a, i) => !a.startsWith("--") && (modeArg < 0 || i !== modeArg + 1));
const faults = FAULTS.filter((f) => names.length === 0 || names.includes(f.name));
if (faults.length === 0 || modes.length === 0) {
  console.error(
    `usage: npm run faults -- [${FAULTS.map((f) => f.name).join("|")}]... [--mode ${HOST_MODES.join("|")}]`,
  );
  process.exit(2);
}

const reports: FaultReport[] = [];
for (const mode of modes) {
  for (const fault of faults) {
    process.stderr.write(`${fault.name} (${mode})... `);
    const report = await runFault(fault, mode);
    process.stderr.write(`${report.survived ? "survived" : "NOT survived"}\n`);
    reports.push(report);
  }
}
console.log(renderFaultTable(reports));
writeSummary({
  kind: "faults",
  faults: reports.map((r) => ({
    name: r.fault.name,
    mode: r.mode,
    survived: r.survived,
    ...(r.recoveryMs === undefined ? {} : { recoveryMs: r.recoveryMs }),
    ...(r.restartMs === undefined ? {} : { restartMs: r.restartMs }),
    ...(r.quarantineMs === undefined ? {} : { quarantineMs: r.quarantineMs }),
  })),
});
if (reports.some((r) => r.mode === "isolated" && !r.survived)) process.exitCode = 1;
