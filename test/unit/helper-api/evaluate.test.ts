import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { defaultUserConfig } from "../../../src/config/schema.ts";
import { evaluateCandidates } from "../../../src/helper-api/evaluate.ts";
import { loadRegistry } from "../../../src/helper-api/loader.ts";
import type { LoadedPlugin } from "../../../src/helper-api/registry-types.ts";
import { loaded, lookup, network, staticClaim, summary } from "./helpers.ts";

const meta = { version: "1.0.0", sdk: "^0.1.0" };
const never = () => new Promise<never>(() => {});

/** Calls the plugin's evaluate with a bare context (the fixtures read only the signal); the daemon builds a full one. */
function invoke(plugin: LoadedPlugin, signal: AbortSignal): unknown {
  const evaluate = plugin.definition.evaluate;
  return evaluate ? Reflect.apply(evaluate, plugin.definition, [{ signal }]) : undefined;
}

function run(plugins: LoadedPlugin[], opts: { signal?: AbortSignal; preferredPluginId?: string } = {}) {
  return evaluateCandidates({
    candidates: plugins.map((p) => staticClaim(p, "low")),
    registry: lookup(plugins),
    timeoutMs: 5000,
    invoke,
    ...opts,
  });
}

function outcomeSummary(outcomes: readonly { pluginId: string; status: string; confidence: string }[]) {
  return outcomes.map((o) => `${o.pluginId}:${o.status}:${o.confidence}`);
}

