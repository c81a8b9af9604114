/**
 * While a person finishes a login in a portal window (PresentingUI), the session re-probes
 * to notice they are done: at once when NetworkManager says connectivity changed, otherwise
 * on a backoff that starts short (a person who solves a captcha is done within seconds) and
 * grows to a cap (one who walked away costs one probe a minute, not a busy loop). The timer
 * is unref'd, like the maintain timer: a pending re-probe alone keeps no process alive.
 */

/** Delay before re-probe number `n` (0-based): 3 s, 6 s, 12 s, 24 s, 48 s, then 60 s. */
function personWaitDelayMs(n: number): number {
  return Math.min(60_000, 3_000 * 2 ** Math.min(n, 10));
}

export class PersonWait {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #checks = 0;
  #check: (() => void) | undefined;

  /** Starts waiting; `check` runs at each re-probe and must call `again()` to continue. */
  start(check: () => void): void {
    this.clear();
    this.#check = check;
    this.#arm();
  }

  /** The last check found the person not done yet: schedule the next one. */
  again(): void {
    if (this.#check) this.#arm();
  }

  /** Something outside says the network changed: check now instead of at the next tick. */
  nudge(): void {
    if (!this.#check || this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#check();
  }

  get waiting(): boolean {
    return this.#check !== undefined;
  }

  clear(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#check = undefined;
    this.#checks = 0;
  }

  #arm(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    const check = this.#check;
    const delay = personWaitDelayMs(this.#checks++);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      check?.();
    }, delay);
    this.#timer.unref?.();
  }
}
