import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { type PrivateBus, startPrivateBus } from "../../../src/harness/dbus-daemon.ts";
import { type Portal, startPortal } from "../../../src/harness/index.ts";
import { SimulatedNetworkManager } from "../../../src/harness/nm/index.ts";
import { type Fault, FIXTURES, HEALTHY, type HostMode, hostModeConfig } from "./catalogue.ts";
import { FaultDaemon, type Install } from "./daemon-process.ts";
import { readyLine } from "./host-lines.ts";

/** The one account the portal accepts; both healthy plugins log in with it. */
export const ACCOUNT = { username: "fault-suite", password: "Healthy-Pa55-word" } as const;

/** The daemon's hook deadline in this world: long enough for a loopback login, short enough for a suite. */
export const HOOK_TIMEOUT_MS = 3_000;

/**
 * The daemon's heap is capped so an allocating plugin that runs inside it ends it within a
 * second instead of taking gigabytes of a shared machine first; uncapped it dies the same
 * way, later (V8's default limit), so the verdict is the same.
 */
const DAEMON_HEAP_MB = 256;

/**
 * The wait bounds: a line that has not come by then is not coming (the daemon hangs). The
 * isolated host imports every plugin in a process of its own before the daemon starts (a
 * plugin stuck at import costs its 10 s import timeout) and starts plugin processes ahead
 * of logins, which on a loaded machine takes far longer than loading them in process.
 */
export const BOUNDS = {
  startMs: { "in-process": 20_000, isolated: 90_000 },
  loginMs: 6_000,
  settleMs: HOOK_TIMEOUT_MS + 4_000,
} as const;

export interface LoginCheck {
  readonly ok: boolean;
  /** Why not, when not ok. */
  readonly why?: string;
}

/** The healthy plugins' devices; the faults' networks are all on wlan0. */
const HEALTHY_IFACES = ["wlan1", "wlan2"] as const;
export const FAULT_IFACE = "wlan0";

interface Parts {
  readonly faults: readonly Fault[];
  readonly mode: HostMode;
  readonly portal: Portal;
  readonly bus: PrivateBus;
  readonly sim: SimulatedNetworkManager;
  readonly dir: string;
  readonly config: string;
  readonly api: boolean;
}

export interface WorldOptions {
  readonly faults: readonly Fault[];
  readonly mode: HostMode;
  /** The faults' networks are in range from the start; otherwise showFault puts one there. */
  readonly faultsInRange: boolean;
  /** Another copy of the product (an installed package) instead of this checkout. */
  readonly install?: Install | undefined;
  /** Serve the daemon's D-Bus API on the world's bus (for `hotspot` commands); default off. */
  readonly api?: boolean;
  /** More config keys; `plugins` entries are added to the healthy plugins' settings. */
  readonly config?: Readonly<Record<string, unknown>>;
}

/**
 * One daemon with fault plugins and the two healthy ones, on its own private bus with its
 * own simulated NetworkManager (wlan0 for the faults' SSIDs, wlan1 and wlan2 for the healthy
 * ones') and one loopback form-login portal. Every network is captive at that one portal;
 * the suite logs in on one device at a time and makes the portal forget the client between
 * logins, so each login is a real one (all devices share 127.0.0.1 on loopback).
 *
 * An isolated host starts a plugin's process ahead for every claimed network in the scan,
 * so a daemon holding many fault plugins is shown one fault's network at a time.
 */
export class FaultWorld {
  readonly faults: readonly Fault[];
  readonly mode: HostMode;
  readonly portal: Portal;
  readonly daemon: FaultDaemon;
  readonly startedAtMs: number;
  /** The world's bus (the daemon's API is there when the world was started with `api`). */
  readonly busAddress: string;
  /** The daemon's config file. */
  readonly configFile: string;
  /** `--plugins` arguments naming every plugin folder the daemon loads. */
  readonly pluginArgs: readonly string[];
  readonly #bus: PrivateBus;
  readonly #sim: SimulatedNetworkManager;
  readonly #dir: string;
  /** Access point object paths by SSID. */
  readonly #aps = new Map<string, string>();
  #ipv4 = 10;

