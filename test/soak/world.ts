import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type UserConfig, userConfigSchema } from "../../src/config/schema.ts";
import type { Clock } from "../../src/daemon/clock.ts";
import { Daemon } from "../../src/daemon/daemon.ts";
import type { SessionSummary } from "../../src/daemon/events.ts";
import { StateStore } from "../../src/daemon/state/store.ts";
import { type PrivateBus, startPrivateBus } from "../../src/harness/dbus-daemon.ts";
import { type Portal, startPortal } from "../../src/harness/index.ts";
import { SimulatedNetworkManager } from "../../src/harness/nm/index.ts";
import { loadRegistry } from "../../src/helper-api/loader.ts";
import { daemonPluginProcesses, followDaemon } from "../../src/plugin-host/daemon-processes.ts";
import type { PluginSupervisor } from "../../src/plugin-host/supervisor.ts";
import { type BusConnection, openBus } from "../../src/scan/dbus/bus.ts";
import {
  createNetworkManagerSource,
  type NetworkManagerSource,
} from "../../src/scan/networkmanager/index.ts";

const PLUGINS = ["click-through", "capport"].map((id) =>
  fileURLToPath(new URL(`../../plugins/${id}`, import.meta.url)),
);

/** One network of the soak's world: a portal scenario, the plugin that should win it, its access points. */
export interface SoakNetwork {
  readonly ssid: string;
  readonly plugin: "click-through" | "capport";
  readonly scenario: string;
  readonly variant?: string;
  readonly params?: Readonly<Record<string, unknown>>;
  /** Announced as DHCP option 114 (RFC 8910) on join. */
  readonly capport: boolean;
  readonly bssids: readonly string[];
}

export interface SoakWorldOptions {
  readonly devices: readonly string[];
  /** The daemon's and the portals' clock; default the system's. */
  readonly clock?: Clock;
  /** The expiring (extendable) RFC 8908 network's session length. */
  readonly airportSeconds: number;
  /** The day pass's (not extendable) session length. */
  readonly dayPassSeconds: number;
  readonly maintainIntervalSeconds: number;
  /** The capport plugin renews when fewer seconds than this remain. */
  readonly renewBelowSeconds: number;
  /** Jitter source (0..1) for maintains. */
  readonly random: () => number;
}

const bssids = (n: number): string[] => [1, 2, 3].map((i) => `02:50:0${n}:00:00:0${i}`);

export function soakNetworks(o: SoakWorldOptions): readonly SoakNetwork[] {
  return [
    {
      ssid: "Soak Hotel",
      plugin: "click-through",
      scenario: "click-through",
      capport: false,
      bssids: bssids(1),
    },
    {
      ssid: "Soak Airport",
      plugin: "capport",
      scenario: "expiring",
      params: { sessionSeconds: o.airportSeconds },
      capport: true,
      bssids: bssids(2),
    },
    {
      ssid: "Soak Day Pass",
      plugin: "capport",
      scenario: "capport",
      variant: "no-extend",
      params: { sessionSeconds: o.dayPassSeconds, bytesQuota: 0 },
      capport: true,
      bssids: bssids(3),
    },
  ];
}

/**
 * The soak's world: a private dbus-daemon (with the system bus's 512 match rules per
 * connection), the simulated NetworkManager with several Wi-Fi devices that each see every
 * network's access points, one loopback portal per device and network (each portal knows
 * its client as 127.0.0.1, so one per device keeps their sessions apart, as separate
 * laptops' MAC addresses would), the bundled click-through and capport plugins, and the
 * daemon with its state on disk.
 */
export class SoakWorld {
  daemon!: Daemon;
  source!: NetworkManagerSource;
  store!: StateStore;
  /** Logins (authenticated events) and problems since start, for the phases to compare. */
  logins = 0;
  /** Logins by device, to tell which of them a join caused. */
  readonly loginsOn = new Map<string, number>();
  readonly problems = new Map<string, number>();
  #processes: PluginSupervisor | undefined;
  #unfollow: (() => void) | undefined;
  /** The last state changes of each device, for a failure's message. */
  readonly trail = new Map<string, string[]>();
  readonly networks: readonly SoakNetwork[];
  /** Access point object paths by device, SSID and BSSID index. */
  readonly aps = new Map<string, string>();

