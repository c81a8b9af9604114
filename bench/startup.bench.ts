import { spawn } from "node:child_process";
import { access, constants, mkdtemp } from "node:fs/promises";
import { loadavg } from "node:os";
import { join } from "node:path";
import { installedPackage } from "../test/support/installed-package.ts";
import type { BenchRow, BenchTable } from "./table.ts";

/**
 * Start-up cost of the product as installed from its tarball: the wall time and peak RSS
 * of `hotspot --version` and `hotspot list --scan FILE`, each against `node -e 0` measured
 * in the same run, interleaved so machine load hits them alike. Targets: at most 2×
 * node's wall time and 1.6× its peak RSS. `list` runs with the plugin descriptor cache
 * its first run filled (docs/descriptor-cache.md), as a user's every list but the first
 * does; the same command with an empty cache each time is reported beside it, untargeted. Also the tarball's size and how long packing
 * and installing it took (`npm install --prefer-offline` into an empty folder).
 *
 * Peak RSS is the child's own maximum resident set and CPU its user + system time
 * (`/usr/bin/time -f "%M %U %S"`, getrusage of the waited child); wall time is measured
 * here around the same spawn. Figures are medians. On a loaded machine the wall-time
 * ratio is inflated by waiting for a core; the CPU ratio (informational) shows the work.
 */

const RUNS = 9;
const TIME = "/usr/bin/time";
const WALL_RATIO = 2;
const RSS_RATIO = 1.6;

interface Sample {
  readonly ms: number;
  readonly rssKb: number;
  /** User + system CPU time: unlike wall time, it hardly moves with the machine's load. */
  readonly cpuMs: number;
}

function measure(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(TIME, ["-f", "%M %U %S", process.execPath, ...args], {
      cwd,
      env,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = performance.now() - started;
      const [rssKb, user, system] = (stderr.trim().split("\n").at(-1) ?? "").split(" ").map(Number);
      if (code !== 0 || rssKb === undefined || user === undefined || system === undefined) {
        reject(new Error(`node ${args.join(" ")} exited ${code}: ${stderr}`));
        return;
      }
      if (![rssKb, user, system].every(Number.isFinite)) {
        reject(new Error(`${TIME} printed ${stderr}`));
        return;
      }
      resolve({ ms, rssKb, cpuMs: (user + system) * 1000 });
    });
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export default async function startup(): Promise<readonly BenchTable[]> {
  await access(TIME, constants.X_OK).catch(() => {
    throw new Error(`${TIME} is needed for peak RSS (Debian: apt-get install time)`);
  });
  const load = loadavg()[0] ?? 0;
  const pkg = await installedPackage();
  try {
    const scan = join(pkg.packageDir, "fixtures/scans/cafe-street.json");
    const commands = {
      node: ["-e", "0"],
      version: [pkg.bin, "--version"],
      list: [pkg.bin, "list", "--scan", scan],
      listCold: [pkg.bin, "list", "--scan", scan],
    } as const;
    const samples: Record<keyof typeof commands, Sample[]> = {
      node: [],
      version: [],
      list: [],
      listCold: [],
    };
    // One warm-up round fills the page cache and the plugin descriptor cache (as a user's
    // first `hotspot list` does), then rounds interleave the commands. `listCold` runs
    // with an empty cache folder every time: what the first list after an install or a
    // plugin edit costs, when every plugin is imported.
    for (let round = 0; round <= RUNS; round++) {
      for (const key of ["node", "version", "list", "listCold"] as const) {
        const env =
          key === "listCold"
            ? { ...pkg.env, XDG_CACHE_HOME: await mkdtemp(join(pkg.tempDir, "cold-cache-")) }
            : pkg.env;
        const sample = await measure(commands[key], pkg.appDir, env);
        if (round > 0) samples[key].push(sample);
      }
    }
    const wall = (key: keyof typeof commands) => median(samples[key].map((s) => s.ms));
    const rss = (key: keyof typeof commands) => median(samples[key].map((s) => s.rssKb)) / 1024;
    const cpu = (key: keyof typeof commands) => median(samples[key].map((s) => s.cpuMs));
    const rows: BenchRow[] = [
      { metric: "node -e 0: wall", value: wall("node"), unit: "ms" },
      { metric: "node -e 0: CPU (user + system)", value: cpu("node"), unit: "ms" },
      { metric: "node -e 0: peak RSS", value: rss("node"), unit: "MB" },
    ];
    for (const [key, label] of [
      ["version", "hotspot --version"],
      ["list", "hotspot list --scan FILE"],
    ] as const) {
      rows.push(
        { metric: `${label}: wall`, value: wall(key), unit: "ms" },
        { metric: `${label}: CPU (user + system)`, value: cpu(key), unit: "ms" },
        { metric: `${label}: peak RSS`, value: rss(key), unit: "MB" },
        {
          metric: `${label}: wall / node's`,
          value: wall(key) / wall("node"),
          unit: "×",
          target: { max: WALL_RATIO },
        },
        { metric: `${label}: CPU / node's`, value: cpu(key) / cpu("node"), unit: "×" },
        {
          metric: `${label}: peak RSS / node's`,
          value: rss(key) / rss("node"),
          unit: "×",
          target: { max: RSS_RATIO },
        },
      );
    }
    rows.push(
      {
        metric: "hotspot list --scan FILE, empty descriptor cache: wall",
        value: wall("listCold"),
        unit: "ms",
      },
      {
        metric: "hotspot list --scan FILE, empty descriptor cache: wall / node's",
        value: wall("listCold") / wall("node"),
        unit: "×",
      },
      {
        metric: "hotspot list --scan FILE, empty descriptor cache: peak RSS",
        value: rss("listCold"),
        unit: "MB",
      },
      { metric: "tarball size", value: pkg.tarballBytes / 1024, unit: "KiB" },
      { metric: "npm pack (with its build)", value: pkg.packMs / 1000, unit: "s" },
      { metric: "npm install --prefer-offline of the tarball", value: pkg.installMs / 1000, unit: "s" },
    );
    return [
      {
        title: "Start-up of the installed package (compiled JavaScript, no transpiler)",
        rows,
        notes: [
          `${RUNS} interleaved runs of each command after one warm-up round; medians. Node ${process.version}.`,
          `Load average when the run began: ${load.toFixed(2)} (wall times and install time scale with it).`,
          "list runs with the descriptor cache the warm-up round filled; 'empty descriptor cache' imports every plugin.",
        ],
      },
    ];
  } finally {
    await pkg.remove();
  }
}
