import { readdir, readFile } from "node:fs/promises";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { matchRulesOf } from "../../src/scan/dbus/signals.ts";
import type { CountedClock } from "./clock.ts";
import type { SoakWorld } from "./world.ts";

setFlagsFromString("--expose-gc");
const gc: unknown = runInNewContext("gc");

const MIB = 1024 * 1024;

/** What the soak watches, at one moment between actions. */
export interface Sample {
  /** Events (joins, roams, access-point changes, maintains…) done in the phase so far. */
  readonly events: number;
  /** Heap used after a full collection, with the memory of Buffers and typed arrays (`external`). */
  readonly heapMiB: number;
  /** Match rules the bus holds for the daemon's connection. */
  readonly rules: number;
  /** Match rules on the whole bus (the simulation's, our probe's, the daemon's). */
  readonly busRules: number;
  /** Connections on the bus. */
  readonly connections: number;
  /** Real timers keeping the event loop alive (the process's active `Timeout`s). */
  readonly timers: number;
  /** Timers waiting on the simulated clock (the daemon's maintains and backoffs). */
  readonly clockTimers: number;
  /** Every active handle and request (sockets, servers, timers). */
  readonly handles: number;
  /** Child processes of this one (the private dbus-daemon, plugin processes). */
  readonly children: number;
  /** Their resident memory together (outside the heap figure; not collected first, so only a trend). */
  readonly childrenRssMiB: number;
}

export async function sample(world: SoakWorld, events: number, clock?: CountedClock): Promise<Sample> {
  world.clearRecords();
  const all = await allMatchRules(world);
  const ours = world.source.busName ? await matchRulesOf(world.probe, world.source.busName) : [];
  const resources = process.getActiveResourcesInfo();
  return {
    events,
    heapMiB: heapAfterGc() / MIB,
    rules: ours.length,
    busRules: [...all.values()].reduce((sum, n) => sum + n, 0),
    connections: all.size,
    timers: resources.filter((r) => r === "Timeout").length,
    clockTimers: clock?.pending ?? 0,
    handles: resources.length,
    ...(await childProcesses()),
  };
}

function heapAfterGc(): number {
  if (typeof gc === "function") {
    // Twice: the first pass can leave finalizer-held objects for the second.
    gc();
    gc();
  }
  const m = process.memoryUsage();
  // Buffers and typed arrays live outside the JS heap: a leak of those counts too.
  return m.heapUsed + m.external;
}

async function allMatchRules(world: SoakWorld): Promise<Map<string, number>> {
  const [all] = await world.probe.call({
    destination: "org.freedesktop.DBus",
    path: "/org/freedesktop/DBus",
    interface: "org.freedesktop.DBus.Debug.Stats",
    member: "GetAllMatchRules",
  });
  const counts = new Map<string, number>();
  if (typeof all !== "object" || all === null) return counts;
  for (const [name, rules] of Object.entries(all)) counts.set(name, Array.isArray(rules) ? rules.length : 0);
  return counts;
}

/** Children of every thread of this process (Linux's /proc/<pid>/task/<tid>/children), and their RSS. */
async function childProcesses(): Promise<{ children: number; childrenRssMiB: number }> {
  const pids: string[] = [];
  try {
    for (const tid of await readdir(`/proc/${process.pid}/task`)) {
      const text = await readFile(`/proc/${process.pid}/task/${tid}/children`, "utf8").catch(() => "");
      pids.push(...text.split(/\s+/).filter(Boolean));
    }
  } catch {
    return { children: 0, childrenRssMiB: 0 };
  }
  let kib = 0;
  for (const pid of pids) {
    const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
    kib += Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
  }
  return { children: pids.length, childrenRssMiB: kib / 1024 };
}

/** Least-squares slope of heap over events, in MiB per 1,000 events. */
export function heapSlope(samples: readonly Sample[]): number {
  const n = samples.length;
  if (n < 2) return 0;
  const mx = samples.reduce((s, p) => s + p.events, 0) / n;
  const my = samples.reduce((s, p) => s + p.heapMiB, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of samples) {
    num += (p.events - mx) * (p.heapMiB - my);
    den += (p.events - mx) ** 2;
  }
  return den === 0 ? 0 : (num / den) * 1000;
}
