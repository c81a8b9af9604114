/**
 * Waits `ms`, or less when `signal` aborts: the wait ends quietly either way, so the caller
 * checks `signal.aborted` itself. Uses the global setTimeout so tests can drive it with
 * mock timers.
 */
export function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
