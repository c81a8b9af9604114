import { mkdirSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PluginSettings } from "../config/schema.ts";
import type { HttpLogEntry } from "../daemon/log.ts";
import { type HotspotError, hotspotError, isHotspotError, reasonOf } from "../errors.ts";
import type { SettingsFiles } from "../helper-api/plugin-settings.ts";
import type { IsolatedDefinition, PluginOrigin } from "../helper-api/registry-types.ts";
import { redact, redactValue, secretStrings } from "../util/redact.ts";
import type { LeaseProvider } from "./call-lease.ts";
import { childLaunch, storeDirOf, tmpDirOf } from "./child-launch.ts";
import {
  type ChildAnswer,
  type ChildExit,
  type ChildProcessOptions,
  exitReason,
  PluginChild,
} from "./child-process.ts";
import { hasHook, type PluginDescriptor } from "./descriptor.ts";
import { clip, clipFields, type LogLimitOptions, PluginLogLimits } from "./log-limit.ts";
import type { PluginLogLevel } from "./logger.ts";
import type { ChildSideOptions } from "./protocol.ts";
import type { HookRequest } from "./seam.ts";

/**
 * Keeps one child process per plugin (child-process.ts) and decides when it runs:
 * - loading: a short-lived child imports each plugin and describes it; then it exits, so the
 *   daemon holds descriptors only (no plugin code, no idle processes);
 * - on demand: the first hook call starts the plugin's child; `warm()` starts it ahead (the
 *   daemon does so for plugins claiming a network in the latest scan), `hold()` keeps it
 *   (a plugin whose session will call it again); any other child ends after `idleMs`
 *   without calls;
 * - crashes (exit, kill at a deadline, memory cap, protocol violation, a load that fails on a
 *   restart) put the plugin in `backoff` for base·2^(n-1) ms (capped), after which it starts
 *   again when wanted; `quarantineAfter` crashes within `crashWindowMs` quarantine it for
 *   `quarantineMs` (calls fail at once with HH_PLUGIN_QUARANTINED) or until the next load.
 * Every change of state is logged and reported to `onState`. What a plugin's process logs or
 * prints is held to a per-plugin budget (log-limit.ts), then redacted, then cut to length.
 */

const LOADING_AT_ONCE = 4;
/** How long a child without calls stays up (the daemon's; tests pass their own). */
export const DEFAULT_IDLE_MS = 60_000;
/** The hooks a session calls after its login; a held plugin's child stays up for them. */
const SESSION_HOOKS = ["maintain", "logoff"] as const;

/** How crashes are answered; the config's `pluginRestarts` sets it (setRestartPolicy). */
export interface RestartPolicy {
  /** The first backoff; each further crash within the window doubles it. */
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
  /** Crashes within `crashWindowMs` that quarantine the plugin. */
  readonly quarantineAfter: number;
  readonly crashWindowMs: number;
  readonly quarantineMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  backoffMs: 1_000,
  maxBackoffMs: 60_000,
  quarantineAfter: 3,
  crashWindowMs: 60_000,
  quarantineMs: 600_000,
};

export type PluginProcessState = "idle" | "starting" | "ready" | "backoff" | "crashed" | "quarantined";

export interface PluginProcessStatus {
  readonly id: string;
  readonly state: PluginProcessState;
  readonly pid?: number;
  /** Processes started after a crash since the plugin was loaded. */
  readonly restarts: number;
  /** Crashes within the current window. */
  readonly crashes: number;
  readonly lastError?: string;
}

/** What the supervisor needs of a child (the real one is PluginChild; tests give fakes). */
export type ChildLike = Pick<
  PluginChild,
  "pid" | "alive" | "busy" | "exited" | "define" | "configure" | "settled" | "call" | "kill" | "retire"
>;

