import { EventEmitter } from "eventemitter3";
import type { AnnotatedNetwork } from "../annotate/model.ts";
import { createLinkRouter, type LinkRouter } from "../auth/link-route.ts";
import type { UserConfig } from "../config/schema.ts";
import type { ScannedNetwork } from "../helper-api/network.ts";
import type { ClaimMatch, PluginRegistry } from "../helper-api/registry-types.ts";
import type { ScanList } from "../scan/source.ts";
import { redactValue } from "../util/redact.ts";
import { createDaemonCalls } from "./daemon-calls.ts";
import type { DaemonOptions } from "./daemon-options.ts";
import { pluginStates, redactedError, secretsOf, toHotspot } from "./daemon-output.ts";
import { logRegistryNotes, rebindSessions } from "./daemon-reload.ts";
import type { PluginStateView } from "./dbus-api/views.ts";
import type { DaemonEvents, ReloadReport, SessionSummary } from "./events.ts";
import { LinkChecks } from "./link-checks.ts";
import type { LogEntry } from "./log.ts";
import { MacWatch } from "./mac-watch.ts";
import type { PluginCalls } from "./plugin-calls.ts";
import { ScanClaims } from "./scan-claims.ts";
import type { DeviceSession } from "./session.ts";
import { createDeviceSession, type SessionHost } from "./session-wiring.ts";
import { followSource } from "./source-follow.ts";
import {
  type ChoiceCache,
  choiceCache,
  memoryState,
  pluginSetFingerprint,
  type StateHolder,
} from "./state/choices.ts";

export type { DaemonOptions } from "./daemon-options.ts";

/**
 * The orchestrator: follows a ScanSource, annotates scans with the registry's claims, and
 * runs one DeviceSession per Wi-Fi device on join/leave/roam. Problems inside plugins or
 * probes are contained and reported as `problem` events; the daemon keeps serving.
 */
export class Daemon extends EventEmitter<DaemonEvents> {
  readonly #opts: DaemonOptions;
  readonly #sessions = new Map<string, DeviceSession>();
  readonly #state: StateHolder;
  readonly #winners: ChoiceCache;
  readonly #macs: MacWatch;
  #registry: PluginRegistry;
  #config: UserConfig;
  #fingerprint: string;
  readonly #scanClaims = new ScanClaims();
  #calls: PluginCalls;
  readonly #router: LinkRouter;
  #secrets: ReadonlySet<string>;
  readonly #links: LinkChecks;
  readonly #host: SessionHost;
  /** Set while started: removes the listeners on the source. */
  #unfollow: (() => void) | undefined;

