import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { noDbusReason } from "../integration/nm/helpers.ts";
import { RealClock } from "./clock.ts";
import { SoakDriver } from "./driver.ts";
import { realTime, runSoak } from "./phases.ts";
import { seeded } from "./random.ts";
import { judge } from "./report.ts";
import { SoakWorld } from "./world.ts";

describe("the soak in real time (about a minute; `npm run soak` runs the long one in simulated time)", {
  skip: noDbusReason,
}, () => {
  test("joins, leaves (and returns to networks whose portal still remembers the device), roams, 3,000 access-point changes, restarts and a minute of renewals and expiries on two devices keep sessions true to the world, and match rules, bus connections and timers flat", {
    timeout: 240_000,
  }, async (t) => {
    const random = seeded(7);
    const clock = new RealClock();
    const world = await SoakWorld.start({
      devices: ["wlan0", "wlan1"],
      clock,
      airportSeconds: 8,
      dayPassSeconds: 6,
      maintainIntervalSeconds: 2,
      renewBelowSeconds: 4,
      random,
    });
    try {
      const driver = new SoakDriver(world, random, clock);
      const results = await runSoak(
        driver,
        clock,
        realTime(driver),
        {
          apChanges: 3_000,
          joins: 16,
          roams: 30,
          maintains: 18,
          restarts: 3,
          mixed: 120,
          chunks: 3,
        },
        (r, ms) => t.diagnostic(`${r.phase}: ${r.events} events in ${(ms / 1000).toFixed(1)} s`),
      );
      const verdict = judge(results, {
        // A short run's heap is mostly warm-up noise; the long run bounds it tightly.
        phaseHeapMiB: 16,
        runHeapMiB: 24,
        timerSlack: 3,
        // Sessions of a few seconds end during any phase here, and a login after an end is
        // right: only the simulated run, where time stands still, says roams and restarts cost none.
        noLogins: [],
        noLoginOnReturn: false,
      });
      t.diagnostic(`\n${verdict.table}`);
      assert.deepEqual(verdict.failures, [], verdict.table);
      assert.ok(
        results.some((r) => r.phase === "maintain/expiry" && r.logins > 0),
        verdict.table,
      );
      assert.ok(
        results.reduce((sum, r) => sum + r.returns, 0) > 0,
        `no return to a network whose portal still remembered the device\n${verdict.table}`,
      );
      assert.deepEqual([...world.problems], []);
    } finally {
      await world.close();
    }
  });
});
