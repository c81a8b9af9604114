import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { startPrivateBus } from "../src/harness/dbus-daemon.ts";
import { startPortal } from "../src/harness/index.ts";
import { SimulatedNetworkManager } from "../src/harness/nm/index.ts";
import { DAEMON_NODE_FLAGS } from "../src/service/install.ts";
import { FAULTS, HOST_MODES, type HostMode, hostModeConfig } from "../test/integration/faults/catalogue.ts";
import { FaultDaemon } from "../test/integration/faults/daemon-process.ts";
import { runFault } from "../test/integration/faults/run-fault.ts";
import { type InstalledPackage, installedPackage } from "../test/support/installed-package.ts";
import { type LoginRun, loginOnce, median, SSID } from "./login-run.ts";
import type { BenchRow, BenchTable } from "./table.ts";

/**
 * What running plugins outside the daemon costs, each host mode on main measured in the same
 * run:
 * - the login critical path at 50 ms injected portal latency (the auth bench's
 *   `form-login:direct` case): the daemon's overhead is the total minus sequential
 *   requests × latency;
 * - resident memory of the installed daemon (compiled package, the unit's node flags) idle
 *   with its bundled plugins, its plugin processes included, and per loaded plugin (the
 *   difference to the same daemon with no plugins, divided by their number);
 * - from a plugin's crash to its restart, where the host restarts plugins.
 */

const LATENCY_MS = 50;
const RUNS = 9;
/** Idle: after start-up's own work (first scan, API set-up) has settled. */
const SETTLE_MS = 5_000;
const account = { username: "bench-user", password: "bench-Secret-42" };
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function loginOverhead(mode: HostMode): Promise<{ overheadMs: number; seq: number; ms: number }> {
  const once = async (): Promise<LoginRun> => {
    const portal = await startPortal({
      scenario: "form-login:direct",
      credentials: account,
      latencyMs: LATENCY_MS,
    });
    return loginOnce(portal, `form-login:direct (${mode})`, {
      config: hostModeConfig(mode),
      plugins: {
        "click-through": { enabled: false },
        wispr: { enabled: false },
        capport: { enabled: false },
        "uam-chap": { enabled: false },
        "example-cafe": {
          config: { ssid: SSID, portalHost: "127.0.0.1", allowHttp: true },
          credentials: account,
        },
      },
    });
  };
  await once(); // warm-up: module loading (and, isolated, the first process) is not login cost
  const runs: LoginRun[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await once());
  return {
    overheadMs: Math.max(0, median(runs.map((r) => r.ms - r.seq * LATENCY_MS))),
    seq: Math.max(...runs.map((r) => r.seq)),
    ms: median(runs.map((r) => r.ms)),
  };
}

/** VmRSS of `root` and every process below it, kB, and how many processes that is. */
async function treeRss(root: number): Promise<{ kb: number; processes: number }> {
  const parents = new Map<number, number>();
  for (const name of await readdir("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, "utf8").catch(() => "");
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (stat !== "") parents.set(Number(name), ppid);
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, ppid] of parents) if (ppid === tree[i]) tree.push(pid);
  }
  let kb = 0;
  for (const pid of tree) {
    const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
    kb += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  }
  return { kb, processes: tree.length };
}

interface Idle {
  readonly mb: number;
  readonly plugins: number;
  readonly processes: number;
}

/** The installed daemon on a private bus, idle with its bundled plugins (or none), measured. */
async function idleDaemon(pkg: InstalledPackage, mode: HostMode, bundled: boolean): Promise<Idle> {
  const bus = await startPrivateBus();
  const sim = await SimulatedNetworkManager.start({ busAddress: bus.address, connectivity: "full" });
  const dir = await mkdtemp(join(tmpdir(), "hotspot-isolation-bench-"));
  let daemon: FaultDaemon | undefined;
  try {
    sim.addWifiDevice("wlan0");
    sim.addAccessPoint("wlan0", { ssid: "Bench Idle", bssid: "02:61:00:00:00:01", strength: 70 });
    sim.completeScan("wlan0");
    const config = join(dir, "config.json");
    await writeFile(
      config,
      JSON.stringify({ probeUrl: "http://127.0.0.1:9/generate_204", ...hostModeConfig(mode) }),
    );
    daemon = new FaultDaemon(
      DAEMON_NODE_FLAGS,
      [
        ...["--bus", bus.address, "--api-bus", bus.address, "--config", config, "--json-logs"],
        ...["--state-dir", join(dir, "state"), ...(bundled ? [] : ["--no-bundled"])],
      ],
      {},
      { packageDir: pkg.packageDir, cwd: pkg.appDir, env: pkg.env },
    );
    const started = await daemon.waitFor(/^started: .*, (\d+) plugin\(s\) loaded/, 30_000);
    if (!started) throw new Error(`the installed daemon did not start (${mode}):\n${daemon.rawTail}`);
    await pause(SETTLE_MS);
    const rss = await treeRss(daemon.pid ?? -1);
    const plugins = Number(/(\d+) plugin\(s\) loaded/.exec(started.message)?.[1]);
    return { mb: rss.kb / 1024, plugins, processes: rss.processes };
  } finally {
    await daemon?.stop();
    await sim.stop();
    await bus.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

export default async function isolationBench(): Promise<readonly BenchTable[]> {
  const pkg = await installedPackage();
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  for (const mode of HOST_MODES) {
    const login = await loginOverhead(mode);
    rows.push({
      metric: `${mode}: daemon overhead on the login critical path`,
      value: login.overheadMs,
      unit: "ms",
      ...(mode === "isolated" ? { target: { max: 30 } } : {}),
      note: `form-login:direct, ${LATENCY_MS} ms per response, median of ${RUNS}: total ${Math.round(login.ms)} ms minus ${login.seq} sequential requests × latency`,
    });
    const idle = await idleDaemon(pkg, mode, true);
    const bare = await idleDaemon(pkg, mode, false);
    rows.push(
      {
        metric: `${mode}: daemon resident memory, ${idle.plugins} bundled plugins, idle`,
        value: idle.mb,
        unit: "MB",
        target: { max: 120 },
        note: `VmRSS of the installed daemon and its ${idle.processes - 1} child process(es), ${SETTLE_MS / 1000} s after start`,
      },
      {
        metric: `${mode}: resident memory per loaded plugin`,
        value: Math.max(0, (idle.mb - bare.mb) / Math.max(1, idle.plugins)),
        unit: "MB",
        note: `(with ${idle.plugins} plugins − with none: ${bare.mb.toFixed(1)} MB) / ${idle.plugins}`,
      },
    );
    if (mode === "isolated") {
      const exits = FAULTS.find((f) => f.name === "exits");
      if (!exits) throw new Error("the exits fault is missing from the catalogue");
      const crash = await runFault(exits, mode);
      if (crash.restartMs !== undefined) {
        rows.push({
          metric: "isolated: plugin crash → its process restarted",
          value: crash.restartMs,
          unit: "ms",
          note: "the exits fault plugin: process.exit in authenticate, to the host's restart line",
        });
      } else {
        notes.push("isolated: the crashed plugin's restart was not seen in the daemon's log");
      }
    }
  }
  if (!HOST_MODES.includes("isolated")) {
    notes.push(
      "isolated host: not on this branch, so no isolated figures and no crash → restart time " +
        "(in process a plugin's crash is the daemon's: see npm run faults)",
    );
  }
  notes.push(
    `load average: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")} on ${availableParallelism()} CPUs`,
  );
  return [{ title: "Plugin isolation: what it costs (in process vs isolated, same run)", rows, notes }];
}
