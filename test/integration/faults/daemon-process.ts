import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

const ROOT = join(import.meta.dirname, "../../..");

/** One JSON log line of the daemon, with when the suite read it (performance.now()). */
export interface TimedLine {
  readonly level: string;
  readonly scope: string;
  readonly message: string;
  readonly atMs: number;
  /** When the daemon wrote it (its `time`, ms since the epoch); NaN if it had none. */
  readonly timeMs: number;
}

export interface DaemonExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly atMs: number;
}

/** Which copy of the product runs. */
export interface Install {
  readonly packageDir: string;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * Kept lines are capped per scope: a plugin flooding the log must not make the suite itself
 * the thing that runs out of memory, nor push the daemon's own lines out. Lines past the cap
 * are counted, not kept.
 */
const KEEP_PER_SCOPE = 2_000;

/**
 * `hotspot daemon` as a real process (bin/hotspot.js, as a service manager starts it), its
 * JSON log lines parsed as they arrive. Unlike the CLI tests' helper, waiting never throws:
 * a daemon that hangs or dies is what the fault suite measures, so a wait answers
 * `undefined` when the line did not come in time or the process ended first.
 */
export class FaultDaemon {
  readonly lines: TimedLine[] = [];
  /** Lines per scope (plugin id, `daemon`, ...), every line counted, kept or not. */
  readonly perScope = new Map<string, number>();
  /** stderr that was not a JSON log line (a crash's stack, V8's out-of-memory report). */
  rawTail = "";
  exit: DaemonExit | undefined;
  readonly exited: Promise<DaemonExit>;
  readonly #child: ChildProcess;
  readonly #waiters = new Set<{ test: (l: TimedLine) => boolean; resolve: (l?: TimedLine) => void }>();

  /**
   * `install` runs another copy of the product (an installed package: its `bin/hotspot.js`,
   * its folder as cwd, its environment) instead of this checkout's.
   */
  constructor(
    nodeArgs: readonly string[],
    daemonArgs: readonly string[],
    env: NodeJS.ProcessEnv,
    install: Install = { packageDir: ROOT, cwd: ROOT, env: process.env },
  ) {
    this.#child = spawn(
      process.execPath,
      [...nodeArgs, join(install.packageDir, "bin/hotspot.js"), "daemon", ...daemonArgs],
      {
        cwd: install.cwd,
        env: {
          ...install.env,
          XDG_CONFIG_HOME: "/nonexistent/hotspot-helper-test-config",
          DBUS_SYSTEM_BUS_ADDRESS: "unix:path=/nonexistent/not-this-bus.sock",
          // The descriptor cache in a temp folder, never the machine's /var/cache.
          CACHE_DIRECTORY: mkdtempSync(join(tmpdir(), "hh-fault-cache-")),
          ...env,
        },
        stdio: ["ignore", "ignore", "pipe"],
        // Its own process group, so stop() also ends any plugin processes it left behind.
        detached: true,
      },
    );
    this.exited = new Promise((resolve) =>
      this.#child.on("exit", (code, signal) => {
        this.exit = { code, signal, atMs: performance.now() };
        for (const w of this.#waiters) w.resolve(undefined);
        this.#waiters.clear();
        resolve(this.exit);
      }),
    );
    let partial = "";
    this.#child.stderr?.on("data", (d: Buffer) => {
      const complete = (partial + d.toString()).split("\n");
      partial = complete.pop() ?? "";
      const atMs = performance.now();
      for (const text of complete) this.#line(text, atMs);
    });
  }

  /**
   * CPU time of the daemon and the child processes it has reaped (loaders, crashed or retired
   * plugin processes), ms, read when stop() began; how heavy a run was, whatever the load.
   */
  cpuMs: number | undefined;

  async #cpuMs(): Promise<number | undefined> {
    const stat = await readFile(`/proc/${this.#child.pid}/stat`, "utf8").catch(() => "");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime, stime, cutime, cstime, in clock ticks (100 per second on Linux).
    const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(f[i] ?? Number.NaN), 0);
    return Number.isFinite(ticks) ? ticks * 10 : undefined;
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get alive(): boolean {
    return this.exit === undefined;
  }

  #line(text: string, atMs: number): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      this.rawTail = `${this.rawTail}${text}\n`.slice(-4000);
      return;
    }
    if (typeof parsed !== "object" || parsed === null) return;
    const line: TimedLine = {
      level: String(Reflect.get(parsed, "level")),
      scope: String(Reflect.get(parsed, "scope")),
      message: String(Reflect.get(parsed, "message")),
      atMs,
      timeMs: Date.parse(String(Reflect.get(parsed, "time"))),
    };
    const seen = (this.perScope.get(line.scope) ?? 0) + 1;
    this.perScope.set(line.scope, seen);
    if (seen <= KEEP_PER_SCOPE) this.lines.push(line);
    for (const w of [...this.#waiters]) {
      if (!w.test(line)) continue;
      this.#waiters.delete(w);
      w.resolve(line);
    }
  }

  /**
   * The first line (from line number `from` on, or still to come) whose message matches;
   * undefined after `timeoutMs` or when the daemon exits first.
   */
  waitFor(pattern: RegExp, timeoutMs: number, from = 0): Promise<TimedLine | undefined> {
    const seen = this.lines.slice(from).find((l) => pattern.test(l.message));
    if (seen) return Promise.resolve(seen);
    if (!this.alive) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const waiter = {
        test: (l: TimedLine) => pattern.test(l.message),
        resolve: (l?: TimedLine) => {
          clearTimeout(timer);
          resolve(l);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        resolve(undefined);
      }, timeoutMs);
      this.#waiters.add(waiter);
    });
  }

  /**
   * SIGTERM, then SIGKILL if it has not exited within `graceMs` (a daemon stuck in a busy
   * loop never handles SIGTERM); then SIGKILL to its process group, for plugin processes a
   * dead daemon could not end.
   */
  async stop(graceMs = 2_000): Promise<DaemonExit> {
    this.cpuMs = this.alive ? await this.#cpuMs() : this.cpuMs;
    if (this.alive) this.#child.kill("SIGTERM");
    const timer = setTimeout(() => this.#child.kill("SIGKILL"), graceMs);
    const exit = await this.exited;
    clearTimeout(timer);
    const pid = this.#child.pid;
    try {
      if (pid !== undefined) process.kill(-pid, "SIGKILL");
    } catch {
      // ESRCH: nothing of the group is left.
    }
    return exit;
  }
}
