/**
 * `npm run soak`: the long soak in simulated time. The daemon, the simulated NetworkManager
 * (on a private dbus-daemon) and loopback portals run in this process; the daemon's and
 * the portals' clock is simulated, so days of maintains, renewals and expiries pass in
 * minutes, while D-Bus and HTTP stay real. Prints one row per phase and exits 1 when a
 * bound is broken. Sizes: HOTSPOT_SOAK_SCALE multiplies every count (default 1: 10,000
 * access-point changes and more). With HOTSPOT_SUMMARY_JSON set, also writes the heap,
 * match-rule and timer trend there as JSON (what `npm run hostile` reads).
 */
import { writeSummary } from "../../bench/hostile-summary.ts";
import { dbusDaemonAvailable } from "../../src/harness/dbus-daemon.ts";
import { SimulatedClock } from "./clock.ts";
import { SoakDriver } from "./driver.ts";
import { runSoak, type SoakPlan, simulatedTime } from "./phases.ts";
import { seeded } from "./random.ts";
import { judge } from "./report.ts";
import { SoakWorld } from "./world.ts";

const scale = Number(process.env.HOTSPOT_SOAK_SCALE ?? 1);
const n = (x: number): number => Math.max(1, Math.round(x * scale));
const plan: SoakPlan = {
  apChanges: n(12_000),
  joins: n(300),
  roams: n(500),
  maintains: n(3_000),
  restarts: n(20),
  mixed: n(4_000),
  chunks: 8,
};

if (!dbusDaemonAvailable()) {
  console.error("soak: dbus-daemon is not installed (scripts/ensure-system-deps.sh installs it as root)");
  process.exit(2);
}

const random = seeded(Number(process.env.HOTSPOT_SOAK_SEED ?? 12));
const clock = new SimulatedClock();
const started = clock.now();
const wallStart = performance.now();
const world = await SoakWorld.start({
  devices: ["wlan0", "wlan1"],
  clock,
  airportSeconds: 3600,
  dayPassSeconds: 1800,
  maintainIntervalSeconds: 300,
  renewBelowSeconds: 120,
  random,
});
let failed = true;
try {
  const driver = new SoakDriver(world, random, clock);
  const results = await runSoak(driver, clock, simulatedTime(driver, clock), plan, (r, ms) =>
    console.error(`soak: ${r.phase}: ${r.events} events in ${(ms / 1000).toFixed(1)} s`),
  );
  const bounds = {
    phaseHeapMiB: 6,
    runHeapMiB: 8,
    timerSlack: 2,
    noLogins: ["roam", "restart"],
    noLoginOnReturn: true,
  };
  const verdict = judge(results, bounds);
  const days = (clock.now() - started) / 86_400_000;
  console.log("## Soak (simulated time)\n");
  console.log(verdict.table);
  console.log(
    `\n- ${days.toFixed(1)} simulated days in ${((performance.now() - wallStart) / 1000).toFixed(0)} s; devices ${world.options.devices.join(", ")}; networks ${world.networks.map((x) => `${x.ssid} (${x.plugin})`).join(", ")}`,
  );
  console.log(
    `- problems the daemon reported: ${[...world.problems].map(([code, count]) => `${code} × ${count}`).join(", ") || "none"}`,
  );
  console.log(
    "- heap: used after two full GCs, whole process (daemon, simulated NetworkManager, portals); slope by least squares",
  );
  console.log(
    "- match rules: dbus-daemon's own count (Debug.Stats.GetAllMatchRules); daemon timers: maintains and backoffs waiting on the simulated clock, one per logged-in session",
  );
  const failures = [
    ...verdict.failures,
    ...[...world.problems].map(([code, count]) => `the daemon reported ${code} ${count} time(s)`),
  ];
  writeSummary({
    kind: "soak",
    scale,
    simulatedDays: days,
    runHeapBoundMiB: bounds.runHeapMiB,
    timerSlack: bounds.timerSlack,
    ...(verdict.trend ? { trend: verdict.trend } : {}),
    problems: Object.fromEntries(world.problems),
    failures,
  });
  if (failures.length > 0) {
    console.log("\nFAILED:");
    for (const f of failures.slice(0, 40)) console.log(`- ${f}`);
  } else {
    console.log("\nall bounds held");
    failed = false;
  }
} finally {
  await world.close();
}
process.exit(failed ? 1 : 0);
