import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAX_SESSIONS_PER_DEVICE, savedNetworkKey } from "../src/daemon/state/saved-sessions.ts";
import { StateStore } from "../src/daemon/state/store.ts";
import type { BenchRow, BenchTable } from "./table.ts";

/**
 * The daemon's state file: how long an atomic save takes (write, fsync, rename, fsync of the
 * directory) and how long a start spends reading and validating it, with a state larger
 * than the daemon keeps (4 devices' sessions on as many networks each as it keeps, 1,000 networks' plugin choices where the cache keeps 500, 100 networks'
 * failed logins). Also a burst of 100 updates in one turn, which the store coalesces.
 */

const SAVES = 40;
const OPENS = 40;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export default async function run(): Promise<readonly BenchTable[]> {
  const dir = await mkdtemp(join(tmpdir(), "hh-state-bench-"));
  try {
    const problems: string[] = [];
    const store = await StateStore.open({ dir, onProblem: (e) => problems.push(e.code) });
    store.update((s) => {
      for (let d = 0; d < 4; d++) {
        const byNetwork: (typeof s.sessions)[string] = {};
        for (let n = 0; n < MAX_SESSIONS_PER_DEVICE; n++) {
          const ssidHex = `416972706f7274${n.toString(16).padStart(2, "0")}`;
          byNetwork[savedNetworkKey({ ssidHex, security: "open" })] = {
            ssidHex,
            ssidText: `Airport${n}`,
            security: "open",
            bssid: `02:00:00:00:00:0${d}`,
            pluginId: "capport",
            authenticatedAt: 1_700_000_000_000,
            facts: { expiresInSeconds: 3600, bytesRemaining: 1e9, canExtend: true },
            factsAt: 1_700_000_000_000,
            savedAt: 1_700_000_000_000 + n,
          };
        }
        s.sessions[`wlan${d}`] = byNetwork;
      }
      for (let i = 0; i < 1_000; i++) {
        s.choices[`ssid:${i.toString(16).padStart(8, "0")}`] = {
          pluginId: `operator-${i % 20}`,
          fingerprint: "0123456789abcdef0123456789abcdef",
          chosenAt: 1_700_000_000_000 + i,
        };
      }
      for (let i = 0; i < 100; i++) {
        s.failures[`ssid:${i.toString(16).padStart(6, "0")}`] = {
          count: 2,
          lastAt: 1,
          reason: "login failed: busy",
        };
      }
    });
    await store.flush();
    const saves: number[] = [];
    for (let i = 0; i < SAVES; i++) {
      const started = performance.now();
      store.update((s) => {
        s.failures["ssid:bench"] = { count: i + 1, lastAt: i, reason: "bench" };
      });
      await store.flush();
      saves.push(performance.now() - started);
    }
    const opens: number[] = [];
    for (let i = 0; i < OPENS; i++) {
      const started = performance.now();
      await StateStore.open({ dir, onProblem: (e) => problems.push(e.code) });
      opens.push(performance.now() - started);
    }
    const burstStarted = performance.now();
    for (let i = 0; i < 100; i++) {
      store.update((s) => {
        s.failures["ssid:burst"] = { count: i + 1, lastAt: i, reason: "burst" };
      });
    }
    await store.flush();
    const burst = performance.now() - burstStarted;
    const size = (await stat(store.file)).size;
    saves.sort((a, b) => a - b);
    opens.sort((a, b) => a - b);
    const rows: BenchRow[] = [
      { metric: "atomic save, median", value: percentile(saves, 50), unit: "ms", note: `${SAVES} saves` },
      { metric: "atomic save, p95", value: percentile(saves, 95), unit: "ms", target: { max: 250 } },
      {
        metric: "read + validate at start, median",
        value: percentile(opens, 50),
        unit: "ms",
        note: `${OPENS} opens`,
      },
      {
        metric: "read + validate at start, p95",
        value: percentile(opens, 95),
        unit: "ms",
        target: { max: 250 },
      },
      {
        metric: "100 updates in one turn, until on disk",
        value: burst,
        unit: "ms",
        note: "coalesced into at most two writes",
      },
      { metric: "state file size", value: Math.round(size / 1024), unit: "KiB" },
      { metric: "problems reported", value: problems.length, unit: "", target: { max: 0 } },
    ];
    return [
      {
        title: "daemon state file (4 devices × 8 sessions, 1,000 plugin choices, 100 failure records)",
        rows,
        notes: [`in ${tmpdir()}; fsync cost depends on the disk`],
      },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