export interface SupervisorOptions {
  readonly storeRoot: string;
  /**
   * What a child builds its plugin side with; a function is read at each spawn (the daemon's
   * config, and with it `userAgent`, can change on reload).
   */
  readonly side: Omit<ChildSideOptions, "storeRoot"> | (() => Omit<ChildSideOptions, "storeRoot">);
  readonly importTimeoutMs: number;
  /** How long a process may take to start before its plugin's import begins; default 30 s. */
  readonly bootTimeoutMs?: number;
  readonly permissions: boolean;
  readonly maxOldSpaceMb?: number;
  readonly maxRssBytes?: number;
  readonly rssCheckMs?: number;
  /** After an abort, how long a call may take to answer before its process is killed. */
  readonly graceMs?: number;
  readonly idleMs?: number;
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  readonly quarantineAfter?: number;
  readonly crashWindowMs?: number;
  readonly quarantineMs?: number;
  /** Where each plugin's temp folder is made; default `<system temp>/hotspot-helper-plugins-<uid>`. */
  readonly tmpRoot?: string;
  /** Each plugin's budget of log lines; default DEFAULT_LOG_LIMIT. */
  readonly logLimit?: LogLimitOptions;
  /** Folders a needsBrowser plugin may write besides its temp folder (browser artifacts). */
  readonly browserDirs?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** Process events (start, crash, quarantine) for the daemon's log. */
  log(level: PluginLogLevel, message: string, fields?: Readonly<Record<string, unknown>>): void;
  /** What a plugin logged (or printed) in its process; redaction is the receiver's. */
  pluginLog(
    pluginId: string,
    level: PluginLogLevel,
    message: string,
    fields?: Readonly<Record<string, unknown>>,
  ): void;
  onHttp?(entry: HttpLogEntry): void;
  onState?(status: PluginProcessStatus): void;
  /** Starts a child; default a real PluginChild. */
  spawn?(opts: ChildProcessOptions): ChildLike;
}

export interface Spec {
  readonly file: string;
  readonly source: string;
  readonly origin?: PluginOrigin | undefined;
  readonly settings: PluginSettings | undefined;
  readonly files: SettingsFiles;
  readonly descriptor: PluginDescriptor;
}

interface Entry {
  spec: Spec;
  state: PluginProcessState;
  child?: ChildLike | undefined;
  starting?: Promise<ChildLike> | undefined;
  /** Resolves when a backoff or quarantine ends. */
  waiting?: { readonly until: Promise<void>; readonly timer: NodeJS.Timeout } | undefined;
  idle?: NodeJS.Timeout | undefined;
  restarts: number;
  /** The last process ended in a crash: the next start is a restart. */
  crashedLast: boolean;
  crashes: number[];
  lastError?: string | undefined;
  warmUntil: number;
}

export class PluginSupervisor {
  readonly #o: SupervisorOptions;
  readonly #entries = new Map<string, Entry>();
  readonly #held = new Set<string>();
  #closed = false;
  #loading = 0;
  readonly #loadQueue: (() => void)[] = [];
  readonly #logLimits: PluginLogLimits;
  #policy: RestartPolicy;