  private constructor(
    readonly options: SoakWorldOptions,
    readonly bus: PrivateBus,
    readonly sim: SimulatedNetworkManager,
    readonly probe: BusConnection,
    readonly portals: ReadonlyMap<string, Portal>,
    readonly config: UserConfig,
    readonly dir: string,
  ) {
    this.networks = soakNetworks(options);
  }

  static async start(o: SoakWorldOptions): Promise<SoakWorld> {
    const dir = await mkdtemp(join(tmpdir(), "hh-soak-"));
    const bus = await startPrivateBus({ maxMatchRulesPerConnection: 512 });
    const sim = await SimulatedNetworkManager.start({ busAddress: bus.address, connectivity: "portal" });
    // Its own check after a login says online at once (the daemon would otherwise ask twice, a second apart).
    sim.onCheckConnectivity(() => "full");
    const now = o.clock ? () => o.clock?.now() ?? Date.now() : undefined;
    const portals = new Map<string, Portal>();
    const networks = soakNetworks(o);
    for (const device of o.devices) {
      for (const n of networks) {
        const portal = await startPortal({
          scenario: n.scenario,
          ...(n.variant ? { variant: n.variant } : {}),
          ...(n.params ? { params: n.params } : {}),
          ...(now ? { now } : {}),
        });
        portals.set(`${device}|${n.ssid}`, portal);
      }
    }
    const config = userConfigSchema.parse({
      maintainIntervalSeconds: o.maintainIntervalSeconds,
      plugins: {
        "click-through": {
          config: { ssids: networks.filter((n) => n.plugin === "click-through").map((n) => n.ssid) },
        },
        capport: {
          config: {
            ssids: networks.filter((n) => n.plugin === "capport").map((n) => n.ssid),
            renewBelowSeconds: o.renewBelowSeconds,
          },
        },
      },
    });
    const probe = await openBus(bus.address);
    const world = new SoakWorld(o, bus, sim, probe, portals, config, dir);
    o.devices.forEach((device, d) => {
      sim.addWifiDevice(device, `02:00:00:00:0${d + 1}:00`);
      for (const n of networks) {
        n.bssids.forEach((bssid, i) => {
          world.aps.set(
            `${device}|${n.ssid}|${i}`,
            sim.addAccessPoint(device, { ssid: n.ssid, bssid, strength: 60 + i }),
          );
        });
      }
      sim.completeScan(device);
    });
    await sim.flushed();
    await world.startDaemon();
    return world;
  }

  portal(device: string, ssid: string): Portal {
    const p = this.portals.get(`${device}|${ssid}`);
    if (!p) throw new Error(`no portal for ${device} on ${ssid}`);
    return p;
  }

  network(ssid: string): SoakNetwork {
    const n = this.networks.find((x) => x.ssid === ssid);
    if (!n) throw new Error(`no network ${ssid}`);
    return n;
  }

