import { launchBrowser } from "../../../src/browser/launch.ts";
import { startWarmInstance, type WarmInstance } from "../../../src/browser/warm-instance.ts";

/** What the warm instances started through one `CountedWarmStart` handed out. */
export interface WarmCounts {
  /** Pages leased to a hook in this process. */
  leases: number;
  /** Leases lent as data to a plugin's process. */
  lent: number;
  /** Of those, how many were given back. */
  returned: number;
}

export interface CountedWarmStart {
  /** For createWarmBrowser: starts a real warm instance (real Chromium) that counts what it lends. */
  start(): Promise<WarmInstance>;
  /** Every instance started, in order. */
  readonly instances: WarmInstance[];
  readonly counts: WarmCounts;
  /** Resolves when the next lease lent as data comes back. */
  returned(): Promise<void>;
}

/**
 * The warm browser's `start` for tests that must tell how a login got its browser: a login
 * that launched its own, or took a page in the wrong process, leaves the counts unmoved.
 */
export function countedWarmStart(): CountedWarmStart {
  const instances: WarmInstance[] = [];
  const counts: WarmCounts = { leases: 0, lent: 0, returned: 0 };
  const waiters: (() => void)[] = [];
  const start = async (): Promise<WarmInstance> => {
    const w = await startWarmInstance({ launch: (o) => launchBrowser(o) });
    instances.push(w);
    return {
      pid: w.pid,
      profileDir: w.profileDir,
      get usable() {
        return w.usable;
      },
      ready: () => w.ready(),
      lease: async (binding) => {
        const lease = await w.lease(binding);
        if (lease !== undefined) counts.leases++;
        return lease;
      },
      leaseData: async (binding) => {
        const lease = await w.leaseData(binding);
        if (lease === undefined) return undefined;
        counts.lent++;
        return {
          data: lease.data,
          release: async () => {
            await lease.release();
            counts.returned++;
            for (const wake of waiters.splice(0)) wake();
          },
        };
      },
      close: () => w.close(),
    };
  };
  return { start, instances, counts, returned: () => new Promise((r) => waiters.push(r)) };
}