describe("evaluateCandidates", () => {
  test("a plugin without an evaluate hook keeps its static confidence", async () => {
    const plain = loaded({ id: "plain", displayName: "Plain", ...meta });
    const result = await run([plain]);
    assert.deepEqual(outcomeSummary(result.outcomes), ["plain:static:low"]);
    assert.deepEqual(summary(result.ranked), ["plain:low"]);
  });

  test("evaluate's answer replaces the static confidence and drives the ranking", async () => {
    const up = loaded({
      id: "up",
      displayName: "Up",
      ...meta,
      evaluate: async () => ({ confidence: "medium" }),
    });
    const down = loaded({
      id: "down",
      displayName: "Down",
      ...meta,
      evaluate: async () => ({ confidence: "none" }),
    });
    const result = await run([down, up]);
    assert.deepEqual(outcomeSummary(result.outcomes), ["down:answered:none", "up:answered:medium"]);
    assert.deepEqual(summary(result.ranked), ["up:medium"]);
  });

  test("a hanging plugin counts as none once its deadline passes", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const hang = loaded({ id: "hang", displayName: "Hang", ...meta, evaluate: never });
    const ok = loaded({
      id: "ok",
      displayName: "Ok",
      ...meta,
      evaluate: async () => ({ confidence: "medium" }),
    });
    let finished = false;
    const pending = run([hang, ok]).then((r) => {
      finished = true;
      return r;
    });
    await new Promise(setImmediate);
    t.mock.timers.tick(4999);
    await new Promise(setImmediate);
    assert.equal(finished, false);
    t.mock.timers.tick(1);
    const result = await pending;
    assert.deepEqual(outcomeSummary(result.outcomes), ["hang:timeout:none", "ok:answered:medium"]);
    assert.equal(result.outcomes[0]?.error?.code, "HH_PLUGIN_HOOK_TIMEOUT");
    assert.deepEqual(summary(result.ranked), ["ok:medium"]);
  });

  test("a plugin's own evaluate timeout overrides the default deadline", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const quick = loaded({
      id: "quick",
      displayName: "Q",
      ...meta,
      timeouts: { evaluate: 100 },
      evaluate: never,
    });
    const pending = run([quick]);
    t.mock.timers.tick(100);
    assert.deepEqual(outcomeSummary((await pending).outcomes), ["quick:timeout:none"]);
  });

  test("throwing and garbage-returning plugins count as none with their errors", async () => {
    const thrower = loaded({
      id: "thrower",
      displayName: "T",
      ...meta,
      evaluate: async () => {
        throw new Error("bug");
      },
    });
    const garbage = loaded({
      id: "garbage",
      displayName: "G",
      ...meta,
      evaluate: async () => JSON.parse("42"),
    });
    const result = await run([thrower, garbage]);
    assert.deepEqual(outcomeSummary(result.outcomes), ["thrower:error:none", "garbage:invalid:none"]);
    assert.equal(result.outcomes[0]?.error?.code, "HH_PLUGIN_HOOK_FAILED");
    assert.equal(result.outcomes[1]?.error?.code, "HH_PLUGIN_RESULT_INVALID");
    assert.deepEqual(result.ranked, []);
  });

  test("the first high ends evaluation early and aborts the signals of plugins it outranks", async () => {
    const signals: AbortSignal[] = [];
    const slow = (id: string) =>
      loaded({
        id,
        displayName: id,
        ...meta,
        evaluate: ({ signal }) => {
          signals.push(signal);
          return never();
        },
      });
    const winner = loaded({
      id: "aaa-winner",
      displayName: "W",
      ...meta,
      evaluate: async () => ({ confidence: "high" }),
    });
    const result = await run([slow("slow-one"), winner, slow("slow-two")]);
    assert.deepEqual(outcomeSummary(result.outcomes), [
      "slow-one:cancelled:none",
      "aaa-winner:answered:high",
      "slow-two:cancelled:none",
    ]);
    assert.deepEqual(
      signals.map((s) => s.aborted),
      [true, true],
    );
    assert.deepEqual(summary(result.ranked), ["aaa-winner:high"]);
  });

  test("a fast high still waits for a plugin that would win a tie at high, so the winner never depends on speed", async () => {
    let answer: (v: { confidence: "high" }) => void = () => {};
    const preferred = loaded({
      id: "zz-preferred",
      displayName: "P",
      ...meta,
      evaluate: () => new Promise((r) => (answer = r)),
    });
    const fast = loaded({
      id: "aa-fast",
      displayName: "F",
      ...meta,
      evaluate: async () => ({ confidence: "high" }),
    });
    let finished = false;
    const pending = run([fast, preferred], { preferredPluginId: "zz-preferred" }).then((r) => {
      finished = true;
      return r;
    });
    await new Promise(setImmediate);
    assert.equal(finished, false);
    answer({ confidence: "high" });
    const result = await pending;
    assert.deepEqual(summary(result.ranked), ["zz-preferred:high", "aa-fast:high"]);
  });

  test("a static high cancels the hooks it outranks before they are called", async () => {
    let called = false;
    const operator = loaded({ id: "operator", displayName: "O", ...meta, priority: 10 });
    const generic = loaded({
      id: "generic",
      displayName: "G",
      ...meta,
      evaluate: async () => {
        called = true;
        return { confidence: "high" };
      },
    });
    const result = await evaluateCandidates({
      candidates: [staticClaim(generic, "low"), staticClaim(operator, "high")],
      registry: lookup([generic, operator]),
      timeoutMs: 5000,
      invoke,
    });
    assert.equal(called, false);
    assert.deepEqual(outcomeSummary(result.outcomes), ["generic:cancelled:none", "operator:static:high"]);
  });

  test("the outer signal cancels every pending plugin and evaluation still resolves", async () => {
    const outer = new AbortController();
    const hang = loaded({ id: "hang", displayName: "H", ...meta, evaluate: never });
    const pending = run([hang], { signal: outer.signal });
    outer.abort(new Error("left the network"));
    const result = await pending;
    assert.deepEqual(outcomeSummary(result.outcomes), ["hang:cancelled:none"]);
    assert.match(result.outcomes[0]?.error?.message ?? "", /left the network/);
  });

  test("an unknown plugin id is an error outcome, and each outcome is reported as it happens", async () => {
    const seen: string[] = [];
    const known = loaded({ id: "known", displayName: "K", ...meta });
    const result = await evaluateCandidates({
      candidates: [{ ...staticClaim(known, "low"), pluginId: "ghost" }, staticClaim(known, "medium")],
      registry: lookup([known]),
      timeoutMs: 5000,
      invoke,
      onResult: (o) => seen.push(`${o.pluginId}:${o.status}`),
    });
    assert.deepEqual(outcomeSummary(result.outcomes), ["ghost:error:none", "known:static:medium"]);
    assert.equal(result.outcomes[0]?.error?.code, "HH_PLUGIN_NOT_FOUND");
    assert.deepEqual(seen, ["ghost:error", "known:static"]);
  });

  test("duplicate candidates of one plugin are evaluated once, from its best claim", async () => {
    let calls = 0;
    const dup = loaded({
      id: "dup",
      displayName: "D",
      ...meta,
      evaluate: async () => {
        calls++;
        return { confidence: "low" };
      },
    });
    const result = await evaluateCandidates({
      candidates: [staticClaim(dup, "low"), { ...staticClaim(dup, "medium"), origin: "dynamic" }],
      registry: lookup([dup]),
      timeoutMs: 5000,
      invoke,
    });
    assert.equal(calls, 1);
    assert.deepEqual(
      result.ranked.map((c) => c.origin),
      ["dynamic"],
    );
  });

  test("fixture plugins that hang, throw or return garbage all count as none after the deadline", async (t) => {
    const dirs = ["hanging-evaluate", "throwing-evaluate", "garbage-evaluate"].map((d) =>
      fileURLToPath(new URL(`../../fixtures/plugins/${d}/`, import.meta.url)),
    );
    const registry = await loadRegistry({
      pluginDirs: dirs,
      includeBundled: false,
      config: defaultUserConfig(),
      strict: true,
    });
    const candidates = registry.claimsFor(network("Shared Net"));
    assert.equal(candidates.length, 3);
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const pending = evaluateCandidates({ candidates, registry, timeoutMs: 5000, invoke });
    await new Promise(setImmediate);
    t.mock.timers.tick(5000);
    const result = await pending;
    assert.deepEqual(outcomeSummary(result.outcomes).sort(), [
      "fixture-garbage:invalid:none",
      "fixture-hanging:timeout:none",
      "fixture-throwing:error:none",
    ]);
    assert.deepEqual(result.ranked, []);
  });
});