  private constructor(parts: Parts, install: Install | undefined) {
    this.faults = parts.faults;
    this.mode = parts.mode;
    this.portal = parts.portal;
    this.#bus = parts.bus;
    this.#sim = parts.sim;
    this.#dir = parts.dir;
    this.busAddress = parts.bus.address;
    this.configFile = parts.config;
    const plugins = [...HEALTHY.map((h) => h.dir), ...parts.faults.map((f) => f.dir)].flatMap((d) => [
      "--plugins",
      join(FIXTURES, d),
    ]);
    this.pluginArgs = plugins;
    this.startedAtMs = performance.now();
    this.daemon = new FaultDaemon(
      [`--max-old-space-size=${DAEMON_HEAP_MB}`],
      [
        ...["--bus", parts.bus.address, ...(parts.api ? ["--api-bus", parts.bus.address] : ["--no-api"])],
        ...["--no-bundled", "--config", parts.config],
        ...["--state-dir", join(parts.dir, "state"), "--json-logs", "--verbose", ...plugins],
      ],
      { CACHE_DIRECTORY: join(parts.dir, "cache") },
      install,
    );
  }

  static async start(o: WorldOptions): Promise<FaultWorld> {
    const dir = await mkdtemp(join(tmpdir(), `hotspot-faults-${process.pid}-`));
    const bus = await startPrivateBus();
    const sim = await SimulatedNetworkManager.start({ busAddress: bus.address, connectivity: "portal" });
    [FAULT_IFACE, ...HEALTHY_IFACES].forEach((iface, i) => {
      sim.addWifiDevice(iface, `02:00:00:00:0${i}:00`);
    });
    sim.onCheckConnectivity(() => "full");
    const portal = await startPortal({ scenario: "form-login:direct", credentials: ACCOUNT });
    const config = join(dir, "config.json");
    await writeFile(
      config,
      JSON.stringify({
        probeUrl: portal.probeUrl,
        hookTimeoutMs: HOOK_TIMEOUT_MS,
        evaluateTimeoutMs: HOOK_TIMEOUT_MS,
        ...hostModeConfig(o.mode),
        ...o.config,
        plugins: {
          ...Object.fromEntries(HEALTHY.map((h) => [h.id, { credentials: ACCOUNT }])),
          ...Object(o.config?.plugins),
        },
      }),
    );
    const world = new FaultWorld(
      { faults: o.faults, mode: o.mode, portal, bus, sim, dir, config, api: o.api === true },
      o.install,
    );
    for (const [i, h] of HEALTHY.entries()) world.#show(HEALTHY_IFACES[i] ?? "", h.ssid);
    if (o.faultsInRange) for (const f of o.faults) world.#show(FAULT_IFACE, f.ssid);
    return world;
  }

