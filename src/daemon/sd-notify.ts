import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";

/**
 * systemd's readiness protocol (sd_notify): `READY=1` once serving, `WATCHDOG=1` at half of
 * `WATCHDOG_USEC`, `STOPPING=1` when shutting down, each a datagram to the unix socket in
 * `NOTIFY_SOCKET`. Silent when `NOTIFY_SOCKET` is unset (not started by systemd).
 *
 * Node cannot send unix datagrams (node:dgram is UDP only) and we ship no native code, so a
 * small long-lived helper sends them: perl with its core Socket module (perl-base is
 * Essential on Debian and Ubuntu, so it is there wherever this daemon targets). It lives as
 * long as the daemon, which matters: systemd attributes a datagram to a unit through the
 * sender's cgroup, and a sender that already exited cannot be attributed, so its READY or
 * WATCHDOG would be dropped. Where perl is missing we fall back to one `systemd-notify` per
 * message: a process per message, kept alive until the manager has read it by the barrier
 * systemd-notify sends after it (systemd 246+). Both send from a child process, hence
 * `NotifyAccess=all` in the unit.
 *
 * The perl helper starts with the notifier, well before READY=1 is due, and says `ok` once
 * its socket exists; messages wait for that. Whether perl can is learnt from the helper
 * itself rather than a probe run beforehand: a blocking probe cost start-up a process
 * spawn and its wait. Messages sent before the helper failed go through systemd-notify.
 */

export interface Notifier {
  /** True when NOTIFY_SOCKET is set and a sender is available. */
  readonly active: boolean;
  /**
   * How messages are sent: `perl`, `systemd-notify`, or `none`. `perl` until the helper
   * fails to start (no perl, or no Socket module), then `systemd-notify`.
   */
  readonly via: "perl" | "systemd-notify" | "none";
  /** Sends one message, e.g. `READY=1` or `STATUS=…`; several assignments may be joined by "\n". */
  notify(message: string): void;
  /** `READY=1` plus an optional STATUS, and starts the watchdog when WATCHDOG_USEC asks for it. */
  ready(status?: string): void;
  /** `STOPPING=1` and stops the watchdog. */
  stopping(): void;
  /** Stops the watchdog and the helper. Idempotent. */
  close(): void;
}

/**
 * Reads lines on stdin and sends each as one datagram; a tab stands for the newline between
 * assignments (a line cannot hold one). `@` starts an abstract socket name, as in systemd.
 */
const PERL_SENDER = String.raw`
use strict; use Socket;
my $p = $ENV{NOTIFY_SOCKET}; $p =~ s/^\@/\0/;
socket(my $s, PF_UNIX, SOCK_DGRAM, 0) or die "sd_notify: socket: $!\n";
my $a = pack_sockaddr_un($p);
$| = 1; print "ok\n";
while (my $l = <STDIN>) { chomp $l; $l =~ tr/\t/\n/; send($s, $l, 0, $a) or warn "sd_notify: send: $!\n"; }
`;

export interface NotifierOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Which sender to use; default: perl when installed, else systemd-notify. */
  readonly prefer?: "perl" | "systemd-notify";
  /** Where helper problems go. */
  warn?(message: string): void;
}

/** The watchdog interval systemd asked for (half of WATCHDOG_USEC), or undefined. */
export function watchdogIntervalMs(env: NodeJS.ProcessEnv, pid: number = process.pid): number | undefined {
  const usec = Number(env.WATCHDOG_USEC);
  if (!Number.isFinite(usec) || usec <= 0) return undefined;
  // WATCHDOG_PID names the process the watchdog is for; a child that inherited it is not it.
  if (env.WATCHDOG_PID !== undefined && Number(env.WATCHDOG_PID) !== pid) return undefined;
  return Math.max(1, Math.floor(usec / 2_000));
}

export function createNotifier(opts: NotifierOptions = {}): Notifier {
  const env = opts.env ?? process.env;
  const socket = env.NOTIFY_SOCKET;
  const warn = opts.warn ?? (() => {});
  if (!socket || !(socket.startsWith("/") || socket.startsWith("@"))) return inactive();
  let via: "perl" | "systemd-notify" = opts.prefer === "systemd-notify" ? "systemd-notify" : "perl";
  let helper: ChildProcess | undefined;
  /** Messages written before the helper said `ok`; resent by systemd-notify if it never does. */
  let unconfirmed: string[] | undefined = [];
  let watchdog: ReturnType<typeof setInterval> | undefined;
  let closed = false;

  const viaSystemdNotify = (message: string): void => {
    const child = spawn("systemd-notify", message.split("\n"), { stdio: "ignore", env });
    child.on("error", (e) => warn(`systemd-notify: ${e.message}`));
    child.unref();
  };

  const perlFailed = (why: string): void => {
    if (via !== "perl") return;
    via = "systemd-notify";
    helper = undefined;
    const pending = unconfirmed ?? [];
    unconfirmed = undefined;
    warn(`sd_notify: perl helper unavailable (${why}); using systemd-notify`);
    if (!closed) for (const message of pending) viaSystemdNotify(message);
  };

  const startPerl = (): void => {
    const child = spawn("perl", ["-e", PERL_SENDER], {
      stdio: ["pipe", "pipe", "pipe"],
      env: { NOTIFY_SOCKET: socket, PATH: env.PATH ?? "/usr/bin:/bin" },
    });
    const lines = createInterface({ input: child.stdout ?? process.stdin });
    lines.once("line", (line) => {
      if (line === "ok") unconfirmed = undefined;
      lines.close();
    });
    child.stderr?.on("data", (d: Buffer) => warn(d.toString().trim()));
    child.on("error", (e) => perlFailed(e.message));
    // Only before `ok`: afterwards the helper ends when close() ends its input.
    child.on("exit", (code) => {
      if (unconfirmed !== undefined && !closed) perlFailed(`exit status ${code}`);
    });
    child.stdin?.on("error", (e) => warn(`sd_notify helper: ${e.message}`));
    // The helper must not keep the daemon alive, nor its pipes wake the loop.
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr]) {
      const s: unknown = stream;
      if (s && typeof s === "object" && "unref" in s && typeof s.unref === "function") s.unref();
    }
    helper = child;
  };
  if (via === "perl") startPerl();

  const notify = (message: string): void => {
    if (closed) return;
    if (via === "perl" && helper) {
      unconfirmed?.push(message);
      helper.stdin?.write(`${message.replace(/\t/g, " ").replace(/\n/g, "\t")}\n`);
      return;
    }
    viaSystemdNotify(message);
  };

  const stopWatchdog = (): void => {
    if (watchdog) clearInterval(watchdog);
    watchdog = undefined;
  };

  return {
    active: true,
    get via() {
      return via;
    },
    notify,
    ready(status) {
      notify(status ? `READY=1\nSTATUS=${status}` : "READY=1");
      const every = watchdogIntervalMs(env);
      if (every !== undefined && !watchdog) {
        watchdog = setInterval(() => notify("WATCHDOG=1"), every);
        watchdog.unref();
      }
    },
    stopping() {
      stopWatchdog();
      notify("STOPPING=1");
    },
    close() {
      if (closed) return;
      closed = true;
      stopWatchdog();
      helper?.stdin?.end();
      helper = undefined;
    },
  };
}

function inactive(): Notifier {
  return {
    active: false,
    via: "none",
    notify() {},
    ready() {},
    stopping() {},
    close() {},
  };
}