  /**
   * A daemon as `hotspot daemon` builds one, on the state directory of any earlier one: with
   * the config's plugin isolation (by default each plugin in a process of its own, started
   * afresh with every daemon, as a restarted service starts them).
   */
  async startDaemon(): Promise<void> {
    const o = this.options;
    this.store = await StateStore.open({
      dir: join(this.dir, "state"),
      onProblem: (e) => this.#problem(e.code),
    });
    this.source = createNetworkManagerSource({ busAddress: this.bus.address });
    const ca = [...this.portals.values()].find((p) => p.ca !== undefined)?.ca;
    this.#processes =
      this.config.pluginIsolation === "process"
        ? daemonPluginProcesses({
            storeRoot: join(this.dir, "plugins"),
            side: { ...(ca === undefined ? {} : { ca: [ca] }), testNetwork: true },
            permissions: true,
            env: process.env,
            log: (e) => {
              if (e.level === "warn" || e.level === "error") this.#note("?", `${e.scope}: ${e.message}`);
            },
          })
        : undefined;
    const registry = await loadRegistry({
      pluginDirs: PLUGINS,
      includeBundled: false,
      config: this.config,
      strict: true,
      ...(this.#processes ? { isolate: this.#processes } : {}),
    });
    this.daemon = new Daemon({
      source: this.source,
      registry,
      ...(this.#processes ? { pluginProcesses: this.#processes } : {}),
      config: this.config,
      log: (e) => {
        if (e.level === "warn" || e.level === "error")
          this.#note(
            String(e.fields?.device ?? "?"),
            `${e.scope}: ${e.message} ${JSON.stringify(e.fields ?? {})}`,
          );
      },
      probeUrlFor: (n) => this.portal(n.interface, n.ssidText).probeUrl,
      ...(ca === undefined ? {} : { ca }),
      testNetwork: true,
      random: o.random,
      ...(o.clock ? { clock: o.clock } : {}),
      state: this.store,
      pluginStoreRoot: join(this.dir, "plugins"),
      // Logins fail only if something is wrong; a failed one is retried quickly, not in minutes.
      retry: { retries: 2, minTimeoutMs: 20, maxTimeoutMs: 100 },
    });
    this.daemon.on("authenticated", (device, _id, facts) => {
      this.logins++;
      this.loginsOn.set(device, (this.loginsOn.get(device) ?? 0) + 1);
      this.#note(device, `logged in with ${JSON.stringify(facts)}`);
    });
    this.daemon.on("state", (c) => this.#note(c.device, `${c.from} → ${c.to} (${c.reason})`));
    this.daemon.on("portal", (device, p) =>
      this.#note(
        device,
        `portal: ${p.verdict}${p.api ? ` api captive=${p.api.captive} left=${p.api.secondsRemaining}` : ""} by ${p.decidedBy}`,
      ),
    );
    this.source.on("join", (e) =>
      this.#note(e.device, `joined ${e.network.ssidText} api=${e.network.captivePortalUri}`),
    );
    this.daemon.on("problem", (_d, e) => this.#problem(e.code));
    this.#unfollow = this.#processes ? followDaemon(this.#processes, this.daemon) : undefined;
    await this.daemon.start();
  }

  async stopDaemon(): Promise<void> {
    this.#unfollow?.();
    await this.daemon.stop();
    await this.#processes?.close();
    await this.store.flush();
  }

  /** Resolves when no session has work in flight (a maintain, a login), checked until it stays so. */
  async settle(): Promise<void> {
    for (let round = 0; round < 50; round++) {
      const running = this.daemon.sessions().map((s) => s.idle());
      await Promise.all(running);
      const again = this.daemon.sessions().map((s) => s.idle());
      if (again.every((p, i) => p === running[i])) return;
    }
  }

  /**
   * The summary of `device` once it passes `test` (looked at after every state change and
   * summary the daemon emits), within a real-time deadline.
   */
  until(
    device: string,
    test: (s: SessionSummary | undefined) => boolean,
    what: string,
    ms = 30_000,
  ): Promise<void> {
    const current = (): SessionSummary | undefined =>
      this.daemon.listSessions().find((s) => s.device === device);
    return new Promise((resolve, reject) => {
      if (test(current())) return resolve();
      const daemon = this.daemon;
      const done = (): void => {
        clearTimeout(timer);
        daemon.off("session", look);
        daemon.off("state", look);
      };
      // Looked at a turn later: a leave clears the session's network just after its state event.
      const look = (): void =>
        void setImmediate(() => {
          if (!test(current())) return;
          done();
          resolve();
        });
      const timer = setTimeout(() => {
        done();
        const last = current();
        reject(
          new Error(
            `${device}: no ${what} within ${ms} ms; last: ${last?.state} (${last?.reason})\n  ${this.trail.get(device)?.join("\n  ")}`,
          ),
        );
      }, ms);
      daemon.on("session", look);
      daemon.on("state", look);
    });
  }

  /** Empties every portal's request log and credential record (they would grow with the run). */
  clearRecords(): void {
    for (const p of this.portals.values()) p.clearRecords();
  }

  async close(): Promise<void> {
    await this.stopDaemon().catch(() => undefined);
    this.probe.close();
    await this.sim.stop();
    await Promise.all([...this.portals.values()].map((p) => p.close()));
    await this.bus.stop();
    await rm(this.dir, { recursive: true, force: true });
  }

  #note(device: string, what: string): void {
    const lines = this.trail.get(device) ?? [];
    lines.push(`${new Date(this.options.clock?.now() ?? Date.now()).toISOString()} ${what}`);
    if (lines.length > 40) lines.shift();
    this.trail.set(device, lines);
  }

  #problem(code: string): void {
    this.problems.set(code, (this.problems.get(code) ?? 0) + 1);
  }
}
