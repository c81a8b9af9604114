import { readdir, readFile } from "node:fs/promises";

/**
 * Resident memory of a whole Chromium: the launcher starts it as a process-group leader,
 * and its renderers, GPU and utility processes and zygotes stay in that group. Summed as
 * PSS (proportional set size, /proc/PID/smaps_rollup): each shared page counted once across
 * the processes that share it. A sum of VmRSS counts Chromium's binary and libraries once
 * per process and reads three to four times too high. VmRSS is the fallback on kernels
 * without smaps_rollup (before 4.14). Linux /proc only; 0 elsewhere.
 */
export async function groupMemoryBytes(pgid: number | undefined): Promise<number> {
  return (await groupMemory(pgid)).pss;
}

/**
 * The group's PSS and the anonymous (private, not file-backed) part of it: what the
 * processes allocated, without the pages of Chromium's executable and libraries they map,
 * which are clean page cache the kernel can drop. 0 for `anon` without smaps_rollup.
 */
export async function groupMemory(pgid: number | undefined): Promise<{ pss: number; anon: number }> {
  const sum = { pss: 0, anon: 0 };
  if (pgid === undefined) return sum;
  let entries: string[];
  try {
    entries = await readdir("/proc");
  } catch {
    return sum;
  }
  await Promise.all(
    entries
      .filter((e) => /^\d+$/.test(e))
      .map(async (pid) => {
        try {
          const stat = await readFile(`/proc/${pid}/stat`, "utf8");
          // Fields after the command name (which may hold spaces and parentheses).
          const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
          if (Number(rest[2]) !== pgid) return;
          // Read first, then add: `sum.pss += await …` would read it before the await.
          const kb = await pssKb(pid);
          sum.pss += kb.pss * 1024;
          sum.anon += kb.anon * 1024;
        } catch {
          // the process ended meanwhile
        }
      }),
  );
  return sum;
}

async function pssKb(pid: string): Promise<{ pss: number; anon: number }> {
  try {
    const rollup = await readFile(`/proc/${pid}/smaps_rollup`, "utf8");
    const pss = /^Pss:\s+(\d+) kB/m.exec(rollup)?.[1];
    // Pss_Anon exists since Linux 5.12.
    const anon = /^Pss_Anon:\s+(\d+) kB/m.exec(rollup)?.[1];
    if (pss !== undefined) return { pss: Number(pss), anon: Number(anon ?? 0) };
  } catch {
    // no smaps_rollup: the kernel is older than 4.14
  }
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return { pss: Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0), anon: 0 };
}
