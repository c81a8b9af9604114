import { type ChildProcess, fork } from "node:child_process";
import { readFile } from "node:fs/promises";
import type { PluginSettings } from "../config/schema.ts";
import type { HttpLogEntry } from "../daemon/log.ts";
import { type HotspotError, hotspotError } from "../errors.ts";
import type { SettingsFiles } from "../helper-api/plugin-settings.ts";
import type { PluginOrigin } from "../helper-api/registry-types.ts";
import { CallLease, type LeaseProvider } from "./call-lease.ts";
import { childLoadError } from "./child-errors.ts";
import { type PluginDescriptor, parseDescriptor } from "./descriptor.ts";
import { MAX_LINE } from "./log-limit.ts";
import { outputLines } from "./output-lines.ts";
import { type ChildSideOptions, type ParsedFromChild, parseFromChild, type ToChild } from "./protocol.ts";
import type { HookRequest } from "./seam.ts";

/**
 * One plugin's child process, seen from the daemon: spawn, the two-step load (which id is
 * it, then its settings), hook calls, and the end. Policy (when to spawn, restart,
 * quarantine) is the supervisor's; this file only keeps its promises bounded:
 * - a load that does not answer within the import timeout plus `graceMs` is killed;
 * - a call whose signal aborts gets an `abort` message, and the process is killed when it
 *   has not answered `graceMs` later (a hook that ignores its signal, or spins the CPU so it
 *   cannot even read the message);
 * - resident memory is read from /proc every `rssCheckMs` while a load or a call is in
 *   flight and every `idleRssCheckMs` otherwise; above `maxRssBytes` it is killed (V8's own
 *   heap cap, `--max-old-space-size`, is in the process's flags). The slow idle pace is
 *   there because a child kept warm for a session may live for hours, and a two-second
 *   poll would wake the idle daemon thirty times a minute;
 * - when the process ends, every pending call rejects with HH_PLUGIN_PROCESS_FAILED;
 * - what it prints is split into lines of bounded length (output-lines.ts), and the last
 *   line on stderr that reads like an error (Node's report of an uncaught exception, V8's
 *   fatal error) is kept, so a crash's exit says what the process died of;
 * - a call's warm-browser lease (call-lease.ts) ends with the call: answered, aborted, or
 *   its process gone.
 */

/** The memory check's pace while a child has nothing in flight: the daemon's maintain period. */
export const IDLE_RSS_CHECK_MS = 300_000;

export interface ChildProcessOptions {
  /** The plugin's entry file. */
  readonly file: string;
  readonly source: string;
  readonly origin?: PluginOrigin | undefined;
  readonly importTimeoutMs: number;
  /** How long the process may take to start before the import begins (Node, tsx, our modules). */
  readonly bootTimeoutMs: number;
  readonly side: ChildSideOptions;
  /** child-main.ts (from source) or child-main.js (installed). */
  readonly entry: string;
  readonly execArgv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly graceMs: number;
  readonly maxRssBytes: number;
  readonly rssCheckMs: number;
  /** The pace of the memory check while nothing is in flight; default IDLE_RSS_CHECK_MS. */
  readonly idleRssCheckMs?: number | undefined;
  /** The label errors use before the id is known: the file. */
  readonly label?: string;
  onLog(entry: Extract<ParsedFromChild, { t: "log" }>): void;
  onHttp(entry: HttpLogEntry): void;
  /**
   * A line the process wrote to stdout or stderr (a plugin's console.log), at most 2·MAX_LINE
   * characters (the receiver cuts it to MAX_LINE after redaction); `cut` characters more of it
   * were not kept.
   */
  onOutput(stream: "stdout" | "stderr", line: string, cut: number): void;
}

export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Why the daemon ended it, when it did. */
  readonly killedBecause?: string;
  /** The daemon retired it (idle, reload, stop): not a crash. */
  readonly retired?: boolean;
  /**
   * The last line it wrote on stderr that reads like an error (`TypeError: …`, `FATAL ERROR: …`),
   * unredacted: the receiver redacts it before it is logged or shown.
   */
  readonly lastWords?: string;
}

export interface ChildAnswer {
  readonly value: unknown;
  readonly capport?: unknown;
  readonly checked?: unknown;
}

interface Pending {
  readonly lease: CallLease;
  resolve(answer: ChildAnswer): void;
  reject(error: Error): void;
  cleanup(): void;
}

type Waiter = {
  resolve(m: ParsedFromChild): void;
  reject(e: HotspotError): void;
  readonly kinds: readonly ParsedFromChild["t"][];
};