  constructor(opts: SupervisorOptions) {
    this.#o = opts;
    this.#policy = this.#basePolicy();
    this.#logLimits = new PluginLogLimits(
      (plugin, line, s) => opts.log("warn", line, { plugin, dropped: s.dropped, overMs: s.overMs }),
      opts.logLimit,
    );
  }

  #basePolicy(): RestartPolicy {
    const o = this.#o;
    const d = DEFAULT_RESTART_POLICY;
    return {
      backoffMs: o.backoffBaseMs ?? d.backoffMs,
      maxBackoffMs: o.backoffMaxMs ?? d.maxBackoffMs,
      quarantineAfter: o.quarantineAfter ?? d.quarantineAfter,
      crashWindowMs: o.crashWindowMs ?? d.crashWindowMs,
      quarantineMs: o.quarantineMs ?? d.quarantineMs,
    };
  }

  /**
   * The restart policy from the config (at load and at each reload): what it sets over the
   * supervisor's own. A backoff or quarantine already running keeps its end.
   */
  setRestartPolicy(policy: { readonly [K in keyof RestartPolicy]?: number | undefined }): void {
    const base = this.#basePolicy();
    this.#policy = {
      backoffMs: policy.backoffMs ?? base.backoffMs,
      // A first backoff set above the default cap raises the cap with it.
      maxBackoffMs: policy.maxBackoffMs ?? Math.max(base.maxBackoffMs, policy.backoffMs ?? 0),
      quarantineAfter: policy.quarantineAfter ?? base.quarantineAfter,
      crashWindowMs: policy.crashWindowMs ?? base.crashWindowMs,
      quarantineMs: policy.quarantineMs ?? base.quarantineMs,
    };
  }

  get #idleMs(): number {
    return this.#o.idleMs ?? DEFAULT_IDLE_MS;
  }

  /**
   * Imports the plugin at `file` in a new child and tells which plugin it is. At most
   * LOADING_AT_ONCE children load at a time: a folder of many plugins must not start as many
   * processes at once on a small machine.
   */
  async define(file: string, source: string, origin?: PluginOrigin): Promise<IsolatedDefinition> {
    while (this.#loading >= LOADING_AT_ONCE) await new Promise<void>((r) => this.#loadQueue.push(r));
    this.#loading++;
    const child = this.#spawn(file, source, origin, undefined);
    let id: string;
    try {
      id = await child.define();
    } catch (e) {
      child.kill("its plugin failed to load");
      this.#loaded();
      this.#logLimits.flush(file);
      throw e;
    }
    this.#loaded();
    return {
      id,
      discard: () => child.retire("not loaded"),
      configure: async (settings, files) => {
        try {
          secretStrings(settings?.credentials, child.secrets);
          const descriptor = await child.configure(settings, files);
          this.#register({ file, source, origin, settings, files, descriptor });
          return descriptor;
        } finally {
          child.retire("loaded");
          this.#logLimits.flush(file);
        }
      },
    };
  }

  /**
   * Registers a plugin from a descriptor the daemon already had (the descriptor cache),
   * without starting a child: its first call starts one, which imports the file and must
   * declare the same id before any hook runs (#start), so a stale descriptor cannot make
   * the daemon run other code than the file's.
   */
  adopt(spec: Spec): void {
    this.#register(spec);
  }

  /** A loading child has answered: let the next one start. */
  #loaded(): void {
    this.#loading--;
    this.#loadQueue.shift()?.();
  }

  /** Forgets plugins not in `ids` (after a reload), ending their children. */
  retain(ids: ReadonlySet<string>): void {
    for (const [id, entry] of this.#entries) {
      if (ids.has(id)) continue;
      this.#drop(entry, "its plugin was unloaded");
      this.#entries.delete(id);
    }
  }

  /** Whether `id` runs in a child of this supervisor. */
  has(id: string): boolean {
    return this.#entries.has(id);
  }

  status(): PluginProcessStatus[] {
    return [...this.#entries.values()].map((e) => this.#status(e));
  }

  /** Starts these plugins' children ahead of a call and keeps them for `idleMs`. */
  warm(ids: Iterable<string>): void {
    const until = Date.now() + this.#idleMs;
    for (const id of ids) {
      const entry = this.#entries.get(id);
      if (!entry) continue;
      entry.warmUntil = until;
      if (entry.state === "idle" || entry.state === "crashed") {
        this.#ensure(entry).then(
          () => this.#touch(entry),
          () => {},
        );
      }
    }
  }

  /**
   * The plugins with sessions, replacing the previous set. Their children stay up while a
   * session can call them, that is when the plugin has a maintain or logoff hook; another's
   * ends after `idleMs` like any idle child (its session is maintained by probing alone, and
   * a new login starts it again): a process nobody calls would cost its memory and a
   * wake-up of the idle daemon for each memory check, for as long as the session lasts.
   */
  hold(ids: Iterable<string>): void {
    const next = new Set<string>();
    for (const id of ids) {
      const entry = this.#entries.get(id);
      if (entry && !SESSION_HOOKS.some((hook) => hasHook(entry.spec.descriptor, hook))) continue;
      next.add(id);
    }
    const released = [...this.#held].filter((id) => !next.has(id));
    this.#held.clear();
    for (const id of next) {
      this.#held.add(id);
      // The call that logged the session in left its idle timer behind (the plugin is held
      // only once the session is up): it would wake the idle daemon once, idleMs later,
      // only to find the child held.
      const entry = this.#entries.get(id);
      if (entry) this.#clearIdle(entry);
    }
    for (const id of released) {
      const entry = this.#entries.get(id);
      if (entry) this.#touch(entry);
    }
  }

  /**
   * Starts the plugin's child if it is not running (after any backoff), so the host can
   * start a hook's deadline once the process is there: the deadline is the plugin's time,
   * a cold start is the daemon's (bounded by the boot and import timeouts).
   */
  async ready(id: string, signal?: AbortSignal): Promise<void> {
    const entry = this.#entries.get(id);
    if (!entry) return;
    await this.#ensure(entry, signal);
  }

  /**
   * Calls a hook in the plugin's child, starting it when needed; `lease` lends the hook the
   * daemon's warm browser when it asks for one (call-lease.ts).
   */
  async call(
    id: string,
    request: HookRequest,
    signal: AbortSignal,
    lease?: LeaseProvider,
  ): Promise<ChildAnswer> {
    const entry = this.#entries.get(id);
    if (!entry) throw hotspotError("HH_INTERNAL", { reason: `plugin ${id} has no process` });
    const child = await this.#ensure(entry, signal);
    this.#clearIdle(entry);
    try {
      return await child.call(request, signal, lease);
    } finally {
      this.#touch(entry);
      // A flood that ended with the call is reported now, not whenever the plugin next logs.
      this.#logLimits.flush(id);
    }
  }

  /** Ends every child (daemon stop). */
  async close(): Promise<void> {
    this.#closed = true;
    const exits: Promise<unknown>[] = [];
    for (const entry of this.#entries.values()) {
      if (entry.child) exits.push(entry.child.exited);
      this.#drop(entry, "the daemon is stopping");
    }
    await Promise.all(exits);
  }

  #spawn(
    file: string,
    source: string,
    origin: PluginOrigin | undefined,
    d: PluginDescriptor | undefined,
  ): ChildLike & { readonly secrets: Set<string> } {
    const o = this.#o;
    const tmpDir = tmpDirOf(
      o.tmpRoot ?? join(tmpdir(), `hotspot-helper-plugins-${process.getuid?.() ?? "user"}`),
      file,
    );
    // Before the process exists: it may not create folders outside the ones it was given.
    mkdirSync(tmpDir, { recursive: true, mode: 0o700 });
    const launch = childLaunch({
      file,
      root: origin?.root,
      storeDir: d === undefined ? undefined : storeDirOf(o.storeRoot, d.id),
      needsBrowser: d?.needsBrowser === true,
      browserDirs: o.browserDirs,
      tmpDir,
      maxOldSpaceMb: o.maxOldSpaceMb ?? 96,
      permissions: o.permissions,
      env: o.env ?? process.env,
    });
    const label = d?.id ?? file;
    // What the process sends back is redacted here, before any sink: the process holds its
    // plugin's credentials and may print them (a schema's transform, a console.log). The
    // set fills in when the settings are sent (`configure`), before the process has them.
    // The budget comes first: a line dropped is never redacted, which is most of a flood's cost.
    const secrets = d === undefined ? new Set<string>() : this.#secretsOf(d.id);
    const say = (
      level: PluginLogLevel,
      message: string,
      fields?: Readonly<Record<string, unknown>>,
      cut = false,
    ): void => {
      if (!this.#logLimits.admit(label)) return;
      const clean = redactValue({ message, fields }, secrets);
      o.pluginLog(label, level, clip(clean.message, cut), clipFields(clean.fields));
    };
    const opts: ChildProcessOptions = {
      file,
      source,
      origin,
      importTimeoutMs: o.importTimeoutMs,
      bootTimeoutMs: o.bootTimeoutMs ?? 30_000,
      side: { ...(typeof o.side === "function" ? o.side() : o.side), storeRoot: o.storeRoot },
      entry: launch.entry,
      execArgv: launch.execArgv,
      env: launch.env,
      graceMs: o.graceMs ?? 1_000,
      maxRssBytes: o.maxRssBytes ?? 256 * 1024 * 1024,
      rssCheckMs: o.rssCheckMs ?? 2_000,
      label,
      onLog: (e) => say(e.level, e.message, e.fields),
      onHttp: (entry) => o.onHttp?.(redactValue(entry, secrets)),
      onOutput: (stream, line, cut) => say(stream === "stderr" ? "warn" : "debug", line, undefined, cut > 0),
    };
    return Object.assign((o.spawn ?? ((x) => new PluginChild(x)))(opts), { secrets });
  }

  /** The credential strings of plugin `id`'s settings, for redaction. */
  #secretsOf(id: string): Set<string> {
    return secretStrings(this.#entries.get(id)?.spec.settings?.credentials);
  }

  #register(spec: Spec): void {
    const old = this.#entries.get(spec.descriptor.id);
    if (old) this.#drop(old, "its plugin was reloaded");
    const entry: Entry = { spec, state: "idle", restarts: 0, crashedLast: false, crashes: [], warmUntil: 0 };
    this.#entries.set(spec.descriptor.id, entry);
    this.#report(entry);
  }

  #status(e: Entry): PluginProcessStatus {
    const pid = e.child?.pid;
    return {
      id: e.spec.descriptor.id,
      state: e.state,
      ...(pid === undefined ? {} : { pid }),
      restarts: e.restarts,
      crashes: e.crashes.length,
      ...(e.lastError === undefined ? {} : { lastError: e.lastError }),
    };
  }

  #set(entry: Entry, state: PluginProcessState): void {
    if (entry.state === state) return;
    entry.state = state;
    this.#report(entry);
  }

  #report(entry: Entry): void {
    const s = this.#status(entry);
    this.#o.log(
      s.state === "quarantined" || s.state === "backoff" ? "warn" : "debug",
      `plugin process ${s.id}: ${s.state}`,
      {
        ...s,
      },
    );
    this.#o.onState?.(s);
  }

  /** The plugin's running child, starting it (after any backoff) when needed. */
  async #ensure(entry: Entry, signal?: AbortSignal): Promise<ChildLike> {
    for (;;) {
      if (this.#closed)
        throw hotspotError("HH_PLUGIN_PROCESS_FAILED", {
          plugin: entry.spec.descriptor.id,
          reason: "is stopping with the daemon",
        });
      if (entry.state === "quarantined") throw this.#quarantineError(entry);
      if (entry.child?.alive && entry.state === "ready") {
        // A call it gave up on is still in its grace: wait until it answers (the process
        // serves on) or the process is killed for it (the next loop starts another).
        const settling = entry.child.settled();
        if (settling === undefined) return entry.child;
        await abortable(settling, signal);
        continue;
      }
      // Its process has ended but how is not settled yet (its last output is still being
      // read): wait for that, so a crash is counted and backed off before the next start.
      if (entry.child !== undefined && !entry.child.alive) {
        await abortable(entry.child.exited, signal);
        continue;
      }
      if (entry.starting) return await abortable(entry.starting, signal);
      if (entry.waiting) {
        await abortable(entry.waiting.until, signal);
        continue;
      }
      entry.starting = this.#start(entry);
      // A caller that gives up does not stop the start: the next call takes the child.
      entry.starting.catch(() => {});
      return await abortable(entry.starting, signal);
    }
  }

  async #start(entry: Entry): Promise<ChildLike> {
    const { spec } = entry;
    const id = spec.descriptor.id;
    this.#set(entry, "starting");
    await mkdir(storeDirOf(this.#o.storeRoot, id), { recursive: true, mode: 0o700 }).catch(() => undefined);
    if (this.#closed || this.#entries.get(id) !== entry) {
      entry.starting = undefined;
      throw hotspotError("HH_PLUGIN_PROCESS_FAILED", {
        plugin: id,
        reason: "was not started: the plugin was unloaded",
      });
    }
    const child = this.#spawn(spec.file, spec.source, spec.origin, spec.descriptor);
    if (entry.crashedLast) entry.restarts++;
    entry.crashedLast = false;
    entry.child = child;
    void child.exited.then((exit) => this.#onExit(entry, child, exit));
    try {
      const defined = await child.define();
      if (defined !== id)
        throw hotspotError("HH_PLUGIN_PROCESS_PROTOCOL", {
          plugin: id,
          reason: `its file now holds plugin ${defined}`,
        });
      // Prepared: the process loads what its hooks need before it is ready, since a hook's
      // deadline starts then (host.ts prepareProcess).
      await child.configure(spec.settings, spec.files, true);
      entry.starting = undefined;
      this.#set(entry, "ready");
      return child;
    } catch (e) {
      entry.starting = undefined;
      const error = isHotspotError(e)
        ? e
        : hotspotError("HH_PLUGIN_PROCESS_FAILED", { plugin: id, reason: reasonOf(e) });
      entry.lastError = error.message;
      child.kill(`it failed to start: ${error.message}`);
      throw error;
    }
  }

  #onExit(entry: Entry, child: ChildLike, exit: ChildExit): void {
    if (entry.child !== child) return;
    entry.child = undefined;
    this.#clearIdle(entry);
    if (exit.retired || this.#closed || this.#entries.get(entry.spec.descriptor.id) !== entry) {
      if (entry.state !== "quarantined") this.#set(entry, "idle");
      return;
    }
    entry.crashedLast = true;
    const now = Date.now();
    const p = this.#policy;
    const windowMs = p.crashWindowMs;
    entry.crashes = [...entry.crashes.filter((t) => now - t < windowMs), now];
    // Its last words are the plugin's own text: redacted with its credentials, cut short.
    const id = entry.spec.descriptor.id;
    const lastWords =
      exit.lastWords === undefined
        ? {}
        : { lastWords: clipWords(redact(exit.lastWords, this.#secretsOf(id))) };
    entry.lastError = `its process ${exitReason({ ...exit, ...lastWords })}`;
    this.#logLimits.flush(id);
    this.#o.log("warn", `plugin ${id}: ${entry.lastError}`, {
      plugin: entry.spec.descriptor.id,
      crashes: entry.crashes.length,
    });
    if (entry.crashes.length >= p.quarantineAfter) {
      this.#wait(entry, "quarantined", p.quarantineMs, () => {
        entry.crashes = [];
      });
      return;
    }
    const delay = Math.min(p.backoffMs * 2 ** (entry.crashes.length - 1), p.maxBackoffMs);
    this.#wait(entry, "backoff", delay, () => {});
  }

  /** Waits out a backoff or quarantine, then restarts the plugin if it is wanted. */
  #wait(entry: Entry, state: "backoff" | "quarantined", ms: number, after: () => void): void {
    let end: () => void = () => {};
    const until = new Promise<void>((resolve) => {
      end = resolve;
    });
    const timer = setTimeout(() => {
      entry.waiting = undefined;
      after();
      this.#set(entry, "crashed");
      end();
      if (this.#wanted(entry)) {
        this.#ensure(entry).then(
          () => this.#touch(entry),
          () => {},
        );
      }
    }, ms);
    // Not unref'd: a call may be waiting for the restart; close() clears it.
    entry.waiting = { until, timer };
    this.#set(entry, state);
  }

  #wanted(entry: Entry): boolean {
    return this.#held.has(entry.spec.descriptor.id) || entry.warmUntil > Date.now();
  }

  /**
   * After a call or a warm start: end the child after `idleMs` unless it is held. A held
   * child gets no timer at all (hold() touches it again when its session ends), and a warm
   * one is looked at again when its warm time runs out: every timer here is a wake-up of
   * the idle daemon, and one that finds the child held (or still warm) is a wasted one.
   */
  #touch(entry: Entry, ms: number = this.#idleMs): void {
    this.#clearIdle(entry);
    if (this.#held.has(entry.spec.descriptor.id)) return;
    entry.idle = setTimeout(() => {
      entry.idle = undefined;
      const child = entry.child;
      if (!child || child.busy > 0) return;
      const warmFor = entry.warmUntil - Date.now();
      if (warmFor > 0) {
        this.#touch(entry, warmFor);
        return;
      }
      child.retire("idle");
    }, ms);
    // Not unref'd, although a child's IPC channel keeps the daemon alive anyway: Node keeps
    // the list of a cleared unref'd timer and still wakes the loop when it would have fired,
    // so the timer hold() clears after a login would cost the idle daemon that wake-up all
    // the same. The child's exit and close() clear it.
  }

  #clearIdle(entry: Entry): void {
    if (entry.idle !== undefined) clearTimeout(entry.idle);
    entry.idle = undefined;
  }

  #drop(entry: Entry, because: string): void {
    this.#clearIdle(entry);
    if (entry.waiting) clearTimeout(entry.waiting.timer);
    entry.child?.retire(because);
  }

  #quarantineError(entry: Entry): HotspotError {
    return hotspotError("HH_PLUGIN_QUARANTINED", {
      plugin: entry.spec.descriptor.id,
      crashes: this.#policy.quarantineAfter,
      windowMs: this.#policy.crashWindowMs,
      last: entry.lastError,
      untilMs: this.#policy.quarantineMs,
    });
  }
}

/** Longest part of a crashed process's last error output kept in its status. */
const LAST_WORDS = 300;

function clipWords(text: string): string {
  return text.length > LAST_WORDS ? `${text.slice(0, LAST_WORDS)}…` : text;
}

/** `promise`, or a rejection with the signal's reason when it aborts first. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}
