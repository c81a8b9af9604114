import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isHotspotError } from "../../../src/errors.ts";
import { runHook } from "../../../src/helper-api/hook-runner.ts";
import { evaluateResultSchema } from "../../../src/helper-api/results.ts";

const plugin = { id: "fixture-plugin" };
const base = { plugin, hook: "evaluate" as const, timeoutMs: 1000, schema: evaluateResultSchema };

describe("runHook", () => {
  test("resolves with the validated result", async () => {
    const result = await runHook({
      ...base,
      invoke: async () => ({ confidence: "high", reason: "portal seen" }),
    });
    assert.deepEqual(result, { confidence: "high", reason: "portal seen" });
  });

  test("accepts a plain, non-promise return value", async () => {
    const result = await runHook({ ...base, invoke: () => ({ confidence: "low" }) });
    assert.deepEqual(result, { confidence: "low" });
  });

  test("a result failing the schema is HH_PLUGIN_RESULT_INVALID naming plugin, hook and field", async () => {
    await assert.rejects(
      runHook({ ...base, invoke: async () => ({ confidence: "certain" }) }),
      (e: unknown) =>
        isHotspotError(e, "HH_PLUGIN_RESULT_INVALID") &&
        e.params.plugin === "fixture-plugin" &&
        e.params.hook === "evaluate" &&
        e.params.field === "confidence",
    );
  });

  test("a rejected promise is HH_PLUGIN_HOOK_FAILED with the thrown error as cause", async () => {
    const boom = new Error("portal exploded");
    await assert.rejects(
      runHook({ ...base, invoke: async () => Promise.reject(boom) }),
      (e: unknown) =>
        isHotspotError(e, "HH_PLUGIN_HOOK_FAILED") &&
        e.cause === boom &&
        e.message.includes("portal exploded"),
    );
  });

  test("a synchronous throw is HH_PLUGIN_HOOK_FAILED too", async () => {
    await assert.rejects(
      runHook({
        ...base,
        invoke: () => {
          throw new TypeError("not async");
        },
      }),
      (e: unknown) => isHotspotError(e, "HH_PLUGIN_HOOK_FAILED") && e.params.reason === "not async",
    );
  });

  test("a hook that never answers times out at the deadline and its signal is aborted", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    let seen: AbortSignal | undefined;
    const run = runHook({
      ...base,
      invoke: (signal) => {
        seen = signal;
        return new Promise(() => {});
      },
    });
    t.mock.timers.tick(999);
    assert.equal(seen?.aborted, false);
    t.mock.timers.tick(1);
    await assert.rejects(
      run,
      (e: unknown) =>
        isHotspotError(e, "HH_PLUGIN_HOOK_TIMEOUT") && e.params.ms === 1000 && e.params.hook === "evaluate",
    );
    assert.equal(seen?.aborted, true);
  });

  test("timed out, threw and returned an invalid result read differently", async (t) => {
    const invalid = runHook({ ...base, invoke: async () => ({ confidence: "certain" }) });
    const threw = runHook({ ...base, invoke: async () => Promise.reject(new Error("portal exploded")) });
    const messages = await Promise.all([invalid, threw].map((p) => p.then(String, (e: Error) => e.message)));
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const hung = runHook({ ...base, invoke: () => new Promise(() => {}) });
    t.mock.timers.tick(1000);
    messages.push(await hung.then(String, (e: Error) => e.message));
    assert.match(
      messages[0] ?? "",
      /^plugin fixture-plugin: evaluate returned an invalid result: confidence: /,
    );
    assert.equal(messages[1], "plugin fixture-plugin: evaluate threw: portal exploded");
    assert.equal(messages[2], "plugin fixture-plugin: evaluate timed out after 1000 ms");
  });

  test("an answer after the deadline is ignored", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    let answer: (v: unknown) => void = () => {};
    const run = runHook({ ...base, invoke: () => new Promise((r) => (answer = r)) });
    t.mock.timers.tick(1000);
    answer({ confidence: "high" });
    await assert.rejects(run, (e: unknown) => isHotspotError(e, "HH_PLUGIN_HOOK_TIMEOUT"));
  });

  test("the outer signal cancels the call at once, aborting the hook's signal", async () => {
    const outer = new AbortController();
    let seen: AbortSignal | undefined;
    const run = runHook({
      ...base,
      signal: outer.signal,
      invoke: (signal) => {
        seen = signal;
        return new Promise(() => {});
      },
    });
    outer.abort(new Error("network left"));
    await assert.rejects(
      run,
      (e: unknown) => isHotspotError(e, "HH_PLUGIN_HOOK_CANCELLED") && e.message.includes("network left"),
    );
    assert.equal(seen?.aborted, true);
  });

  test("an already aborted outer signal cancels without calling the hook", async () => {
    let called = false;
    await assert.rejects(
      runHook({
        ...base,
        signal: AbortSignal.abort(),
        invoke: async () => {
          called = true;
          return { confidence: "high" };
        },
      }),
      (e: unknown) => isHotspotError(e, "HH_PLUGIN_HOOK_CANCELLED"),
    );
    assert.equal(called, false);
  });

  test("a call that answers in time leaves no timer behind", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    let aborted = false;
    const result = await runHook({
      ...base,
      invoke: async (signal) => {
        signal.addEventListener("abort", () => {
          aborted = true;
        });
        return { confidence: "medium" };
      },
    });
    t.mock.timers.tick(5000);
    assert.deepEqual(result, { confidence: "medium" });
    assert.equal(aborted, false);
  });
});
