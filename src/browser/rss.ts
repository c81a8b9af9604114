import { readdir, readFile } from "node:fs/promises";

/**
 * Resident memory of a whole Chromium: the launcher starts it as a process-group leader,
 * and its renderers, GPU and utility processes and zygotes stay in that group, so the sum of
 * VmRSS over the group is what it costs (shared pages counted once per process, which
 * overstates a little: the cap errs on the safe side). Linux /proc only; 0 elsewhere.
 */
export async function groupRssBytes(pgid: number | undefined): Promise<number> {
  if (pgid === undefined) return 0;
  let entries: string[];
  try {
    entries = await readdir("/proc");
  } catch {
    return 0;
  }
  let total = 0;
  await Promise.all(
    entries
      .filter((e) => /^\d+$/.test(e))
      .map(async (pid) => {
        try {
          const stat = await readFile(`/proc/${pid}/stat`, "utf8");
          // Fields after the command name (which may hold spaces and parentheses).
          const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
          if (Number(rest[2]) !== pgid) return;
          const status = await readFile(`/proc/${pid}/status`, "utf8");
          const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
          if (kb !== undefined) total += Number(kb) * 1024;
        } catch {
          // the process ended meanwhile
        }
      }),
  );
  return total;
}