/**
 * How Node and V8 report what a process died of on stderr: an uncaught exception's
 * `Name: message` line (after the source excerpt, before the stack), `Uncaught …` for a
 * thrown non-error, V8's `FATAL ERROR: …` when the heap is exhausted.
 */
const ERROR_LINE = /^(?:\w*Error\b|\w*Exception\b|Uncaught\b|FATAL ERROR:)/;

/** Whether a line a process wrote on stderr reads like what it died of (see ERROR_LINE). */
export function readsLikeError(line: string): boolean {
  return ERROR_LINE.test(line);
}

/** Describes how a process ended, for errors and the log. */
export function exitReason(exit: ChildExit): string {
  const said = exit.lastWords === undefined ? "" : ` (its last error output: ${exit.lastWords})`;
  if (exit.killedBecause !== undefined) return `was stopped: ${exit.killedBecause}`;
  if (exit.signal !== null) return `was killed by ${exit.signal}${said}`;
  return `exited with code ${exit.code ?? "?"}${said}`;
}

export class PluginChild {
  readonly #o: ChildProcessOptions;
  readonly #proc: ChildProcess;
  readonly #calls = new Map<number, Pending>();
  #nextCall = 0;
  #waiter: Waiter | undefined;
  #killedBecause: string | undefined;
  #retired = false;
  #exit: ChildExit | undefined;
  #id: string;
  /** The child told its plugin's id (load step one is over). */
  #defined = false;
  readonly exited: Promise<ChildExit>;
  #rssTimer: NodeJS.Timeout | undefined;
  #rssEvery = 0;
  #lastWords: string | undefined;
  /** Calls given up on whose grace is running, and who waits for there to be none (settled). */
  #abandoned = 0;
  readonly #calm: (() => void)[] = [];

