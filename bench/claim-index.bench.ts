import { defaultUserConfig } from "../src/config/schema.ts";
import { ClaimIndex } from "../src/helper-api/claim-index.ts";
import type { Claim } from "../src/helper-api/claims.ts";
import { loadRegistry } from "../src/helper-api/loader.ts";
import { type ScannedNetwork, SECURITIES, scannedNetwork } from "../src/helper-api/network.ts";
import { definePlugin } from "../src/helper-api/plugin.ts";
import type { BenchRow, BenchTable } from "./table.ts";

/**
 * The claim index at scale: 100 synthetic operator plugins with 1,000,000 static claims
 * between them (mostly exact SSIDs, plus SSID prefixes, OUIs and a few patterns), and a
 * 1,000-AP scan mixing claimed and unclaimed networks. Data is generated from a fixed seed,
 * so runs are comparable.
 */

const PLUGINS = 100;
const CLAIMS_PER_PLUGIN = 10_000;
const PREFIXES_PER_PLUGIN = 200;
const OUIS_PER_PLUGIN = 50;
/** One pattern for every fifth plugin: 20 in all ("a few", as real operators need). */
const PATTERN_EVERY = 5;
const SCAN_SIZE = 1_000;
const WARMUP_SCANS = 100;
const TIMED_SCANS = 1_000;
const BUILDS = 3;

/** A small deterministic PRNG (mulberry32), so every run sees the same data. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CITIES = ["Berlin", "Lyon", "Porto", "Oslo", "Gent", "Bari", "Graz", "Turku", "Brno", "Cork"];
const hex2 = (n: number) => (n & 0xff).toString(16).padStart(2, "0");
const exactSsid = (p: number, i: number) => `Op${p} ${CITIES[i % CITIES.length]} ${i}`;
/** Every 97th exact claim is a non-UTF-8 SSID given as hex: bytes 0xff, plugin, index. */
const hexSsid = (p: number, i: number) => `ff${hex2(p)}${(i >>> 0).toString(16).padStart(8, "0")}`;
const prefix = (p: number, i: number) => `Op${p}-${i}-`;
const oui = (p: number, i: number) => `0a:${hex2(p)}:${hex2(i)}`;

/** Shared, as a plugin would write one constant for its open-network claims. */
const OPEN = ["open", "owe"] as const;

function pluginClaims(p: number): Claim[] {
  const claims: Claim[] = [];
  const exact = CLAIMS_PER_PLUGIN - PREFIXES_PER_PLUGIN - OUIS_PER_PLUGIN - (p % PATTERN_EVERY === 0 ? 1 : 0);
  for (let i = 0; i < exact; i++) {
    if (i % 97 === 0) claims.push({ ssid: { hex: hexSsid(p, i) }, confidence: "high" });
    else if (i % 10 === 0) claims.push({ ssid: exactSsid(p, i), confidence: "medium", security: OPEN });
    else claims.push({ ssid: exactSsid(p, i), confidence: "high" });
  }
  for (let i = 0; i < PREFIXES_PER_PLUGIN; i++)
    claims.push({ ssidPrefix: prefix(p, i), confidence: "medium" });
  for (let i = 0; i < OUIS_PER_PLUGIN; i++) claims.push({ bssidPrefix: oui(p, i), confidence: "low" });
  if (p % PATTERN_EVERY === 0) claims.push({ ssidPattern: `^Guest-${p}-\\d{2,4}$`, confidence: "low" });
  return claims;
}

function makePlugins() {
  return Array.from({ length: PLUGINS }, (_, p) => ({
    id: `operator-${String(p).padStart(3, "0")}`,
    displayName: `Operator ${p}`,
    priority: p,
    claims: pluginClaims(p),
  }));
}

/** 1,000 APs: 30% exact (some hex), 20% prefix, 10% OUI, 5% pattern, 35% unclaimed. */
function makeScan(): ScannedNetwork[] {
  const rnd = prng(42);
  const int = (n: number) => Math.floor(rnd() * n);
  const enc = new TextEncoder();
  const scan: ScannedNetwork[] = [];
  for (let k = 0; k < SCAN_SIZE; k++) {
    const p = int(PLUGINS);
    const roll = rnd();
    let ssid: Uint8Array;
    let bssid = Array.from({ length: 6 }, (_, j) => hex2(j === 0 ? 0x02 : int(256))).join(":");
    if (roll < 0.3) {
      const i = int(9_000);
      ssid = i % 97 === 0 ? Buffer.from(hexSsid(p, i), "hex") : enc.encode(exactSsid(p, i));
    } else if (roll < 0.5) ssid = enc.encode(`${prefix(p, int(PREFIXES_PER_PLUGIN))}${CITIES[int(10)]}`);
    else if (roll < 0.6) {
      ssid = enc.encode(`Lobby ${int(1000)}`);
      bssid = `${oui(p, int(OUIS_PER_PLUGIN))}:${hex2(int(256))}:${hex2(int(256))}:${hex2(int(256))}`;
    } else if (roll < 0.65) ssid = enc.encode(`Guest-${p - (p % PATTERN_EVERY)}-${int(10_000)}`);
    else if (roll < 0.8)
      ssid = enc.encode(
        `HOME-${int(1 << 20)
          .toString(16)
          .toUpperCase()}`,
      );
    else if (roll < 0.9) ssid = Uint8Array.from({ length: 1 + int(32) }, () => int(256));
    else ssid = enc.encode(`Op${p} ${CITIES[int(10)]} x${int(1000)}`);
    scan.push(
      scannedNetwork({
        ssid,
        bssid,
        strength: int(101),
        frequency: 2412,
        security: SECURITIES[int(8)] ?? "open",
      }),
    );
  }
  return scan;
}

