import { readFile } from "node:fs/promises";
import { descendants } from "../test/support/proc-tree.ts";

/** A process and its resident memory (VmRSS), kB. */
export interface ProcRss {
  readonly pid: number;
  readonly kb: number;
}

export interface ProcessTree {
  /** The root's own VmRSS, kB. */
  readonly rootKb: number;
  /** Every process below the root (children, grandchildren, ...). */
  readonly children: readonly ProcRss[];
  /** Root and children together, kB. */
  readonly totalKb: number;
}

async function rssKb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

/** Resident memory of `root` and of every process under it, from /proc (Linux). */
export async function processTree(root: number): Promise<ProcessTree> {
  const below = descendants(root);
  const rootKb = await rssKb(root);
  const children = await Promise.all(below.map(async (pid) => ({ pid, kb: await rssKb(pid) })));
  return { rootKb, children, totalKb: rootKb + children.reduce((sum, c) => sum + c.kb, 0) };
}

/** utime + stime + cutime + cstime of one process, ms (clock ticks of 10 ms on Linux). */
async function cpuOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return [11, 12, 13, 14].reduce((sum, i) => sum + Number(f[i] ?? 0), 0) * 10;
}

/**
 * CPU time of `root` and every process under it, including children it has reaped (a
 * command it ran, a plugin process that ended), ms. Unlike wall time it barely moves with
 * the machine's load.
 */
export async function treeCpuMs(root: number): Promise<number> {
  const below = descendants(root);
  const times = await Promise.all([root, ...below].map(cpuOf));
  return times.reduce((sum, t) => sum + t, 0);
}
