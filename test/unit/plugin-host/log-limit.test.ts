import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { describe, type TestContext, test } from "node:test";
import {
  clip,
  clipFields,
  type DropSummary,
  LogBudget,
  MAX_LINE,
  PluginLogLimits,
} from "../../../src/plugin-host/log-limit.ts";
import { outputLines } from "../../../src/plugin-host/output-lines.ts";

const OPTIONS = { burst: 100, perSecond: 20, summaryEveryMs: 10_000 } as const;

function clock(t: TestContext): void {
  t.mock.timers.enable({ apis: ["Date", "setTimeout", "setInterval"], now: 1_000_000 });
}

function takeMany(budget: LogBudget, n: number): { passed: number; summaries: DropSummary[] } {
  let passed = 0;
  const summaries: DropSummary[] = [];
  for (let i = 0; i < n; i++) {
    const r = budget.take();
    if (r.pass) passed++;
    if (r.summary) summaries.push(r.summary);
  }
  return { passed, summaries };
}

describe("a plugin's log budget (token bucket)", () => {
  test("a burst of `burst` lines passes whole; the next line in the same instant is dropped", (t) => {
    clock(t);
    const budget = new LogBudget(OPTIONS);
    assert.deepEqual(takeMany(budget, 100), { passed: 100, summaries: [] });
    assert.deepEqual(budget.take(), { pass: false });
  });

  test("the budget refills at perSecond: 50 ms gives one more line, a second gives 20", (t) => {
    clock(t);
    const budget = new LogBudget(OPTIONS);
    takeMany(budget, 100);
    t.mock.timers.tick(49);
    assert.equal(budget.take().pass, false);
    t.mock.timers.tick(1);
    assert.equal(budget.take().pass, true);
    t.mock.timers.tick(1_000);
    assert.equal(takeMany(budget, 100).passed, 20);
  });

  test("a long silence refills to the burst and no further", (t) => {
    clock(t);
    const budget = new LogBudget(OPTIONS);
    takeMany(budget, 100);
    t.mock.timers.tick(3_600_000);
    assert.equal(takeMany(budget, 1_000).passed, 100);
  });

  test("the first line through after a second without drops carries the summary of what was dropped and over how long", (t) => {
    clock(t);
    const budget = new LogBudget(OPTIONS);
    takeMany(budget, 100);
    t.mock.timers.tick(10);
    assert.equal(takeMany(budget, 500).passed, 0);
    t.mock.timers.tick(100);
    assert.deepEqual(budget.take(), { pass: true }, "a refilled token within the flood: no summary yet");
    t.mock.timers.tick(899);
    assert.deepEqual(budget.take(), { pass: true });
    t.mock.timers.tick(1);
    const next = budget.take();
    assert.equal(next.pass, true);
    assert.deepEqual(next.summary, { dropped: 500, overMs: 1_000 });
    assert.equal(budget.take().summary, undefined, "reported once");
  });

  test("while the flood lasts, one summary per summaryEveryMs comes with a dropped line, none in between", (t) => {
    clock(t);
    const budget = new LogBudget(OPTIONS);
    const summaries: DropSummary[] = [];
    let passed = 0;
    for (let ms = 0; ms < 25_000; ms += 10) {
      const r = takeMany(budget, 50);
      passed += r.passed;
      summaries.push(...r.summaries);
      t.mock.timers.tick(10);
    }
    assert.equal(summaries.length, 2);
    assert.ok(summaries.every((s) => s.overMs >= 10_000 && s.overMs < 10_100));
    const offered = 2_500 * 50;
    const reported = summaries.reduce((n, s) => n + s.dropped, 0) + (budget.flush()?.dropped ?? 0);
    assert.equal(passed + reported, offered, "every line passed or was counted");
    assert.ok(passed <= 100 + 20 * 25, `${passed} lines passed in 25 s`);
  });

  test("flush reports what was dropped since the last summary and then nothing", (t) => {
    clock(t);
    const budget = new LogBudget(OPTIONS);
    takeMany(budget, 103);
    t.mock.timers.tick(1_500);
    assert.deepEqual(budget.flush(), { dropped: 3, overMs: 1_500 });
    assert.equal(budget.flush(), undefined);
  });

  test("a clock that goes back refills nothing and breaks nothing", (t) => {
    clock(t);
    const budget = new LogBudget(OPTIONS);
    takeMany(budget, 100);
    t.mock.timers.setTime(500_000);
    assert.equal(budget.take().pass, false);
    t.mock.timers.tick(1_000);
    assert.equal(takeMany(budget, 100).passed, 20);
  });
});

