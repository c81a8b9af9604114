import { chmod, copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { launchBusProcess, stopBusProcess } from "./bus-process.ts";

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

/** Starts the bus with `policies` (paths of busconfig files) in its system.d. */
export async function startSystemLikeBus(policies: readonly string[]): Promise<SystemLikeBus> {
  const dir = await mkdtemp(join(tmpdir(), `hotspot-sysbus-${process.pid}-`));
  // Other users' clients must reach the socket inside.
  await chmod(dir, 0o755);
  await mkdir(join(dir, "system.d"));
  for (const p of policies) await copyFile(p, join(dir, "system.d", basename(p)));
  const cfg = join(dir, "bus.conf");
  await writeFile(cfg, config(dir));
  let bus = await launchBusProcess(cfg).catch(async (e: unknown) => {
    await rm(dir, { recursive: true, force: true });
    throw e;
  });
  const stop = async (): Promise<void> => {
    await stopBusProcess(bus.process);
    await rm(dir, { recursive: true, force: true });
  };
  const restart = async (): Promise<void> => {
    await stopBusProcess(bus.process);
    // The socket file outlives a killed dbus-daemon; the new one must bind the same path.
    await rm(join(dir, "bus.sock"), { force: true });
    bus = await launchBusProcess(cfg);
  };
  return { address: bus.address, dir, stop, restart };
}
