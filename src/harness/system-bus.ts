import { type ChildProcess, spawn } from "node:child_process";
import { chmod, copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { createInterface } from "node:readline";

/**
 * A private dbus-daemon configured like the system bus: the same default policy as Debian's
 * /usr/share/dbus-1/system.conf (nobody may own names or call methods unless a policy file
 * allows it), plus the policy files a test gives it. Unlike `startPrivateBus` (which allows
 * everything), this is where a bus policy is tested: clients can run as other users (the
 * directory and socket are reachable by everyone) and are then held to the policy.
 */

export interface SystemLikeBus {
  readonly address: string;
  readonly dir: string;
  stop(): Promise<void>;
  /** Kills the dbus-daemon and starts a new one on the same socket (as a bus restart does). */
  restart(): Promise<void>;
}

function config(dir: string): string {
  return `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=${join(dir, "bus.sock")}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Introspectable"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Properties"/>
    <deny send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"
          send_member="UpdateActivationEnvironment"/>
  </policy>
  <includedir>${join(dir, "system.d")}</includedir>
</busconfig>
`;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Starts the bus with `policies` (paths of busconfig files) in its system.d. */
export async function startSystemLikeBus(policies: readonly string[]): Promise<SystemLikeBus> {
  const dir = await mkdtemp(join(tmpdir(), `hotspot-sysbus-${process.pid}-`));
  // Other users' clients must reach the socket inside.
  await chmod(dir, 0o755);
  await mkdir(join(dir, "system.d"));
  for (const p of policies) await copyFile(p, join(dir, "system.d", basename(p)));
  const cfg = join(dir, "bus.conf");
  await writeFile(cfg, config(dir));
  let child = await launch(cfg).catch(async (e: unknown) => {
    await rm(dir, { recursive: true, force: true });
    throw e;
  });
  const stop = async (): Promise<void> => {
    await kill(child);
    await rm(dir, { recursive: true, force: true });
  };
  const restart = async (): Promise<void> => {
    await kill(child);
    // The socket file outlives a killed dbus-daemon; the new one must bind the same path.
    await rm(join(dir, "bus.sock"), { force: true });
    child = await launch(cfg);
  };
  try {
    const address = await child.address;
    return { address, dir, stop, restart };
  } catch (e) {
    await stop();
    throw e;
  }
}

interface Launched {
  readonly process: ChildProcess;
  readonly address: Promise<string>;
}

async function kill(l: Launched): Promise<void> {
  const c = l.process;
  if (c.exitCode === null && c.signalCode === null) {
    const exited = new Promise((r) => c.once("exit", r));
    c.kill("SIGTERM");
    await exited;
  }
  live.delete(c);
}

async function launch(cfg: string): Promise<Launched> {
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
  const address = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`dbus-daemon printed no address: ${stderr}`)), 5_000);
    if (!child.stdout) throw new Error("dbus-daemon has no stdout pipe");
    createInterface({ input: child.stdout }).once("line", (line) => {
      clearTimeout(timer);
      resolve(line.trim());
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`dbus-daemon exited (${code}): ${stderr}`));
    });
  });
  address.catch(() => {});
  await address;
  return { process: child, address };
}
