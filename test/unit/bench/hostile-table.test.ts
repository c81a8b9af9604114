import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { faultsSummarySchema, type SoakSummary } from "../../../bench/hostile-summary.ts";
import { type HostileOutcomes, hostileTable } from "../../../bench/hostile-table.ts";
import { type BenchTable, renderTable, rowPassed } from "../../../bench/table.ts";

const soak: SoakSummary = {
  kind: "soak",
  scale: 1,
  simulatedDays: 3.2,
  runHeapBoundMiB: 8,
  timerSlack: 2,
  trend: {
    events: 18_000,
    heapStartMiB: 40,
    heapEndMiB: 41.5,
    slope: 0.02,
    rulesStart: 6,
    rulesEnd: 6,
    busRulesStart: 11,
    busRulesEnd: 11,
    timersStart: 3,
    timersEnd: 4,
    checks: 120,
    checksOk: 120,
  },
  problems: {},
  failures: [],
};

const good: HostileOutcomes = {
  faults: {
    exit: 0,
    summary: {
      kind: "faults",
      faults: [
        { name: "throws", mode: "in-process", survived: true, recoveryMs: 12.4 },
        { name: "exits", mode: "in-process", survived: false },
        { name: "throws", mode: "isolated", survived: true, recoveryMs: 40.6, restartMs: 900 },
        { name: "exits", mode: "isolated", survived: true, recoveryMs: 2_300 },
      ],
    },
  },
  fuzz: {
    exit: 0,
    summary: {
      kind: "fuzz",
      seed: 42,
      runs: 500,
      targets: [
        { name: "wispr", cases: 500, failures: 0, maxMs: 1.2 },
        { name: "rfc8908", cases: 500, failures: 0, maxMs: 0.4 },
      ],
    },
  },
  soak: { exit: 0, summary: soak },
};

const row = (t: BenchTable, metric: string) => {
  const r = t.rows.find((x) => x.metric === metric);
  assert.ok(r, `no row ${metric} in\n${renderTable(t)}`);
  return r;
};
const failing = (t: BenchTable): string[] =>
  t.rows.filter((r) => rowPassed(r) === false).map((r) => r.metric);

describe("the hostile-world table", () => {
  test("counts faults survived per host mode, and only the isolated host must survive them all", () => {
    const t = hostileTable(good);
    assert.equal(row(t, "faults survived (isolated)").value, 2);
    assert.equal(row(t, "faults survived (isolated)").unit, "of 2");
    assert.equal(row(t, "faults survived (in-process)").value, 1);
    assert.equal(rowPassed(row(t, "faults survived (in-process)")), undefined);
    assert.deepEqual(failing(t), []);
    assert.ok(t.notes?.includes("not survived (in-process): exits"));
  });

  test("shows each measured recovery in whole milliseconds and says which fault had none", () => {
    const t = hostileTable(good);
    assert.equal(row(t, "recovery: throws (isolated)").value, 41);
    assert.equal(row(t, "recovery: exits (isolated)").value, 2_300);
    assert.equal(
      t.rows.some((r) => r.metric === "recovery: exits (in-process)"),
      false,
    );
    assert.ok(t.notes?.some((n) => n.startsWith("exits (in-process): no recovery measured")));
  });

  test("a fuzz target that stopped early on a failure fails its cases row and the failed count", () => {
    const fuzz = good.fuzz.summary;
    assert.ok(fuzz);
    const t = hostileTable({
      ...good,
      fuzz: {
        exit: 1,
        summary: {
          ...fuzz,
          targets: [fuzz.targets[0], { name: "rfc8908", cases: 37, failures: 1, maxMs: 3 }].flatMap((x) =>
            x ? [x] : [],
          ),
        },
      },
    });
    assert.deepEqual(failing(t), ["fuzz cases: rfc8908", "fuzz targets failed"]);
    assert.ok(t.notes?.includes("fuzz failed: rfc8908"));
    assert.ok(t.notes?.includes("fuzz exited 1"));
  });

  test("soak rows carry the soak's own bounds: heap growth, match rules, timers with slack, sessions", () => {
    const trend = soak.trend;
    assert.ok(trend);
    const ok = hostileTable(good);
    assert.equal(row(ok, "soak heap at end").value, 41.5);
    assert.deepEqual(row(ok, "soak heap at end").target, { max: 48 });
    assert.equal(row(ok, "soak sessions ok").unit, "of 120 checks");
    const bad = hostileTable({
      ...good,
      soak: {
        exit: 1,
        summary: {
          ...soak,
          trend: { ...trend, heapEndMiB: 49, rulesEnd: 7, timersEnd: 6, checksOk: 119 },
          problems: { HH_EXAMPLE: 2 },
          failures: ["run: heap grew 9.0 MiB (bound 8)"],
        },
      },
    });
    assert.deepEqual(failing(bad), [
      "soak heap at end",
      "soak match rules (daemon) at end",
      "soak real timers at end",
      "soak sessions ok",
      "soak problems the daemon reported",
      "soak bounds broken",
    ]);
    assert.ok(bad.notes?.includes("soak broke: run: heap grew 9.0 MiB (bound 8)"));
  });

  test("a runner that wrote no summary fails a row naming its exit and log, and the others still show", () => {
    const t = hostileTable({ ...good, soak: { exit: "SIGKILL", log: "/tmp/x/soak.log" } });
    const r = row(t, "soak: results written");
    assert.equal(rowPassed(r), false);
    assert.match(r.note ?? "", /exited SIGKILL without a summary; its output: \/tmp\/x\/soak\.log/);
    assert.equal(row(t, "fuzz cases: wispr").value, 500);
    assert.ok(t.notes?.includes("the runners' own tables: /tmp/x/soak.log"));
    assert.match(renderTable(t), /\| soak: results written +\| +0 runs \| ≥ 1 runs +\| FAIL +\|/);
  });

  test("the summary schema rejects a runner's file of the wrong shape", () => {
    assert.equal(faultsSummarySchema.safeParse({ kind: "faults", faults: [{ name: "x" }] }).success, false);
    assert.equal(faultsSummarySchema.safeParse({ kind: "fuzz", faults: [] }).success, false);
  });
});
