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

/** The wait bounds: a line that has not come by then is not coming (the daemon hangs). */
export const BOUNDS = { startMs: 20_000, loginMs: 6_000, settleMs: HOOK_TIMEOUT_MS + 4_000 } as const;

export interface LoginCheck {
  readonly ok: boolean;
  /** Why not, when not ok. */
  readonly why?: string;
}

/**
 * One daemon with one fault plugin and the two healthy ones, on its own private bus with
 * its own simulated NetworkManager (wlan0 sees the fault's SSID, wlan1 and wlan2 the
 * healthy ones') and one loopback form-login portal. Every network is captive at that one
 * portal; the suite logs in on one device at a time and makes the portal forget the client
 * between logins, so each login is a real one (all devices share 127.0.0.1 on loopback).
 */
export class FaultWorld {
  readonly fault: Fault;
  readonly mode: HostMode;
  readonly portal: Portal;
  readonly daemon: FaultDaemon;
  readonly startedAtMs: number;
  readonly #bus: PrivateBus;
  readonly #sim: SimulatedNetworkManager;
  readonly #dir: string;
  readonly #aps: Record<string, string>;
  #ipv4 = 10;

  private constructor(o: {
    fault: Fault;
    mode: HostMode;
    portal: Portal;
    daemon: FaultDaemon;
    startedAtMs: number;
    bus: PrivateBus;
    sim: SimulatedNetworkManager;
    dir: string;
    aps: Record<string, string>;
  }) {
    this.fault = o.fault;
    this.mode = o.mode;
    this.portal = o.portal;
    this.daemon = o.daemon;
    this.startedAtMs = o.startedAtMs;
    this.#bus = o.bus;
    this.#sim = o.sim;
    this.#dir = o.dir;
    this.#aps = o.aps;
  }

  static async start(fault: Fault, mode: HostMode, install?: Install): Promise<FaultWorld> {
    const dir = await mkdtemp(join(tmpdir(), `hotspot-faults-${process.pid}-`));
    const bus = await startPrivateBus();
    const sim = await SimulatedNetworkManager.start({ busAddress: bus.address, connectivity: "portal" });
    const aps: Record<string, string> = {};
    const devices = [
      ["wlan0", fault.ssid],
      ["wlan1", HEALTHY[0].ssid],
      ["wlan2", HEALTHY[1].ssid],
    ] as const;
    devices.forEach(([iface, ssid], i) => {
      sim.addWifiDevice(iface, `02:00:00:00:0${i}:00`);
      aps[iface] = sim.addAccessPoint(iface, { ssid, bssid: `02:fa:00:00:00:0${i}`, strength: 70 });
      sim.completeScan(iface);
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
        ...hostModeConfig(mode),
        plugins: Object.fromEntries(HEALTHY.map((h) => [h.id, { credentials: ACCOUNT }])),
      }),
    );
    const plugins = [...HEALTHY.map((h) => h.dir), fault.dir].flatMap((d) => [
      "--plugins",
      join(FIXTURES, d),
    ]);
    const startedAtMs = performance.now();
    const daemon = new FaultDaemon(
      [`--max-old-space-size=${DAEMON_HEAP_MB}`],
      [
        ...["--bus", bus.address, "--no-api", "--no-bundled", "--config", config],
        ...["--state-dir", join(dir, "state"), "--json-logs", "--verbose", ...plugins],
      ],
      {},
      install,
    );
    return new FaultWorld({ fault, mode, portal, daemon, startedAtMs, bus, sim, dir, aps });
  }

  /** The daemon's `started` line (it has loaded its plugins and follows NetworkManager), or undefined. */
  started() {
    return this.daemon.waitFor(/^started: /, BOUNDS.startMs);
  }

  /**
   * Isolated: waits until the processes of the plugins that loaded are ready (the host
   * starts them ahead for networks in the scan), so the healthy logins measure the fault and
   * not a cold start racing the hook deadline. True when they all are, or in process.
   */
  async pluginsReady(): Promise<boolean> {
    if (this.mode !== "isolated") return true;
    const ids = [...HEALTHY.map((h) => h.id), ...(this.fault.phase === "hook" ? [this.fault.pluginId] : [])];
    const ready = await Promise.all(ids.map((id) => this.daemon.waitFor(readyLine(id), BOUNDS.startMs)));
    return ready.every((l) => l !== undefined);
  }

  /** Joins `iface` to its network; returns the log position from which the daemon's reaction counts. */
  async join(iface: string): Promise<number> {
    const from = this.daemon.lines.length;
    this.portal.deauthorize();
    this.#sim.setConnectivity("portal");
    await this.#sim.join(iface, this.#aps[iface] ?? "", { ipv4: `10.0.0.${this.#ipv4++}` });
    return from;
  }

  async leave(iface: string): Promise<void> {
    await this.#sim.leave(iface);
  }

  /**
   * A healthy plugin's login on its own device, judged by the portal's own record: a login
   * POST that names the plugin, answered with a redirect, and the client let through. The
   * daemon's `→ Authenticated` line is only how long to wait.
   */
  async healthyLogin(which: 0 | 1): Promise<LoginCheck> {
    const h = HEALTHY[which];
    const iface = which === 0 ? "wlan1" : "wlan2";
    if (!this.daemon.alive) return { ok: false, why: "the daemon is not running" };
    const logStart = this.portal.log.length;
    const from = await this.join(iface);
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
