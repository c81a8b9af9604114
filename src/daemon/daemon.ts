import { EventEmitter } from "eventemitter3";
import { type AnnotatedNetwork, annotate } from "../annotate/model.ts";
import type { LinkTransport } from "../auth/link.ts";
import { createLinkRouter, type LinkRouter } from "../auth/link-route.ts";
import type { WarmBrowser } from "../browser/warm.ts";
import type { UserConfig } from "../config/schema.ts";
import { type HotspotError, hotspotError, isHotspotError, reasonOf } from "../errors.ts";
import type { PortalInfo } from "../helper-api/context.ts";
import type { JoinedNetwork, ScannedNetwork } from "../helper-api/network.ts";
import type { ClaimMatch, PluginRegistry } from "../helper-api/registry-types.ts";
import { createPluginHost } from "../plugin-host/host.ts";
import type { PluginSupervisor } from "../plugin-host/supervisor.ts";
import type { JoinEvent, LeaveEvent, RoamEvent, ScanList, ScanSource } from "../scan/source.ts";
import { redact, redactValue, secretStrings } from "../util/redact.ts";
import type { Clock } from "./clock.ts";
import type { PluginStateView } from "./dbus-api/views.ts";
import type { DaemonEvents, MacAddressInfo, ReloadReport, SessionSummary } from "./events.ts";
import { LinkChecks } from "./link-checks.ts";
import type { HttpLogEntry, LogEntry, LogSink } from "./log.ts";
import { macAddressInfo } from "./mac-address.ts";
import { createPluginCalls, type PluginCalls } from "./plugin-calls.ts";
import { DeviceSession, type RetryPolicy, type SessionDeps } from "./session.ts";
import {
  type ChoiceCache,
  choiceCache,
  memoryState,
  pluginSetFingerprint,
  type StateHolder,
} from "./state/choices.ts";
import { failureLog, sessionRecords } from "./state/records.ts";

