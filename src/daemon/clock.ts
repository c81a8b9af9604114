/**
 * The daemon's own sense of time: the wall clock its sessions stamp, and the timers that
 * wait on it for minutes or hours (maintain, the backoff before a login after failed
 * ones). Both go through one seam so a soak run can push days of maintains, renewals and
 * expiries through the real session machinery in minutes. Waits on real peers (HTTP and
 * hook deadlines, D-Bus calls, p-retry's seconds between attempts) keep real time: a
 * simulated clock there would only time out answers that are on their way.
 */
export interface Clock {
  /** Epoch ms. */
  now(): number;
  /**
   * Calls `fire` once after `ms`; the function returned cancels it. Must not keep the
   * process alive by itself (the scan source and the bus do that).
   */
  timer(ms: number, fire: () => void): () => void;
}

/**
 * A timer on the global `setTimeout`, looked up at each call so node:test mock timers
 * drive it, and unref'd (a mocked timer may have no `unref`).
 */
export function systemTimer(ms: number, fire: () => void): () => void {
  const t = setTimeout(fire, ms);
  t.unref?.();
  return () => clearTimeout(t);
}

export const systemClock: Clock = { now: () => Date.now(), timer: systemTimer };
