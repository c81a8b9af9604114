import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { runTarget } from "../../fuzz/target.ts";
import { fuzzTargets } from "../../fuzz/targets.ts";

const RUNS = 2_000;

describe("fuzzing parsers with generated input", () => {
  for (const t of fuzzTargets) {
    test(`${t.name}: ${RUNS} cases without a crash, a broken invariant or a runaway case`, {
      timeout: 60_000,
    }, () => {
      const result = runTarget(t, RUNS);
      assert.equal(result.failures, 0, result.counterexample);
      assert.equal(result.cases >= RUNS, true);
    });
  }
});
