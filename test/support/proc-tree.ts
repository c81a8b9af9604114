import { readdirSync, readFileSync } from "node:fs";

/**
 * Every process below `root` (children, grandchildren, ...), from one pass over /proc
 * (Linux). A process that ends during the pass is left out.
 */
export function descendants(root: number): number[] {
  const parents = new Map<number, number>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    let stat = "";
    try {
      stat = readFileSync(`/proc/${name}/stat`, "utf8");
    } catch {
      continue; // gone meanwhile
    }
    // The command name in parentheses may hold spaces: the fields start after its ")".
    parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
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
  return below;
}

/** A process's command line (arguments joined by NULs), or "" once it has ended. */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    return "";
  }
}
