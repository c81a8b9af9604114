import { pruneOldest, type StateHolder } from "./choices.ts";
import type { FailureRecord } from "./schema.ts";

/** Failure records kept (networks failed on and never joined again would otherwise pile up). */
export const MAX_FAILURES = 200;

/** Failed logins by network, so the next join backs off (see loginBackoffMs). */
export interface FailureLog {
  get(network: string): FailureRecord | undefined;
  record(network: string, reason: string): FailureRecord;
  clear(network: string): void;
}

export function failureLog(holder: StateHolder, now: () => number = Date.now): FailureLog {
  return {
    get: (network) => holder.state.failures[network],
    record(network, reason) {
      const next: FailureRecord = {
        count: (holder.state.failures[network]?.count ?? 0) + 1,
        lastAt: now(),
        reason: reason.slice(0, 1000),
      };
      holder.update((s) => {
        s.failures[network] = next;
        pruneOldest(s.failures, MAX_FAILURES, (f) => f.lastAt);
      });
      return next;
    },
    clear(network) {
      if (!(network in holder.state.failures)) return;
      holder.update((s) => {
        delete s.failures[network];
      });
    },
  };
}

/**
 * How long after the `count`-th failed login on a network the next attempt may start:
 * 30 s, doubling, at most 30 min. A wrong password retried on every flap of a weak link
 * can lock the user's account at the operator; waiting costs little since the network
 * stays joined and auto-join stays on (unlike Apple, whose `failure` disables auto-join).
 */
export function loginBackoffMs(count: number): number {
  if (count <= 0) return 0;
  return Math.min(30_000 * 2 ** (count - 1), 30 * 60_000);
}