describe("every plugin's budget", () => {
  test("budgets are per plugin: one flooding does not use up another's", (t) => {
    clock(t);
    const reports: string[] = [];
    const limits = new PluginLogLimits((_p, line) => reports.push(line), OPTIONS);
    let flood = 0;
    for (let i = 0; i < 1_000; i++) if (limits.admit("flood")) flood++;
    assert.equal(flood, 100);
    assert.equal(limits.admit("quiet"), true);
    limits.flush("quiet");
    assert.deepEqual(reports, []);
  });

  test("one summary line names the plugin, the count and the time", (t) => {
    clock(t);
    const reports: { plugin: string; line: string; s: DropSummary }[] = [];
    const limits = new PluginLogLimits((plugin, line, s) => reports.push({ plugin, line, s }), OPTIONS);
    for (let i = 0; i < 1_334; i++) limits.admit("fault-floods");
    t.mock.timers.tick(3_000);
    limits.flush("fault-floods");
    limits.flush("fault-floods");
    assert.equal(reports.length, 1);
    assert.equal(reports[0]?.plugin, "fault-floods");
    assert.deepEqual(reports[0]?.s, { dropped: 1_234, overMs: 3_000 });
    assert.equal(
      reports[0]?.line,
      "plugin fault-floods: 1,234 log lines dropped in the last 3 s (over its log budget of 100 lines at once, 20 a second)",
    );
  });

  test("the summary needs no timer: nothing is scheduled while lines are dropped", (t) => {
    clock(t);
    let reported = 0;
    const limits = new PluginLogLimits(() => reported++, OPTIONS);
    for (let i = 0; i < 500; i++) limits.admit("p");
    t.mock.timers.runAll();
    assert.equal(reported, 0, "no summary without a line or a flush");
    limits.flush("p");
    assert.equal(reported, 1);
  });
});

describe("cutting long lines", () => {
  test("text up to MAX_LINE is kept; longer text is cut there with a marker", () => {
    assert.equal(clip("x".repeat(MAX_LINE)), "x".repeat(MAX_LINE));
    const cut = clip("x".repeat(MAX_LINE * 3));
    assert.equal(cut, `${"x".repeat(MAX_LINE)}… [line cut at ${MAX_LINE} characters]`);
    assert.equal(clip("short", true), `short… [line cut at ${MAX_LINE} characters]`);
  });

  test("fields whose JSON is over MAX_LINE become one cut `truncated` field; small ones stay", () => {
    assert.deepEqual(clipFields({ a: 1 }), { a: 1 });
    assert.equal(clipFields(undefined), undefined);
    const big = clipFields({ blob: "y".repeat(1_000_000) });
    assert.deepEqual(Object.keys(big ?? {}), ["truncated"]);
    assert.match(String(big?.truncated), /^\{"blob":"y+… \[line cut at 4096 characters\]$/);
    const bigint = { n: 10n };
    assert.equal(clipFields(bigint), bigint);
  });
});

describe("a process's output as lines", () => {
  const collect = async (chunks: readonly (string | Buffer)[], keep: number) => {
    const stream = new PassThrough();
    const lines: [string, number][] = [];
    const done = outputLines(stream, keep, (line, cut) => lines.push([line, cut]));
    for (const c of chunks) stream.write(c);
    stream.end();
    await done;
    return lines;
  };

  test("lines split across chunks, CRLF and a last line without newline come out whole", async () => {
    assert.deepEqual(await collect(["one\ntw", "o\r\nthr", "ee"], 100), [
      ["one", 0],
      ["two", 0],
      ["three", 0],
    ]);
  });

  test("a line longer than `keep` keeps its beginning and counts the rest, however long", async () => {
    const chunks = Array.from({ length: 100 }, () => "z".repeat(10_000));
    const lines = await collect([...chunks, "\nnext\n"], 50);
    assert.deepEqual(lines, [
      ["z".repeat(50), 1_000_000 - 50],
      ["next", 0],
    ]);
  });

  test("a multi-byte character split between chunks is decoded whole", async () => {
    const bytes = Buffer.from("café ☕\n");
    assert.deepEqual(await collect([bytes.subarray(0, 4), bytes.subarray(4, 7), bytes.subarray(7)], 100), [
      ["café ☕", 0],
    ]);
  });
});
