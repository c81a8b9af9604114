import type { CountedClock, SimulatedClock } from "./clock.ts";
import type { SoakDriver } from "./driver.ts";
import { heapSlope, type Sample, sample } from "./measure.ts";

/** How much of everything a soak run does. */
export interface SoakPlan {
  readonly apChanges: number;
  /** Leave-and-join pairs. */
  readonly joins: number;
  readonly roams: number;
  /** Daemon timers (maintains, renewals, expiries) to live through. */
  readonly maintains: number;
  readonly restarts: number;
  /** Actions of every kind, in random order. */
  readonly mixed: number;
  /** Samples per phase after the first. */
  readonly chunks: number;
}

export interface PhaseResult {
  readonly phase: string;
  readonly events: number;
  readonly samples: readonly Sample[];
  /** MiB per 1,000 events, least squares over the samples. */
  readonly slope: number;
  readonly logins: number;
  /** Joins to a network whose portal still remembered the device, and the logins they cost. */
  readonly returns: number;
  readonly returnLogins: number;
  readonly checks: number;
  /** What `SoakDriver.check` found wrong, prefixed with the phase and event count. */
  readonly wrong: readonly string[];
}

/**
 * Time for the daemon: `pass(n)` lets at least `n` of its timers fire (maintains and
 * what follows them: renewals, expiries, logins again) and returns how many did.
 */
export interface SoakTime {
  pass(n: number): Promise<number>;
}

/** Simulated time: five-minute steps on the simulated clock, the world settling after each timer. */
export function simulatedTime(driver: SoakDriver, clock: SimulatedClock): SoakTime {
  return {
    async pass(n) {
      let fired = 0;
      while (fired < n) {
        if (clock.pending === 0) throw new Error("time passes, but the daemon waits for nothing");
        fired += await clock.advance(300_000, () => driver.world.settle());
      }
      return fired;
    },
  };
}

/** Real time: waits for `n` maintains the daemon reports (its own timers drive them). */
export function realTime(driver: SoakDriver, timeoutMs = 60_000): SoakTime {
  return {
    pass(n) {
      const daemon = driver.world.daemon;
      return new Promise((resolve, reject) => {
        let seen = 0;
        const on = (): void => {
          if (++seen < n) return;
          daemon.off("maintained", on);
          clearTimeout(timer);
          void driver.world.settle().then(() => resolve(seen));
        };
        const timer = setTimeout(() => {
          daemon.off("maintained", on);
          reject(new Error(`only ${seen} of ${n} maintains within ${timeoutMs} ms`));
        }, timeoutMs);
        daemon.on("maintained", on);
      });
    },
  };
}

/**
 * Runs `step` (which does up to the budget it is given and says how many events it did)
 * until `total` events are done, in `chunks` parts; after each part the driver checks the
 * world and the daemon's heap, match rules and timers are sampled.
 */
export async function runPhase(
  driver: SoakDriver,
  clock: CountedClock,
  phase: string,
  total: number,
  chunks: number,
  step: (budget: number) => Promise<number>,
): Promise<PhaseResult> {
  const world = driver.world;
  const measure = async (events: number): Promise<Sample> => {
    clock.hold?.();
    try {
      await world.settle();
      return await sample(world, events, clock);
    } finally {
      clock.release?.();
    }
  };
  const samples = [await measure(0)];
  const logins = world.logins;
  const returns = driver.returns;
  const returnLogins = driver.returnLogins;
  const wrong: string[] = [];
  let events = 0;
  let checks = 0;
  const chunk = Math.max(1, Math.ceil(total / chunks));
  while (events < total) {
    events += await step(Math.min(chunk, total - events));
    checks++;
    for (const w of await driver.check()) wrong.push(`${phase} after ${events} events: ${w}`);
    samples.push(await measure(events));
  }
  return {
    phase,
    events,
    samples,
    slope: heapSlope(samples),
    logins: world.logins - logins,
    returns: driver.returns - returns,
    returnLogins: driver.returnLogins - returnLogins,
    checks,
    wrong,
  };
}