  #show(iface: string, ssid: string): void {
    if (this.#aps.has(ssid)) return;
    const n = this.#aps.size + 1;
    this.#aps.set(
      ssid,
      this.#sim.addAccessPoint(iface, {
        ssid,
        bssid: `02:fa:00:00:00:${n.toString(16).padStart(2, "0")}`,
        strength: 70,
      }),
    );
    this.#sim.completeScan(iface);
  }

  /** Puts the fault's network in range of wlan0 (a scan that lists it). */
  showFault(fault: Fault): void {
    this.#show(FAULT_IFACE, fault.ssid);
  }

  /** Takes the fault's network out of range again. */
  hideFault(fault: Fault): void {
    const path = this.#aps.get(fault.ssid);
    if (path === undefined) return;
    this.#aps.delete(fault.ssid);
    this.#sim.removeAccessPoint(path);
    this.#sim.completeScan(FAULT_IFACE);
  }

  /** The daemon's `started` line (it has loaded its plugins and follows NetworkManager), or undefined. */
  started() {
    return this.daemon.waitFor(/^started: /, BOUNDS.startMs[this.mode]);
  }

  /**
   * Isolated: waits until the processes of `pluginIds` are ready (the host starts them ahead
   * for networks in the scan), so a login measures the fault and not a cold start racing the
   * hook deadline. A process whose latest state line says ready is; otherwise its next ready
   * line is awaited. True when they all are, or in process.
   */
  async pluginsReady(pluginIds: readonly string[]): Promise<boolean> {
    if (this.mode !== "isolated") return true;
    const ready = await Promise.all(
      pluginIds.map((id) => {
        const latest = this.daemon.lines.findLast((l) => l.message.startsWith(`plugin process ${id}: `));
        if (latest && readyLine(id).test(latest.message)) return latest;
        return this.daemon.waitFor(readyLine(id), BOUNDS.startMs[this.mode], this.daemon.lines.length);
      }),
    );
    return ready.every((l) => l !== undefined);
  }

  /** Joins `iface` to `ssid`; returns the log position from which the daemon's reaction counts. */
  async join(iface: string, ssid: string): Promise<number> {
    const from = this.daemon.lines.length;
    this.portal.deauthorize();
    this.#sim.setConnectivity("portal");
    await this.#sim.join(iface, this.#aps.get(ssid) ?? "", { ipv4: `10.0.0.${this.#ipv4++}` });
    return from;
  }

  joinFault(fault: Fault): Promise<number> {
    return this.join(FAULT_IFACE, fault.ssid);
  }

  /**
   * Leaves and, unless the daemon's last word on `iface` was already `→ Inactive`, waits for
   * that line, so the daemon's next line on that device belongs to the next join.
   */
  async leave(iface: string): Promise<void> {
    const from = this.daemon.lines.length;
    const last = this.daemon.lines.findLast(
      (l) => l.message.startsWith(`${iface}: `) && / → /.test(l.message),
    );
    await this.#sim.leave(iface);
    if (last === undefined || / → Inactive/.test(last.message)) return;
    await this.daemon.waitFor(new RegExp(`^${iface}: \\w+ → Inactive`), BOUNDS.loginMs, from);
  }

  /**
   * A healthy plugin's login on its own device, judged by the portal's own record: a login
   * POST that names the plugin, answered with a redirect, and the client let through. The
   * daemon's `→ Authenticated` line is only how long to wait.
   */
  async healthyLogin(which: 0 | 1): Promise<LoginCheck> {
    const h = HEALTHY[which];
    const iface = HEALTHY_IFACES[which];
    if (!this.daemon.alive) return { ok: false, why: "the daemon is not running" };
    const logStart = this.portal.log.length;
    const from = await this.join(iface, h.ssid);
    const done = await this.daemon.waitFor(
      new RegExp(`^${iface}: \\w+ → (Authenticated|Failure|Inactive)`),
      BOUNDS.loginMs,
      from,
    );
    const posts = this.portal.log
      .slice(logStart)
      .filter((e) => e.method === "POST" && e.url.includes(`via=${h.id}`) && e.status === 302);
    const letThrough = this.portal.authorized();
    await this.leave(iface);
    this.portal.deauthorize();
    if (!done) return { ok: false, why: `${iface}: no end of the login within ${BOUNDS.loginMs} ms` };
    if (posts.length !== 1 || !letThrough) {
      return {
        ok: false,
        why: `${iface}: ${done.message}; ${posts.length} accepted login POST(s) from ${h.id}`,
      };
    }
    return { ok: true };
  }

  async close(): Promise<void> {
    await this.daemon.stop();
    await this.portal.close();
    await this.#sim.stop();
    await this.#bus.stop();
    await rm(this.#dir, { recursive: true, force: true });
  }
}
