import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { noDbusReason } from "../integration/nm/helpers.ts";
import { RealClock } from "./clock.ts";
import { SoakDriver } from "./driver.ts";
import { realTime, runSoak } from "./phases.ts";
import { seeded } from "./random.ts";
import { judge } from "./report.ts";
import { SoakWorld } from "./world.ts";

/**
 * Maintains (the daemon's own real timers firing) to live through in the maintain/expiry phase.
 * Two devices at a 2 s interval make about one a second, so this is about a minute and a half
 * of the run, and each device goes through a dozen renew-or-expire cycles of its 6-8 s
 * sessions: enough that a timer leaked once per cycle breaks the 3-timer slack, which the
 * two cycles of a shorter run would hide. The rest of the file waits on little real time.
 */
const MAINTAINS = 90;

describe("the soak in real time (about two and a half minutes; `npm run soak` runs the long one in simulated time)", {
  skip: noDbusReason,
}, () => {
  test("joins, leaves (and returns to networks whose portal still remembers the device), roams, 3,000 access-point changes, restarts and 90 maintains of renewals and expiries on two devices keep sessions true to the world, and match rules, bus connections and timers flat", {
    timeout: 420_000,
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
        // Half the maintains come in one wait: give it time on a loaded machine.
        realTime(driver, 180_000),
        {
          apChanges: 3_000,
          joins: 16,
          roams: 30,
          maintains: MAINTAINS,
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
