import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "../../..");

const stateDirs: string[] = [];
process.on("exit", () => {
  for (const dir of stateDirs) rmSync(dir, { recursive: true, force: true });
});

/** A fresh state directory, removed when the test process exits. */
export function tempStateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "hh-daemon-state-"));
  stateDirs.push(dir);
  return dir;
}

export interface LogLine {
  level: string;
  scope: string;
  message: string;
}

/** The daemon as a real process, its stderr parsed as JSON log lines as they arrive. */
export class DaemonProcess {
  readonly lines: LogLine[] = [];
  stderr = "";
  readonly #child: ChildProcess;
  readonly #waiters: { test: (l: LogLine) => boolean; resolve: (l: LogLine) => void }[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  /**
   * `env` is added to the test's environment; without a STATE_DIRECTORY of its own the
   * daemon gets a fresh one, so no test reads another's (or the machine's) saved sessions.
   */
  constructor(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
    this.#child = spawn(process.execPath, [join(ROOT, "bin/hotspot.js"), "daemon", ...args], {
      cwd: ROOT,
      env: {
        ...process.env,
        XDG_CONFIG_HOME: "/nonexistent/hotspot-helper-test-config",
        DBUS_SYSTEM_BUS_ADDRESS: "unix:path=/nonexistent/not-this-bus.sock",
        STATE_DIRECTORY: tempStateDir(),
        // The descriptor cache goes in a temp folder too, never the machine's /var/cache.
        CACHE_DIRECTORY: tempStateDir(),
        ...env,
      },
      stdio: ["ignore", "ignore", "pipe"],
    });
    this.exited = new Promise((resolve) =>
      this.#child.on("exit", (code, signal) => resolve({ code, signal })),
    );
    let partial = "";
    this.#child.stderr?.on("data", (d: Buffer) => {
      this.stderr += d.toString();
      partial += d.toString();
      const complete = partial.split("\n");
      partial = complete.pop() ?? "";
      for (const text of complete) this.#line(text);
    });
  }

  #line(text: string): void {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== "object" || parsed === null) throw new Error(`not a log line: ${text}`);
    const line: LogLine = {
      level: String(Reflect.get(parsed, "level")),
      scope: String(Reflect.get(parsed, "scope")),
      message: String(Reflect.get(parsed, "message")),
    };
    this.lines.push(line);
    for (const w of [...this.#waiters]) {
      if (!w.test(line)) continue;
      this.#waiters.splice(this.#waiters.indexOf(w), 1);
      w.resolve(line);
    }
  }

  /** The first log line (already seen or still to come) that matches. */
  waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<LogLine> {
    const seen = this.lines.find((l) => pattern.test(l.message));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no log line matching ${pattern} within ${timeoutMs} ms:\n${this.stderr}`)),
        timeoutMs,
      );
      this.#waiters.push({
        test: (l) => pattern.test(l.message),
        resolve: (l) => {
          clearTimeout(timer);
          resolve(l);
        },
      });
    });
  }

  kill(signal: NodeJS.Signals): void {
    this.#child.kill(signal);
  }
}