export interface DaemonOptions {
  readonly source: ScanSource;
  readonly registry: PluginRegistry;
  readonly config: UserConfig;
  readonly log: LogSink;
  /**
   * The probe URL for a joined network. Defaults to `config.probeUrl`; the demo and the
   * harness route each simulated network to its own loopback portal with it.
   */
  probeUrlFor?(network: JoinedNetwork): string;
  readonly retry?: RetryPolicy;
  /** Probe attempts when verifying a login (the portal may open a moment late). */
  readonly verifyAttempts?: number;
  readonly verifyDelayMs?: number;
  onHttp?(entry: HttpLogEntry): void;
  /**
   * NetworkManager's ConnectivityCheckUri, when the source knows it: asked at every detection
   * and used before `config.probeUrl` when it answers a URL, so we probe what the desktop
   * probes. Pass it only when the user's config file does not set `probeUrl` (an explicit
   * setting wins; `hotspot daemon` does so).
   */
  connectivityCheckUri?(): string | undefined;
  /**
   * How probes and plugin traffic are pinned to the joined link. Default `linkTransport`:
   * the link's address and DNS servers when the address is really on this host.
   */
  transportFor?(network: JoinedNetwork, signal: AbortSignal): LinkTransport;
  /**
   * Policy routing that sends traffic from each joined link's address out of that link (see
   * src/auth/link-route.ts). Default: a router running `ip`, active only as root and only
   * for addresses really on the interface. Tests inject a fake.
   */
  readonly linkRouter?: LinkRouter;
  /**
   * Leave the sweep of routes a crashed earlier run left behind to `sweepLinkRoutes()`
   * instead of `start()`. `hotspot daemon` sweeps right after telling systemd it is ready:
   * the sweep runs `ip` twice, and a join's pin removes whatever of ours would collide with
   * it anyway, so start-up need not wait for it.
   */
  readonly deferRouteSweep?: boolean;
  /** Extra trusted CA certificates (PEM): a test portal's self-signed certificate. */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  /** Networks here are test networks: an http:// RFC 8908 API is accepted. Never in production. */
  readonly testNetwork?: boolean;
  /**
   * Folder of the plugins' stores (`<dir>/<plugin id>/store.json`); default
   * `defaultPluginStoreRoot()`, the `plugins` folder of the default state directory.
   */
  readonly pluginStoreRoot?: string;
  /**
   * Where sessions, chosen plugins and failed logins are kept (a StateStore on disk, so a
   * restart resumes). Default: memory only.
   */
  readonly state?: StateHolder;
  /** 0..1 for maintain jitter. Default Math.random; tests pass a fixed one. */
  random?(): number;
  /**
   * The clock of sessions and saved state, and the timers of maintain and the login backoff
   * (see clock.ts). Default: the system's. A soak run passes a simulated one to live through
   * days of maintains and expiries in minutes.
   */
  readonly clock?: Clock;
  /**
   * Loads plugins and config afresh, for `reload()` (SIGHUP, the API). Without it, reload
   * re-applies the current ones.
   */
  reload?(): Promise<{ readonly registry: PluginRegistry; readonly config: UserConfig }>;
  /**
   * The warm start (src/browser/warm.ts): told every annotated scan, it launches Chromium
   * ahead of the join for a network a `needsBrowser` plugin claims at high confidence, and
   * `ctx.browser()` takes that instance. Default: none (every hook launches its own).
   */
  readonly warmBrowser?: WarmBrowser;
  /**
   * The plugin processes (src/plugin-host/supervisor.ts) when plugins were loaded isolated:
   * hooks of those plugins run there. Default: every hook runs in this process.
   */
  readonly pluginProcesses?: Pick<PluginSupervisor, "call" | "ready" | "status">;
}

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
  readonly #macs = new Map<string, MacAddressInfo>();
  #registry: PluginRegistry;
  #config: UserConfig;
  #fingerprint: string;
  /**
   * Claims from each device's latest scan, by BSSID. Replaced whole on every scan, so a
   * daemon that sees thousands of access points over a day keeps only the current ones.
   */
  readonly #scanClaims = new Map<
    string,
    ReadonlyMap<string, { readonly network: ScannedNetwork; readonly claims: readonly ClaimMatch[] }>
  >();
  #calls: PluginCalls;
  readonly #router: LinkRouter;
  #secrets: ReadonlySet<string>;
  readonly #links: LinkChecks;
  #started = false;
  #stopConnectivity: (() => void) | undefined;
  readonly #listeners: {
    scan: (l: ScanList) => void;
    join: (e: JoinEvent) => void;
    leave: (e: LeaveEvent) => void;
    roam: (e: RoamEvent) => void;
    warning: (e: Error) => void;
  };

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
    this.#listeners = {
      scan: (l) => void this.#onScan(l),
      join: (e) => {
        void this.#session(e.device).join(e.network);
        void this.#readMac(e.device);
      },
      leave: (e) => this.#sessions.get(e.device)?.leave(`left ${e.network.ssidText} (${e.reason})`),
      roam: (e) => this.#sessions.get(e.device)?.roam(e.network),
      warning: (e) => this.#log("warn", e.message),
    };
  }

  /** Every credential string of every loaded plugin, for redaction by log sinks. */
  get secrets(): ReadonlySet<string> {
    return this.#secrets;
  }

  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    for (const problem of this.#registry.problems) this.#log("warn", `plugin skipped: ${problem.message}`);
    for (const warning of this.#registry.warnings) this.#log("warn", warning.message);
    const s = this.#opts.source;
    s.on("scan", this.#listeners.scan);
    s.on("join", this.#listeners.join);
    s.on("leave", this.#listeners.leave);
    s.on("roam", this.#listeners.roam);
    s.on("warning", this.#listeners.warning);
    this.#stopConnectivity = s.onConnectivity?.(() => {
      for (const session of this.#sessions.values()) session.connectivityChanged();
    });
    if (!this.#opts.deferRouteSweep) this.sweepLinkRoutes();
    await s.start();
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
    if (!this.#started) return;
    this.#started = false;
    const s = this.#opts.source;
    s.off("scan", this.#listeners.scan);
    s.off("join", this.#listeners.join);
    s.off("leave", this.#listeners.leave);
    s.off("roam", this.#listeners.roam);
    s.off("warning", this.#listeners.warning);
    this.#stopConnectivity?.();
    this.#stopConnectivity = undefined;
    // Portal sessions stay up and stay saved: the next start resumes them without a login.
    for (const session of this.#sessions.values()) session.leave("daemon stopping");
    await s.stop();
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
    for (const byBssid of this.#scanClaims.values()) {
      const seen = byBssid.get(network.bssid);
      // Dynamic claims were made for that SSID: a BSSID now announcing another one gets none of them.
      if (seen && seen.network.ssidHex === network.ssidHex) return seen.claims;
    }
    return this.#registry.claimsFor(network);
  }

  /** Ids of the loaded plugins (they change on reload). */
  pluginIds(): readonly string[] {
    return this.#registry.plugins.map((p) => p.id);
  }

  /**
   * Each loaded plugin's process state for the D-Bus API: a plugin the supervisor does not
   * hold was loaded in this process (pluginIsolation "none").
   */
  pluginStates(): readonly PluginStateView[] {
    const held = new Map((this.#opts.pluginProcesses?.status() ?? []).map((s) => [s.id, s]));
    return this.pluginIds().map((id) => {
      const s = held.get(id);
      if (s === undefined) return { id, state: "in-process", restarts: 0, crashes: 0 };
      return {
        id,
        state: s.state,
        restarts: s.restarts,
        crashes: s.crashes,
        // A portal's answer can echo what a plugin sent: same redaction as sessions' reasons.
        ...(s.lastError === undefined ? {} : { lastError: redact(s.lastError, this.#secrets) }),
      };
    });
  }

  /** Every device's session, for `hotspot status` and the D-Bus API. */
  listSessions(): readonly SessionSummary[] {
    return [...this.#sessions.values()].map((s) => this.#summary(s));
  }

  /** The latest scan of every device, annotated with claims (strongest first per device). */
  listNetworks(): readonly AnnotatedNetwork[] {
    const rows: AnnotatedNetwork[] = [];
    for (const byBssid of this.#scanClaims.values()) {
      const entries = [...byBssid.values()];
      rows.push(
        ...annotate(
          entries.map((e) => e.network),
          entries.map((e) => e.claims),
        ),
      );
    }
    return rows;
  }

  /** Asks the source for a fresh scan; the result arrives as `networks` events. */
  async rescan(): Promise<void> {
    await this.#opts.source.rescan();
  }

  /**
   * Loads plugins and config again (SIGHUP, the API) without dropping sessions: a session
   * whose plugin is still loaded keeps running on the new copy (new config, credentials);
   * one whose plugin is gone ends (nothing to maintain or log off with). The plugin-set
   * fingerprint changes, so cached choices are re-evaluated on the next join.
   */
  async reload(): Promise<ReloadReport> {
    const before = new Set(this.#registry.plugins.map((p) => p.id));
    const next = this.#opts.reload
      ? await this.#opts.reload()
      : { registry: this.#registry, config: this.#config };
    this.#registry = next.registry;
    this.#config = next.config;
    this.#fingerprint = pluginSetFingerprint(next.registry.plugins);
    this.#secrets = secretsOf(next.registry);
    this.#calls = this.#createCalls();
    for (const problem of next.registry.problems) this.#log("warn", `plugin skipped: ${problem.message}`);
    for (const warning of next.registry.warnings) this.#log("warn", warning.message);
    const endedSessions: string[] = [];
    for (const session of this.#sessions.values()) {
      if (!session.rebind((id) => next.registry.get(id))) endedSessions.push(session.device);
    }
    const after = next.registry.plugins.map((p) => p.id);
    const report: ReloadReport = {
      plugins: after,
      added: after.filter((id) => !before.has(id)),
      removed: [...before].filter((id) => !after.includes(id)),
      endedSessions,
    };
    this.#log("info", `reloaded: ${after.length} plugin(s)`, { ...report });
    this.emit("reloaded", report);
    return report;
  }

  #summary(session: DeviceSession): SessionSummary {
    const mac = this.#macs.get(session.device);
    const summary = session.summary();
    return redactValue(mac && summary.network ? { ...summary, mac } : summary, this.#secrets);
  }

  /**
   * How the joined connection sets its MAC address. A random one per connect means the
   * portal, which knows us by MAC, forgets the session on every reconnect: worth a warning
   * and a line in `hotspot status`, since the user can fix it (`stable`).
   */
  async #readMac(device: string): Promise<void> {
    const read = this.#opts.source.macAddressSetting?.bind(this.#opts.source);
    this.#macs.delete(device);
    if (!read) return;
    try {
      const setting = await read(device);
      if (setting === undefined) return;
      const info = macAddressInfo(setting);
      this.#macs.set(device, info);
      if (info.changesOnReconnect) {
        this.#log(
          "warn",
          `${device}: the connection uses a new random MAC address on every connect (cloned-mac-address=${setting}); the portal will forget the session on reconnect. Set it to "stable" to keep sessions across reconnects.`,
          { device, mac: setting },
        );
      }
      const session = this.#sessions.get(device);
      if (session) this.emit("session", this.#summary(session));
    } catch (e) {
      this.#problem(device, e);
    }
  }

  #createCalls(): PluginCalls {
    const opts = this.#opts;
    const host = createPluginHost({
      config: this.#config,
      storeRoot: opts.pluginStoreRoot,
      log: (e) =>
        this.#write({
          level: e.level,
          scope: e.plugin,
          message: e.message,
          ...(e.fields ? { fields: e.fields } : {}),
        }),
      onHttp: opts.onHttp,
      transportFor: (n, signal) => this.#links.transport(n, signal),
      onHookError: (error, n) => this.#problem(n?.interface, error),
      ca: opts.ca,
      testNetwork: opts.testNetwork,
      ...(opts.warmBrowser ? { browser: { acquire: opts.warmBrowser.acquire } } : {}),
      processes: opts.pluginProcesses,
    });
    return createPluginCalls({ registry: this.#registry, host });
  }

  async #onScan(list: ScanList): Promise<void> {
    try {
      const claims = await this.#registry.filterScanList(list.networks);
      this.#scanClaims.set(
        list.device,
        new Map(list.networks.map((network, i) => [network.bssid, { network, claims: claims[i] ?? [] }])),
      );
      this.emit("networks", list.device, list.networks, claims);
      this.#opts.warmBrowser?.onScan(list.device, list.networks, claims);
    } catch (e) {
      this.#problem(undefined, e);
    }
  }

  #session(device: string): DeviceSession {
    let session = this.#sessions.get(device);
    if (session) return session;
    const detect = (network: JoinedNetwork, signal: AbortSignal): Promise<PortalInfo> =>
      this.#links.detect(network, signal);
    const daemon = this;
    const deps: SessionDeps = {
      // Getters: a reload swaps config and plugin calls under running sessions.
      get config() {
        return daemon.#config;
      },
      get calls() {
        return daemon.#calls;
      },
      detect,
      verify: (network, signal, learnt) => this.#links.verify(network, signal, learnt),
      claimsFor: (network) => this.claimsFor(network),
      ...(this.#opts.source.checkConnectivity ? { recheckConnectivity: () => this.#recheck(device) } : {}),
      pinLink: (network) => this.#router.pin(device, network),
      unpinLink: () => void this.#router.unpin(device),
      winners: this.#winners,
      records: sessionRecords(this.#state),
      failures: failureLog(this.#state, this.#opts.clock && (() => this.#now())),
      random: this.#opts.random ?? Math.random,
      ...(this.#opts.clock
        ? { now: () => this.#now(), timer: this.#opts.clock.timer.bind(this.#opts.clock) }
        : {}),
      onState: (c) => {
        this.#log(
          "info",
          `${c.device}: ${c.from} → ${c.to} (${c.reason})`,
          c.pluginId ? { plugin: c.pluginId } : undefined,
        );
        // Reasons can quote a plugin's own failure text: events leave the daemon redacted.
        this.emit("state", { ...c, reason: redact(c.reason, this.#secrets) });
      },
      onSummary: () => {
        const s = this.#sessions.get(device);
        if (s) this.emit("session", this.#summary(s));
      },
      onPortal: (p) => this.emit("portal", device, p),
      onEvaluated: (r) => this.emit("evaluated", device, r),
      onAuthenticated: (id, facts) => this.emit("authenticated", device, id, facts),
      onUiRequired: (id, url) => this.#uiRequired(device, id, url),
      onMaintained: (id, result) => this.emit("maintained", device, id, result),
      onLoggedOff: (id) => this.emit("loggedOff", device, id),
      onProblem: (e) => this.#problem(device, e),
    };
    session = new DeviceSession(device, deps, this.#opts.retry);
    this.#sessions.set(device, session);
    return session;
  }

  /**
   * Hands the link back to NetworkManager after a verified login. Its answer may still be
   * "portal" if its own probe raced the gateway; one more call a moment later settles it.
   */
  async #recheck(device: string): Promise<void> {
    const check = this.#opts.source.checkConnectivity?.bind(this.#opts.source);
    if (!check) return;
    const first = await check();
    this.#log("debug", `${device}: NetworkManager connectivity after login: ${first}`);
    if (first === "portal" || first === "limited") {
      await new Promise((resolve) => setTimeout(resolve, 1_000).unref());
      const second = await check();
      this.#log("debug", `${device}: NetworkManager connectivity on second check: ${second}`);
    }
  }

  /**
   * A plugin answered uiRequired: the log line and the event carry the provider's name and
   * the page, so `hotspot agent` (through the D-Bus API) can offer the person a portal window.
   */
  #uiRequired(device: string, pluginId: string, url: string): void {
    const providerName = this.#calls.plugin(pluginId)?.displayName ?? pluginId;
    const ssid = this.#sessions.get(device)?.network?.ssidText ?? "";
    this.#log("info", `${device}: a person must finish logging in to ${providerName} at ${url}`, {
      event: "uiRequired",
      device,
      ssid,
      plugin: pluginId,
      provider: providerName,
      url,
    });
    this.emit(
      "uiRequired",
      device,
      pluginId,
      redact(url, this.#secrets),
      redact(providerName, this.#secrets),
    );
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

function secretsOf(registry: PluginRegistry): ReadonlySet<string> {
  const secrets = new Set<string>();
  for (const p of registry.plugins) secretStrings(p.credentials, secrets);
  return secrets;
}

function toHotspot(e: unknown): HotspotError {
  return isHotspotError(e) ? e : hotspotError("HH_INTERNAL", { reason: reasonOf(e) }, { cause: e });
}

/** The same coded error with its parameters (and so its message) free of secrets. */
function redactedError(error: HotspotError, secrets: ReadonlySet<string>): HotspotError {
  if (secrets.size === 0) return error;
  const params = redactValue(error.params, secrets);
  return params === error.params ? error : hotspotError(error.code, params, { cause: error });
}
