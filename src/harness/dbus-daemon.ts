import { spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BusProcess, launchBusProcess, stopBusProcess } from "./bus-process.ts";

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

/** Starts a private bus and resolves once it accepts connections. */
export async function startPrivateBus(options: PrivateBusOptions = {}): Promise<PrivateBus> {
  const dir = await mkdtemp(join(tmpdir(), `hotspot-bus-${process.pid}-`));
  const cfg = join(dir, "bus.conf");
  await writeFile(cfg, config(dir, options.maxMatchRulesPerConnection ?? 50_000));
  let bus: BusProcess;
  try {
    bus = await launchBusProcess(cfg, options.startTimeoutMs ?? 5000);
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  const stop = async (): Promise<void> => {
    await stopBusProcess(bus.process);
    await rm(dir, { recursive: true, force: true });
  };
  return { address: bus.address, pid: bus.process.pid ?? -1, dir, stop };
}