  constructor(opts: ChildProcessOptions) {
    this.#o = opts;
    this.#id = opts.label ?? opts.file;
    this.#proc = fork(opts.entry, [], {
      execArgv: [...opts.execArgv],
      env: opts.env,
      serialization: "advanced",
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    const outputs: Promise<void>[] = [];
    for (const stream of ["stdout", "stderr"] as const) {
      const readable = this.#proc[stream];
      if (!readable) continue;
      outputs.push(
        outputLines(readable, 2 * MAX_LINE, (line, cut) => {
          if (stream === "stderr" && readsLikeError(line)) this.#lastWords = line;
          opts.onOutput(stream, line, cut);
        }),
      );
    }
    this.#proc.on("message", (m: unknown) => this.#onMessage(m));
    // A failed fork (no such entry) reports `error`, then possibly no `exit`: settle on both.
    this.exited = new Promise<ChildExit>((resolve) => {
      const done = (code: number | null, signal: NodeJS.Signals | null): void => {
        if (this.#exit) return;
        this.#exit = {
          code,
          signal,
          ...(this.#killedBecause === undefined ? {} : { killedBecause: this.#killedBecause }),
          ...(this.#retired ? { retired: true } : {}),
        };
        this.#ended(this.#exit);
        // `exit` can come before the last of its output has been read: wait for the pipes to
        // end (bounded: a process it started may hold them open) so the exit tells its last words.
        const exit = this.#exit;
        const grace = setTimeout(() => finish(), opts.graceMs);
        const finish = (): void => {
          clearTimeout(grace);
          resolve(this.#lastWords === undefined ? exit : { ...exit, lastWords: this.#lastWords });
        };
        void Promise.all(outputs).then(finish);
      };
      this.#proc.on("exit", done);
      this.#proc.on("error", (e) => {
        this.#killedBecause ??= `could not run: ${e.message}`;
        if (this.#proc.exitCode === null && this.#proc.signalCode === null) this.#proc.kill("SIGKILL");
        done(this.#proc.exitCode, this.#proc.signalCode);
      });
    });
    this.#armRss();
  }

  get pid(): number | undefined {
    return this.#proc.pid;
  }

  get alive(): boolean {
    return this.#exit === undefined;
  }

  /** Calls in flight. */
  get busy(): number {
    return this.#calls.size;
  }

  /** Step one: import and validate; resolves with the plugin's id. */
  async define(): Promise<string> {
    const m = this.#o;
    await this.#expect(["hello"], undefined, m.bootTimeoutMs, `did not start within ${m.bootTimeoutMs} ms`);
    const answer = await this.#expect(
      ["defined", "failed"],
      {
        t: "load",
        file: m.file,
        source: m.source,
        ...(m.origin ? { origin: m.origin } : {}),
        importTimeoutMs: m.importTimeoutMs,
        side: m.side,
      },
      m.importTimeoutMs + m.graceMs,
      `did not finish loading within ${m.importTimeoutMs + m.graceMs} ms`,
    );
    if (answer.t === "failed") throw childLoadError(answer.error, m.file);
    if (answer.t !== "defined") throw this.#protocol("expected the plugin's id");
    this.#id = answer.id;
    this.#defined = true;
    return answer.id;
  }

  /**
   * Step two: the settings for that id; resolves with the plugin's descriptor. With
   * `prepare` (a process that will serve calls) it resolves once the process has also loaded
   * what its hooks need, which is the daemon's own modules, so it gets the boot's time too.
   */
  async configure(
    settings: PluginSettings | undefined,
    files: SettingsFiles,
    prepare = false,
  ): Promise<PluginDescriptor> {
    const m = this.#o;
    const answer = await this.#expect(
      ["loaded", "failed"],
      {
        t: "settings",
        ...(settings === undefined ? {} : { settings }),
        files,
        ...(prepare ? { prepare } : {}),
      },
      m.importTimeoutMs + m.graceMs + (prepare ? m.bootTimeoutMs : 0),
      prepare
        ? "did not apply its settings and load its hooks' modules in time"
        : "did not apply its settings in time",
    );
    if (answer.t === "failed") throw childLoadError(answer.error, this.#o.file);
    if (answer.t !== "loaded") throw this.#protocol("expected the plugin's description");
    try {
      const descriptor = parseDescriptor(answer.descriptor, `the process of plugin ${this.#id}`);
      if (descriptor.id !== this.#id) throw this.#protocol(`described plugin ${descriptor.id}`);
      return descriptor;
    } catch (e) {
      this.kill("it sent an invalid description of its plugin");
      throw e;
    }
  }

  /**
   * Undefined when no call the daemon gave up on is still in its grace here; else resolves
   * once none is (each answered in its grace, or the process was killed or ended). A new call
   * waits for it (supervisor.ts): sent now, it would fail with a process about to be killed
   * for a call that was not its own.
   */
  settled(): Promise<void> | undefined {
    if (this.#abandoned === 0) return undefined;
    return new Promise((resolve) => this.#calm.push(resolve));
  }

  /**
   * One hook call. Rejects with HH_PLUGIN_PROCESS_FAILED when the process ends first.
   * `lease` supplies the daemon's warm browser when the hook asks for a browser.
   */
  call(request: HookRequest, signal: AbortSignal, lease?: LeaseProvider): Promise<ChildAnswer> {
    if (this.#exit) return Promise.reject(this.#ended(this.#exit));
    const id = this.#nextCall++;
    const held = new CallLease(lease, signal, (data) =>
      this.#send({ t: "leased", id, ...(data === undefined ? {} : { lease: data }) }),
    );
    return new Promise<ChildAnswer>((resolve, reject) => {
      let grace: NodeJS.Timeout | undefined;
      const onAbort = (): void => {
        // The hook's time is over: its browser goes now, whatever the process does next.
        held.end();
        this.#send({ t: "abort", id, reason: String(signal.reason ?? "aborted") });
        this.#abandoned++;
        grace = setTimeout(
          () => this.kill(`its ${request.hook} did not stop within ${this.#o.graceMs} ms of being abandoned`),
          this.#o.graceMs,
        );
      };
      const cleanup = (): void => {
        held.end();
        signal.removeEventListener("abort", onAbort);
        if (grace !== undefined) {
          clearTimeout(grace);
          this.#abandoned--;
          if (this.#abandoned === 0) for (const calm of this.#calm.splice(0)) calm();
        }
        this.#calls.delete(id);
        this.#armRss();
      };
      this.#calls.set(id, { lease: held, resolve, reject, cleanup });
      this.#armRss();
      signal.addEventListener("abort", onAbort, { once: true });
      this.#send({ t: "call", id, request });
      if (signal.aborted) onAbort();
    });
  }

  /**
   * Asks the process to end (it exits when its IPC channel closes) and kills it if it has
   * not `graceMs` later. Its end is not a crash.
   */
  retire(because: string): void {
    if (this.#exit) return;
    this.#retired = true;
    if (this.#proc.connected) this.#proc.disconnect();
    // Not unref'd: a process that ignores the closed channel (or was still starting and never
    // saw it) must not outlive the daemon; the wait is bounded by the grace.
    const timer = setTimeout(() => this.kill(because), this.#o.graceMs);
    void this.exited.then(() => clearTimeout(timer));
  }

  /** Ends the process at once (SIGKILL: a runaway does not get to run a handler). */
  kill(because: string): void {
    if (this.#exit || this.#killedBecause !== undefined) return;
    this.#killedBecause = because;
    this.#proc.kill("SIGKILL");
  }

  #send(message: ToChild): void {
    if (!this.#proc.connected) return;
    try {
      this.#proc.send(message);
    } catch (e) {
      this.kill(`could not be sent a message: ${String(e)}`);
    }
  }

  #protocol(reason: string): HotspotError {
    const error = hotspotError("HH_PLUGIN_PROCESS_PROTOCOL", { plugin: this.#id, reason });
    this.kill(error.message);
    return error;
  }

  #expect(
    kinds: readonly ParsedFromChild["t"][],
    message: ToChild | undefined,
    ms: number,
    late: string,
  ): Promise<ParsedFromChild> {
    if (this.#exit) return Promise.reject(this.#ended(this.#exit));
    return new Promise<ParsedFromChild>((resolve, reject) => {
      const timer = setTimeout(() => this.kill(late), ms);
      this.#waiter = {
        kinds,
        resolve: (m) => {
          clearTimeout(timer);
          this.#armRss();
          resolve(m);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.#armRss();
      if (message) this.#send(message);
    });
  }

  #onMessage(raw: unknown): void {
    const m = parseFromChild(raw);
    if (!m) {
      this.#protocol("a message outside the protocol");
      return;
    }
    switch (m.t) {
      case "log":
        this.#o.onLog(m);
        return;
      case "http":
        this.#o.onHttp({
          method: m.entry.method,
          url: m.entry.url,
          ms: m.entry.ms,
          ...(m.entry.status === undefined ? {} : { status: m.entry.status }),
          ...(m.entry.error === undefined ? {} : { error: m.entry.error }),
          // The daemon names the plugin, not the child.
          pluginId: this.#id,
        });
        return;
      case "lease": {
        const call = this.#calls.get(m.id);
        if (call) void call.lease.ask();
        // A call that is over has no browser to lease.
        else this.#send({ t: "leased", id: m.id });
        return;
      }
      case "unlease":
        this.#calls.get(m.id)?.lease.end();
        return;
      case "answer":
      case "threw": {
        const call = this.#calls.get(m.id);
        if (!call) return;
        call.cleanup();
        if (m.t === "answer") call.resolve({ value: m.value, capport: m.capport, checked: m.checked });
        // A plain Error, as if thrown in process: the host names plugin and hook around it.
        else call.reject(new Error(m.reason));
        return;
      }
      default: {
        const waiter = this.#waiter;
        if (!waiter?.kinds.includes(m.t)) {
          this.#protocol(`an unexpected '${m.t}'`);
          return;
        }
        this.#waiter = undefined;
        waiter.resolve(m);
      }
    }
  }

  /** Rejects whatever waits on the process; returns the error it used. */
  #ended(exit: ChildExit): HotspotError {
    clearTimeout(this.#rssTimer);
    this.#rssTimer = undefined;
    const error = hotspotError("HH_PLUGIN_PROCESS_FAILED", { plugin: this.#id, reason: exitReason(exit) });
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.reject(
      !this.#defined
        ? hotspotError("HH_PLUGIN_LOAD_FAILED", {
            path: this.#o.file,
            reason: `its process ${exitReason(exit)}`,
          })
        : error,
    );
    for (const call of [...this.#calls.values()]) {
      call.cleanup();
      call.reject(error);
    }
    return error;
  }

  /** (Re)arms the memory check at the pace that fits: busy while a load or call is in flight. */
  #armRss(): void {
    if (this.#exit) return;
    const busy = this.#calls.size > 0 || this.#waiter !== undefined;
    const every = busy ? this.#o.rssCheckMs : (this.#o.idleRssCheckMs ?? IDLE_RSS_CHECK_MS);
    if (this.#rssTimer !== undefined && this.#rssEvery === every) return;
    clearTimeout(this.#rssTimer);
    this.#rssEvery = every;
    this.#rssTimer = setTimeout(() => {
      this.#rssTimer = undefined;
      void this.#checkRss().finally(() => this.#armRss());
    }, every);
    // Not unref'd (the process's IPC channel keeps the daemon alive while it runs, and its
    // end clears the timer): Node still wakes the loop when a cleared unref'd timer would
    // have fired, and this one is cleared and armed again at every call.
  }

  async #checkRss(): Promise<void> {
    const pid = this.#proc.pid;
    if (pid === undefined || this.#exit) return;
    try {
      const status = await readFile(`/proc/${pid}/status`, "utf8");
      const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]);
      if (Number.isFinite(kb) && kb * 1024 > this.#o.maxRssBytes) {
        this.kill(
          `its resident memory ${Math.round(kb / 1024)} MB is over the cap of ${Math.round(this.#o.maxRssBytes / 1048576)} MB`,
        );
      }
    } catch {
      // Gone already (the exit handler reports it), or no /proc: the heap cap still holds.
    }
  }
}
