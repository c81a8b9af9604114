import { readdir, readFile } from "node:fs/promises";

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
  const parents = new Map<number, number>();
  for (const name of await readdir("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, "utf8").catch(() => "");
    // The command name in parentheses may hold spaces: fields start after its ")".
    if (stat !== "") parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
  }
  const below: number[] = [];
  const queue = [root];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    for (const [child, parent] of parents) {
      if (parent !== pid) continue;
      below.push(child);
      queue.push(child);
    }
  }
  const rootKb = await rssKb(root);
  const children = await Promise.all(below.map(async (pid) => ({ pid, kb: await rssKb(pid) })));
  return { rootKb, children, totalKb: rootKb + children.reduce((sum, c) => sum + c.kb, 0) };
}