function memory(): number {
  globalThis.gc?.();
  const m = process.memoryUsage();
  // Typed arrays live outside the JS heap: count their buffers too.
  return m.heapUsed + m.arrayBuffers;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
}

/** Per-scan times of `filter` over the scan, in ms, sorted. */
async function timeScans(filter: () => unknown): Promise<number[]> {
  for (let i = 0; i < WARMUP_SCANS; i++) await filter();
  const times: number[] = [];
  for (let i = 0; i < TIMED_SCANS; i++) {
    const t0 = performance.now();
    await filter();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b);
}

const MB = 1024 * 1024;

/** Builds the bare index a few times and times matching; its memory is released on return. */
async function indexPhase(plugins: readonly { readonly claims: readonly Claim[] }[]) {
  const buildTimes: number[] = [];
  let index: ClaimIndex | undefined;
  let indexBytes = 0;
  for (let b = 0; b < BUILDS; b++) {
    index = undefined;
    const m0 = memory();
    const t0 = performance.now();
    index = new ClaimIndex(
      plugins.map((p, i) => ({ id: `p${i}`, displayName: "p", priority: i, claims: p.claims })),
    );
    buildTimes.push(performance.now() - t0);
    indexBytes = memory() - m0;
  }
  const built = index;
  if (!built) throw new Error("no index built");
  const scan = makeScan();
  let claimed = 0;
  for (const n of scan) if (built.match(n).length > 0) claimed++;
  memory();
  const matchTimes = await timeScans(() => {
    for (const n of scan) built.match(n);
  });
  return { buildTimes, indexBytes, claimed, matchTimes };
}

export default async function claimIndexBench(): Promise<BenchTable[]> {
  const before = memory();
  const plugins = makePlugins();
  const claimCount = plugins.reduce((n, p) => n + p.claims.length, 0);
  const withClaims = memory();

  const { buildTimes, indexBytes, claimed, matchTimes } = await indexPhase(plugins);

  // The path the daemon takes: loadRegistry validates every claim, builds the index, and
  // filterScanList ranks each AP's claims with the user's preferences.
  const t0 = performance.now();
  const registry = await loadRegistry({
    pluginDirs: [],
    includeBundled: false,
    config: { ...defaultUserConfig(), preferences: { "Op1 Berlin 0": "operator-001" } },
    strict: true,
    inline: plugins.map((p) => ({
      plugin: definePlugin({ ...p, version: "1.0.0", sdk: "^0.1.0" }),
      source: `bench:${p.id}`,
    })),
  });
  const loadMs = performance.now() - t0;
  const totalBytes = memory() - before;
  const scan = makeScan();
  const registryTimes = await timeScans(() => registry.filterScanList(scan));

  const rows: BenchRow[] = [
    { metric: "static claims", value: claimCount, unit: "claims" },
    {
      metric: "index build",
      value: Math.max(...buildTimes) / 1000,
      unit: "s",
      target: { max: 2 },
      note: `worst of ${BUILDS} builds (${buildTimes.map((t) => (t / 1000).toFixed(2)).join(", ")} s)`,
    },
    {
      metric: "index memory",
      value: indexBytes / MB,
      unit: "MB",
      target: { max: 200 },
      note: "JS heap + typed-array buffers retained by the index, after a full GC",
    },
    {
      metric: "total memory",
      value: totalBytes / MB,
      unit: "MB",
      target: { max: 200 },
      note: `everything this bench holds: the plugins' claim objects (${((withClaims - before) / MB).toFixed(0)} MB) and the loaded registry with its index`,
    },
    { metric: "match scan p50", value: percentile(matchTimes, 0.5), unit: "ms", target: { max: 2 } },
    { metric: "match scan p99", value: percentile(matchTimes, 0.99), unit: "ms", target: { max: 5 } },
    {
      metric: "loadRegistry (validate + index)",
      value: loadMs / 1000,
      unit: "s",
      note: "zod validation of every claim, settings, then the index build",
    },
    { metric: "filterScanList p50", value: percentile(registryTimes, 0.5), unit: "ms", target: { max: 2 } },
    { metric: "filterScanList p99", value: percentile(registryTimes, 0.99), unit: "ms", target: { max: 5 } },
  ];
  return [
    {
      title: `Claim index: ${PLUGINS} plugins, ${claimCount.toLocaleString("en-US")} static claims, ${SCAN_SIZE}-AP scan`,
      rows,
      notes: [
        `scan: ${claimed} of ${SCAN_SIZE} APs claimed (exact incl. non-UTF-8, prefix, OUI, pattern, unclaimed); ${TIMED_SCANS} timed scans after ${WARMUP_SCANS} warm-up`,
        "match scan = ClaimIndex.match for every AP; filterScanList = the registry's static path with ranking and preferences",
        `node ${process.version}, ${globalThis.gc ? "--expose-gc" : "no --expose-gc (memory figures are rough)"}`,
      ],
    },
  ];
}
