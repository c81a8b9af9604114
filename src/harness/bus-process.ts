import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";

/**
 * One `dbus-daemon` process started from a config file, for both private buses (the
 * permissive one in dbus-daemon.ts and the system-like one in system-bus.ts): spawn it,
 * wait for the address it prints, and make sure no daemon outlives the test process.
 */

export interface BusProcess {
  readonly process: ChildProcess;
  /** The `unix:path=…` address the daemon printed. */
  readonly address: string;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Starts `dbus-daemon --config-file=cfg` and resolves once it has printed its address. */
export async function launchBusProcess(cfg: string, startTimeoutMs = 5000): Promise<BusProcess> {
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
  try {
    const address = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`dbus-daemon printed no address within ${startTimeoutMs} ms: ${stderr}`)),
        startTimeoutMs,
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
    return { process: child, address };
  } catch (e) {
    await stopBusProcess(child);
    throw e;
  }
}

/** SIGTERM and wait for the exit. Idempotent. */
export async function stopBusProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await exited;
  }
  live.delete(child);
}