  constructor(opts: DaemonOptions) {
    super();
    this.#opts = opts;
    this.#registry = opts.registry;
    this.#config = opts.config;
    this.#fingerprint = pluginSetFingerprint(opts.registry.plugins);
    this.#state = opts.state ?? memoryState();
    this.#winners = choiceCache(this.#state, () => this.#fingerprint, opts.clock && (() => this.#now()));
    this.#links = new LinkChecks({ ...opts, config: () => this.#config });
    this.#router =
      opts.linkRouter ??
      createLinkRouter({
        log: (level, message, code) => this.#log(level, message, code === undefined ? undefined : { code }),
      });
    this.#secrets = secretsOf(opts.registry);
    this.#calls = this.#createCalls();
    this.#macs = new MacWatch({
      source: opts.source,
      warn: (message, fields) => this.#log("warn", message, fields),
      problem: (device, e) => this.#problem(device, e),
      changed: (device) => {
        const session = this.#sessions.get(device);
        if (session) this.emit("session", this.#summary(session));
      },
    });
    this.#host = this.#sessionHost();
  }

  /** Every credential string of every loaded plugin, for redaction by log sinks. */
  get secrets(): ReadonlySet<string> {
    return this.#secrets;
  }

  async start(): Promise<void> {
    if (this.#unfollow) return;
    logRegistryNotes(this.#registry, (message) => this.#log("warn", message));
    this.#unfollow = followSource(this.#opts.source, {
      scan: (l) => void this.#onScan(l),
      join: (e) => {
        void this.#session(e.device).join(e.network);
        void this.#macs.read(e.device);
      },
      leave: (e) => this.#sessions.get(e.device)?.leave(`left ${e.network.ssidText} (${e.reason})`),
      roam: (e) => this.#sessions.get(e.device)?.roam(e.network),
      warning: (e) => this.#log("warn", e.message),
      connectivity: () => {
        for (const session of this.#sessions.values()) session.connectivityChanged();
      },
    });
    if (!this.#opts.deferRouteSweep) this.sweepLinkRoutes();
    await this.#opts.source.start();
  }

  /**
   * Removes policy routes and rules of ours that no pin of this daemon made: rules a crashed
   * earlier run left behind would steer a reused address to a stale table. Not awaited: the
   * router runs its commands in order, so a pin asked for later still comes after the sweep.
   */
  sweepLinkRoutes(): void {
    this.#router.sweep().catch((e: unknown) => this.#problem(undefined, e));
  }

  /** Idempotent: safe to call from several signal handlers. */
  async stop(): Promise<void> {
    const unfollow = this.#unfollow;
    if (!unfollow) return;
    this.#unfollow = undefined;
    unfollow();
    // Portal sessions stay up and stay saved: the next start resumes them without a login.
    for (const session of this.#sessions.values()) session.leave("daemon stopping");
    await this.#opts.source.stop();
    await this.#opts.warmBrowser?.close();
    await this.#router.close();
  }

  session(device: string): DeviceSession | undefined {
    return this.#sessions.get(device);
  }

  sessions(): readonly DeviceSession[] {
    return [...this.#sessions.values()];
  }

  /** Logs off the session on `device` (or every device). Returns how many sessions were logged off. */
  async logoff(device?: string): Promise<number> {
    const targets = device
      ? [this.#sessions.get(device)].filter((s) => s !== undefined)
      : [...this.#sessions.values()];
    const done = await Promise.all(targets.map((s) => s.logoff()));
    return done.filter(Boolean).length;
  }

  /** Claims on one network, from the latest scan when it was in it, else from the static index. */
  claimsFor(network: ScannedNetwork): readonly ClaimMatch[] {
    return this.#scanClaims.claimsFor(network) ?? this.#registry.claimsFor(network);
  }

  /** Ids of the loaded plugins (they change on reload). */
  pluginIds(): readonly string[] {
    return this.#registry.plugins.map((p) => p.id);
  }

  /** Each loaded plugin's process state for the D-Bus API. */
  pluginStates(): readonly PluginStateView[] {
    return pluginStates(this.pluginIds(), this.#opts.pluginProcesses, this.#secrets);
  }

  /** Every device's session, for `hotspot status` and the D-Bus API. */
  listSessions(): readonly SessionSummary[] {
    return [...this.#sessions.values()].map((s) => this.#summary(s));
  }

  /** The latest scan of every device, annotated with claims (strongest first per device). */
  listNetworks(): readonly AnnotatedNetwork[] {
    return this.#scanClaims.list();
  }

  /** Asks the source for a fresh scan; the result arrives as `networks` events. */
  async rescan(): Promise<void> {
    await this.#opts.source.rescan();
  }

  /**
   * Loads plugins and config again (SIGHUP, the API) without dropping sessions (see
   * rebindSessions). The plugin-set fingerprint changes, so cached choices are re-evaluated.
   */
  async reload(): Promise<ReloadReport> {
    const before = this.pluginIds();
    const next = this.#opts.reload
      ? await this.#opts.reload()
      : { registry: this.#registry, config: this.#config };
    this.#registry = next.registry;
    this.#config = next.config;
    this.#fingerprint = pluginSetFingerprint(next.registry.plugins);
    this.#secrets = secretsOf(next.registry);
    this.#calls = this.#createCalls();
    logRegistryNotes(next.registry, (message) => this.#log("warn", message));
    const report = rebindSessions(before, next.registry, this.#sessions.values());
    this.#log("info", `reloaded: ${report.plugins.length} plugin(s)`, { ...report });
    this.emit("reloaded", report);
    return report;
  }

  #summary(session: DeviceSession): SessionSummary {
    const mac = this.#macs.get(session.device);
    const summary = session.summary();
    return redactValue(mac && summary.network ? { ...summary, mac } : summary, this.#secrets);
  }

  #createCalls(): PluginCalls {
    return createDaemonCalls({
      opts: this.#opts,
      config: this.#config,
      registry: this.#registry,
      links: this.#links,
      write: (e) => this.#write(e),
      problem: (device, e) => this.#problem(device, e),
    });
  }

  async #onScan(list: ScanList): Promise<void> {
    try {
      const claims = await this.#registry.filterScanList(list.networks);
      this.#scanClaims.record(list.device, list.networks, claims);
      this.#preloadEngine(list, claims);
      this.emit("networks", list.device, list.networks, claims);
      this.#opts.warmBrowser?.onScan(list.device, list.networks, claims);
    } catch (e) {
      this.#problem(undefined, e);
    }
  }

  /**
   * A network we could log in to is in range: a join may follow, and its login should not
   * wait for the detection engine to load (the plugin processes are warmed likewise).
   */
  #preloadEngine(list: ScanList, claims: readonly (readonly ClaimMatch[])[]): void {
    const i = claims.findIndex((c) => c.length > 0);
    const network = list.networks[i];
    const by = claims[i]?.[0]?.pluginId;
    if (!network || by === undefined) return;
    // Undefined once an earlier scan started the import: nothing more to do.
    const engine = this.#links.preload();
    if (!engine) return;
    // One plugin's link context serves all in-process plugins: it is one set of modules.
    void Promise.all([engine, this.#calls.preload?.(by)]).then(() =>
      this.#log("debug", `detection engine loaded ahead of a join: ${network.ssidText} (${by}) is in range`),
    );
  }

  #session(device: string): DeviceSession {
    let session = this.#sessions.get(device);
    if (session) return session;
    session = createDeviceSession(this.#host, device, this.#opts.retry);
    this.#sessions.set(device, session);
    return session;
  }

  /** What sessions see of the daemon; getters, since a reload swaps config, calls and secrets. */
  #sessionHost(): SessionHost {
    const daemon = this;
    return {
      get config() {
        return daemon.#config;
      },
      get calls() {
        return daemon.#calls;
      },
      get secrets() {
        return daemon.#secrets;
      },
      source: this.#opts.source,
      clock: this.#opts.clock,
      random: this.#opts.random,
      links: this.#links,
      router: this.#router,
      winners: this.#winners,
      state: this.#state,
      events: this,
      claimsFor: (network) => this.claimsFor(network),
      session: (device) => this.#sessions.get(device),
      summary: (session) => this.#summary(session),
      log: (level, message, fields) => this.#log(level, message, fields),
      problem: (device, e) => this.#problem(device, e),
      now: () => this.#now(),
    };
  }

  #now(): number {
    return this.#opts.clock?.now() ?? Date.now();
  }

  #problem(device: string | undefined, e: unknown): void {
    const error = toHotspot(e);
    this.#log("warn", error.message, { code: error.code, ...(device ? { device } : {}) });
    this.emit("problem", device, redactedError(error, this.#secrets));
  }

  #log(level: "debug" | "info" | "warn" | "error", message: string, fields?: Record<string, unknown>): void {
    this.#write({ level, scope: "daemon", message, ...(fields ? { fields } : {}) });
  }

  /** Every log entry leaves redacted, whatever sink the caller gave us. */
  #write(entry: LogEntry): void {
    this.#opts.log(redactValue(entry, this.#secrets));
  }
}
