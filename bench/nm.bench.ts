import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { type PrivateBus, startPrivateBus } from "../src/harness/dbus-daemon.ts";
import { SimulatedNetworkManager } from "../src/harness/nm/index.ts";
import { IFACE } from "../src/scan/networkmanager/constants.ts";
import { createNetworkManagerSource, type NetworkManagerSource } from "../src/scan/networkmanager/index.ts";
import type { JoinEvent, LeaveEvent, ScanList } from "../src/scan/source.ts";
import type { BenchTable } from "./table.ts";

/**
 * The NetworkManager client against the simulated NetworkManager on a private dbus-daemon:
 * join latency (Device.StateChanged(ACTIVATED) sent → our `join`), a 500-AP scan (LastScan
 * change sent → our `scan`), the cold read of 500 APs, and the client's CPU and wake-ups
 * while nothing changes (it must not poll). The simulator runs in this process, so its own
 * work is inside the latencies; the idle client runs in a child process of its own.
 */

const JOINS = 200;
const SCAN_APS = 500;
const SCAN_RUNS = 20;
const IDLE_APS = 200;
const IDLE_SECONDS = 10;
/**
 * Idle starts once the last call's deadline has lapsed: Node does not disarm its timer handle
 * when a timeout is cleared, so each burst of D-Bus calls leaves one empty wake-up at its
 * deadline (5 s by default), after which nothing runs.
 */
const SETTLE_MS = 6000;

const percentile = (xs: readonly number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};

const nextScan = (s: NetworkManagerSource) => new Promise<ScanList>((r) => s.once("scan", r));
const nextJoin = (s: NetworkManagerSource) => new Promise<JoinEvent>((r) => s.once("join", r));
const nextLeave = (s: NetworkManagerSource) => new Promise<LeaveEvent>((r) => s.once("leave", r));

async function joinLatency(bus: PrivateBus): Promise<number[]> {
  const sim = await SimulatedNetworkManager.start({ busAddress: bus.address });
  sim.addWifiDevice("wlan0");
  const ap = sim.addAccessPoint("wlan0", { ssid: "bench", bssid: "02:50:00:00:00:01" });
  const source = createNetworkManagerSource({ busAddress: bus.address });
  await source.start();
  await source.whenReady();
  let sentAt = 0;
  const stopObserving = sim.objects.observeSignals((_p, iface, member, body) => {
    if (iface === IFACE.device && member === "StateChanged" && body[0] === 100) sentAt = performance.now();
  });
  const samples: number[] = [];
  for (let i = 0; i < JOINS + 20; i++) {
    const joined = nextJoin(source);
    await sim.join("wlan0", ap, { captivePortalUri: "https://portal.example/api" });
    await joined;
    if (i >= 20) samples.push(performance.now() - sentAt);
    const left = nextLeave(source);
    await sim.leave("wlan0");
    await left;
  }
  stopObserving();
  await source.stop();
  await sim.stop();
  return samples;
}

async function scanLatency(bus: PrivateBus): Promise<{ known: number[]; fresh: number[]; coldMs: number }> {
  const sim = await SimulatedNetworkManager.start({ busAddress: bus.address });
  sim.addWifiDevice("wlan0");
  const aps: string[] = [];
  for (let i = 0; i < SCAN_APS; i++) {
    aps.push(
      sim.addAccessPoint("wlan0", {
        ssid: `ap-${i}`,
        bssid: `02:51:00:00:${(i >> 8).toString(16).padStart(2, "0")}:${(i & 255).toString(16).padStart(2, "0")}`,
        strength: i % 100,
      }),
    );
  }
  await sim.flushed();
  const source = createNetworkManagerSource({ busAddress: bus.address });
  const t0 = performance.now();
  await source.start();
  await source.whenReady();
  const coldMs = performance.now() - t0;
  let sentAt = 0;
  const stopObserving = sim.objects.observeSignals((_p, iface, member, body) => {
    const changed = body[1];
    if (
      iface === IFACE.properties &&
      member === "PropertiesChanged" &&
      typeof changed === "object" &&
      changed !== null &&
      "LastScan" in changed
    ) {
      sentAt = performance.now();
    }
  });
  const known: number[] = [];
  for (let run = 0; run < SCAN_RUNS; run++) {
    for (const [i, ap] of aps.entries()) sim.updateAccessPoint(ap, { strength: (i + run) % 100 });
    sim.completeScan("wlan0");
    const list = await nextScan(source);
    known.push(performance.now() - sentAt);
    if (list.networks.length !== SCAN_APS) throw new Error(`scan had ${list.networks.length} networks`);
  }
  for (const ap of aps.splice(0)) sim.removeAccessPoint(ap);
  sim.completeScan("wlan0");
  await nextScan(source);
  const fresh: number[] = [];
  for (let run = 0; run < 5; run++) {
    const batch: string[] = [];
    for (let i = 0; i < SCAN_APS; i++)
      batch.push(
        sim.addAccessPoint("wlan0", {
          ssid: `new-${run}-${i}`,
          bssid: `02:52:00:${run.toString(16).padStart(2, "0")}:${(i >> 8).toString(16).padStart(2, "0")}:${(i & 255).toString(16).padStart(2, "0")}`,
        }),
      );
    sim.completeScan("wlan0");
    const list = await nextScan(source);
    fresh.push(performance.now() - sentAt);
    if (list.networks.length !== SCAN_APS) throw new Error(`fresh scan had ${list.networks.length} networks`);
    for (const ap of batch) sim.removeAccessPoint(ap);
    sim.completeScan("wlan0");
    await nextScan(source);
  }
  stopObserving();
  await source.stop();
  await sim.stop();
  return { known, fresh, coldMs };
}

