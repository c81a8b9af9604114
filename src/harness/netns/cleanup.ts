import { execFileSync } from "node:child_process";
import { readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NAME_PREFIX, pidOfName } from "./names.ts";

/**
 * Leaving nothing behind. Each world registers a synchronous teardown that also runs from
 * a process `exit` handler, so a test process that dies mid-way (an assertion, a crash,
 * Ctrl-C) still deletes its namespaces. Worlds of processes that were SIGKILLed are swept
 * by the next world: their names carry a PID that no longer exists.
 */

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e instanceof Error && "code" in e && e.code === "EPERM";
  }
}

/** Kills every process in `netns` (what `ip netns pids` lists) and deletes it. Best effort, synchronous. */
export function deleteNamespaceSync(netns: string): void {
  try {
    const pids = execFileSync("ip", ["netns", "pids", netns], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    for (const pid of pids.split(/\s+/).filter((p) => p !== "")) {
      try {
        process.kill(Number(pid), "SIGKILL");
      } catch {
        // already gone
      }
    }
  } catch {
    // no such namespace
  }
  try {
    execFileSync("ip", ["netns", "del", netns], { stdio: "ignore" });
  } catch {
    // already deleted
  }
  rmSync(join("/etc/netns", netns), { recursive: true, force: true });
}

/** Namespace names that are ours (`hh-ap-<pid>-<n>`, `hh-cl-<pid>-<n>`). */
export function ourNamespaces(): string[] {
  let out = "";
  try {
    out = execFileSync("ip", ["netns", "list"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    return [];
  }
  return out
    .split("\n")
    .map((l) => l.split(" ")[0] ?? "")
    .filter((n) => n.startsWith(NAME_PREFIX) && pidOfName(n) !== undefined);
}

/** The temp directory prefix of a world (`hh-netns-<pid>-XXXXXX` under the OS temp dir). */
export const TEMP_DIR_PREFIX = "hh-netns-";

/**
 * Deletes namespaces, /etc/netns entries and world temp directories (certificate key, leases)
 * left by processes that no longer run.
 */
export function sweepStale(): string[] {
  const stale = ourNamespaces().filter((n) => {
    const pid = pidOfName(n);
    return pid !== undefined && pid !== process.pid && !alive(pid);
  });
  for (const n of stale) deleteNamespaceSync(n);
  try {
    for (const n of readdirSync("/etc/netns")) {
      const pid = pidOfName(n);
      if (pid !== undefined && pid !== process.pid && !alive(pid))
        rmSync(join("/etc/netns", n), { recursive: true, force: true });
    }
  } catch {
    // no /etc/netns
  }
  try {
    for (const n of readdirSync(tmpdir())) {
      const m = /^hh-netns-(\d+)-/.exec(n);
      const pid = m?.[1] === undefined ? undefined : Number(m[1]);
      if (pid !== undefined && pid !== process.pid && !alive(pid))
        rmSync(join(tmpdir(), n), { recursive: true, force: true });
    }
  } catch {
    // unreadable temp dir
  }
  return stale;
}

const teardowns = new Set<() => void>();
let hooked = false;

/** Runs `teardown` at process exit unless it was unregistered first; returns the unregister function. */
export function onExit(teardown: () => void): () => void {
  if (!hooked) {
    hooked = true;
    process.on("exit", () => {
      for (const t of teardowns) t();
    });
  }
  teardowns.add(teardown);
  return () => void teardowns.delete(teardown);
}
