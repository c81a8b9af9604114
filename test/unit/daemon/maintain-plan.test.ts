import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { planMaintain } from "../../../src/daemon/maintain-plan.ts";

const plan = (facts: Parameters<typeof planMaintain>[0]["facts"], factsAgeMs = 0, jitter = 0) =>
  planMaintain({ facts, factsAgeMs, intervalSeconds: 300, jitter });

describe("planMaintain", () => {
  test("without a known end, the configured interval, or the plugin's own", () => {
    assert.deepEqual(plan({}), { delayMs: 300_000, why: "interval" });
    assert.deepEqual(plan({ maintainIntervalSeconds: 60 }), { delayMs: 60_000, why: "interval" });
  });

  test("a known end sooner than the interval is renewed 30 s before it, counted from when it was reported", () => {
    assert.deepEqual(plan({ expiresInSeconds: 120 }), { delayMs: 90_000, why: "renew" });
    assert.deepEqual(plan({ expiresInSeconds: 120 }, 60_000), { delayMs: 30_000, why: "renew" });
    assert.deepEqual(plan({ expiresInSeconds: 3600 }), { delayMs: 300_000, why: "interval" });
  });

  test("a short session is renewed at half of what is left, never sooner than 1 s", () => {
    assert.deepEqual(plan({ expiresInSeconds: 20 }), { delayMs: 10_000, why: "renew" });
    assert.deepEqual(plan({ expiresInSeconds: 20 }, 60_000), { delayMs: 1_000, why: "renew" });
  });

  test("a session that cannot be extended is looked at just after its end", () => {
    assert.deepEqual(plan({ expiresInSeconds: 120, canExtend: false }), { delayMs: 122_000, why: "ended" });
  });

  test("jitter moves a run earlier by at most 10 % and 30 s, never later", () => {
    assert.equal(plan({}, 0, 1).delayMs, 270_000);
    assert.equal(plan({ maintainIntervalSeconds: 60 }, 0, 1).delayMs, 54_000);
    assert.equal(plan({}, 0, 0.5).delayMs, 285_000);
    assert.equal(plan({ expiresInSeconds: 120 }, 0, 1).delayMs, 81_000);
    assert.equal(plan({ expiresInSeconds: 120, canExtend: false }, 0, 1).delayMs, 122_000);
  });
});