/** utime+stime ticks and context switches of a process's main thread, from /proc. */
async function threadStats(pid: number): Promise<{ ticks: number; switches: number }> {
  const stat = await readFile(`/proc/${pid}/task/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  const status = await readFile(`/proc/${pid}/task/${pid}/status`, "utf8");
  const count = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
  return { ticks, switches: count("voluntary_ctxt_switches") + count("nonvoluntary_ctxt_switches") };
}

async function idle(bus: PrivateBus): Promise<{ cpuMs: number; wakeups: number }> {
  const sim = await SimulatedNetworkManager.start({ busAddress: bus.address });
  sim.addWifiDevice("wlan0");
  for (let i = 0; i < IDLE_APS; i++)
    sim.addAccessPoint("wlan0", {
      ssid: `idle-${i}`,
      bssid: `02:53:00:00:${(i >> 8).toString(16).padStart(2, "0")}:${(i & 255).toString(16).padStart(2, "0")}`,
    });
  await sim.flushed();
  const entry = fileURLToPath(new URL("../src/scan/networkmanager/index.ts", import.meta.url));
  const code = `const { createNetworkManagerSource } = await import(${JSON.stringify(entry)});
const s = createNetworkManagerSource({ busAddress: ${JSON.stringify(bus.address)} });
await s.start(); await s.whenReady();
console.log("ready " + s.current()[0].networks.length);`;
  // V8's memory reducer runs one full GC some seconds after start-up activity: housekeeping
  // of the engine, not of the client, and once only, so it is switched off for this count.
  const child = spawn(
    process.execPath,
    ["--no-memory-reducer", "--import", "tsx", "--input-type=module", "-e", code],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  try {
    if (!child.stdout || child.pid === undefined) throw new Error("cannot start the idle client");
    const pid = child.pid;
    const lines = createInterface({ input: child.stdout });
    await new Promise<void>((resolve) => lines.once("line", () => resolve()));
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const a = await threadStats(pid);
    await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
    const b = await threadStats(pid);
    return { cpuMs: ((b.ticks - a.ticks) * 1000) / 100, wakeups: b.switches - a.switches };
  } finally {
    child.kill("SIGTERM");
    await sim.stop();
  }
}

export default async function nmBench(): Promise<readonly BenchTable[]> {
  const bus = await startPrivateBus();
  try {
    const joins = await joinLatency(bus);
    const scans = await scanLatency(bus);
    const quiet = await idle(bus);
    return [
      {
        title: "NetworkManager client (simulated NetworkManager, private dbus-daemon)",
        rows: [
          {
            metric: "join latency p50",
            value: percentile(joins, 50),
            unit: "ms",
            target: { max: 5 },
            note: `${JOINS} joins, StateChanged(100) sent → join event (re-reads device and link objects first)`,
          },
          { metric: "join latency p99", value: percentile(joins, 99), unit: "ms" },
          {
            metric: "500-AP scan, APs updated (p50)",
            value: percentile(scans.known, 50),
            unit: "ms",
            target: { max: 100 },
            note: `${SCAN_RUNS} scans; LastScan PropertiesChanged sent → scan event with 500 networks`,
          },
          {
            metric: "500-AP scan, APs updated (max)",
            value: Math.max(...scans.known),
            unit: "ms",
            target: { max: 100 },
          },
          {
            metric: "500-AP scan, all APs new (max)",
            value: Math.max(...scans.fresh),
            unit: "ms",
            target: { max: 100 },
            note: "5 scans whose 500 APs all appeared since the last one",
          },
          {
            metric: "cold start with 500 APs",
            value: scans.coldMs,
            unit: "ms",
            note: "connect, GetManagedObjects, first scan event",
          },
          {
            metric: `idle CPU, ${IDLE_APS} APs, ${IDLE_SECONDS} s`,
            value: quiet.cpuMs,
            unit: "ms",
            note: "client in its own process; main thread utime+stime from /proc (10 ms ticks)",
          },
          {
            metric: `idle wake-ups, ${IDLE_APS} APs, ${IDLE_SECONDS} s`,
            value: quiet.wakeups,
            unit: "",
            target: { max: 0 },
            note: `context switches of the client's main thread, from ${SETTLE_MS / 1000} s after ready (V8 memory reducer off)`,
          },
        ],
      },
    ];
  } finally {
    await bus.stop();
  }
}