/** Every phase of a soak run, in order; the first warms up (JIT, caches, first logins) and is not judged. */
export async function runSoak(
  driver: SoakDriver,
  clock: CountedClock,
  time: SoakTime,
  plan: SoakPlan,
  onPhase?: (result: PhaseResult, ms: number) => void,
): Promise<PhaseResult[]> {
  const { world, devices } = driver;
  const ssids = world.networks.map((n) => n.ssid);
  const results: PhaseResult[] = [];
  const run = async (phase: string, total: number, step: (budget: number) => Promise<number>) => {
    const started = performance.now();
    const result = await runPhase(driver, clock, phase, total, plan.chunks, step);
    results.push(result);
    onPhase?.(result, performance.now() - started);
  };

  const firstJoins = ssids.flatMap((ssid) => devices.map((device) => ({ device, ssid })));
  await run("warm-up", firstJoins.length, async (budget) => {
    for (const { device, ssid } of firstJoins.splice(0, budget)) {
      await driver.join(device, ssid);
      await driver.churn(30);
    }
    return budget;
  });

  await run("access points", plan.apChanges, async (budget) => {
    const made = await driver.churn(budget);
    await time.pass(1);
    return made;
  });

  /**
   * Leaves and joins: now and then the same network again, its portal still letting us
   * through (resumed, not logged in); otherwise another one, and the portal left behind
   * forgets us half the time. The other half it remembers the device, so a later return
   * (A → B → A) finds it open and the daemon must take up the session it saved for it.
   */
  const hop = async (device: string): Promise<number> => {
    const was = driver.joined(device);
    const again = was !== undefined && driver.random() < 0.2;
    const forget = !again && driver.random() < 0.5;
    await driver.leave(device, forget);
    await driver.join(device, again && was ? was.ssid : driver.pick(ssids), Math.floor(driver.random() * 3));
    return 2;
  };

  await run("join/leave", plan.joins * 2, async (budget) => {
    let done = 0;
    while (done < budget) done += await hop(driver.pick(devices));
    return done;
  });

  await run("roam", plan.roams, async (budget) => {
    for (let i = 0; i < budget; i++) await driver.roam(driver.pick(devices));
    return budget;
  });

  await run("maintain/expiry", plan.maintains, async (budget) => {
    // Each part on other networks, so renewals, expiries and periodic checks all get their turn.
    for (const device of devices) {
      const at = ssids.indexOf(driver.joined(device)?.ssid ?? "");
      await driver.leave(device, true);
      await driver.join(device, ssids[(at + 1 + devices.indexOf(device)) % ssids.length] ?? "");
    }
    let fired = await time.pass(Math.ceil(budget / 2));
    // The portal forgets a device (idle timeout, operator reset): the next maintain logs in again.
    const kicked = driver.pick(devices);
    driver.kick(kicked);
    fired += await time.pass(Math.max(1, budget - fired));
    const portal = world.portal(kicked, driver.joined(kicked)?.ssid ?? "");
    for (let i = 0; !portal.authorized(); i++) {
      if (i > 100) throw new Error(`${kicked}: no login after the portal forgot the device`);
      fired += await time.pass(1);
    }
    return fired;
  });

  await run("restart", plan.restarts, async (budget) => {
    for (let i = 0; i < budget; i++) {
      await world.stopDaemon();
      await world.startDaemon();
      for (const device of devices) {
        const at = driver.joined(device);
        if (!at) continue;
        await world.until(
          device,
          (s) => s?.state === "Authenticated" && s.network?.ssid === at.ssid,
          "session resumed after a restart",
        );
      }
      await world.settle();
    }
    return budget;
  });

  await run("mixed", plan.mixed, async (budget) => {
    let done = 0;
    while (done < budget) {
      const device = driver.pick(devices);
      const r = driver.random();
      if (r < 0.3) done += await driver.churn(60);
      else if (r < 0.5 && driver.joined(device)) {
        await driver.roam(device);
        done++;
      } else if (r < 0.75) done += await hop(device);
      else done += await time.pass(2);
    }
    return done;
  });

  return results;
}
