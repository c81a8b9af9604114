import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

/**
 * A private `dbus-daemon` for tests, the demo and benchmarks: its own socket in a fresh temp
 * directory (unique per run, so parallel runs never meet), a permissive policy (any
 * connection may own any name, so a simulated or real NetworkManager can take
 * `org.freedesktop.NetworkManager`), and the Debug.Stats interface Debian builds in, which
 * the leak tests ask for match-rule counts.
 */

export interface PrivateBusOptions {
  /** The bus's `max_match_rules_per_connection` (default: the session bus's 50000; the system bus has 512). */
  readonly maxMatchRulesPerConnection?: number;
  /** Deadline for the daemon to print its address. Default 5000 ms. */
  readonly startTimeoutMs?: number;
}

export interface PrivateBus {
  /** `unix:path=…` address to give clients (or DBUS_SYSTEM_BUS_ADDRESS). */
  readonly address: string;
  readonly pid: number;
  /** The temp directory holding the socket and config. */
  readonly dir: string;
  /** Kills the daemon and removes its directory. Idempotent. */
  stop(): Promise<void>;
}

/** True when `dbus-daemon` is installed (tests skip with a reason otherwise). */
export function dbusDaemonAvailable(): boolean {
  return spawnSync("dbus-daemon", ["--version"], { stdio: "ignore" }).status === 0;
}

function config(dir: string, maxMatchRules: number): string {
  return `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=${join(dir, "bus.sock")}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
  <limit name="max_match_rules_per_connection">${maxMatchRules}</limit>
  <limit name="max_replies_per_connection">50000</limit>
</busconfig>
`;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Starts a private bus and resolves once it accepts connections. */
export async function startPrivateBus(options: PrivateBusOptions = {}): Promise<PrivateBus> {
  const dir = await mkdtemp(join(tmpdir(), `hotspot-bus-${process.pid}-`));
  const cfg = join(dir, "bus.conf");
  await writeFile(cfg, config(dir, options.maxMatchRulesPerConnection ?? 50_000));
  const child = spawn("dbus-daemon", [`--config-file=${cfg}`, "--nofork", "--print-address=1"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(child);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // Last resort if a test forgets stop(): never leave daemons behind.
    process.once("exit", () => {
      for (const c of live) c.kill("SIGKILL");
    });
  }
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
    live.delete(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const address = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `dbus-daemon printed no address within ${options.startTimeoutMs ?? 5000} ms: ${stderr}`,
            ),
          ),
        options.startTimeoutMs ?? 5000,
      );
      if (!child.stdout) throw new Error("dbus-daemon has no stdout pipe");
      const lines = createInterface({ input: child.stdout });
      lines.once("line", (line) => {
        clearTimeout(timer);
        lines.close();
        resolve(line.trim());
      });
      child.once("error", (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`dbus-daemon exited (${code}): ${stderr}`));
      });
    });
    return { address, pid: child.pid ?? -1, dir, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
