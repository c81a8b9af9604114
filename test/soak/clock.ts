import { type Clock, systemTimer } from "../../src/daemon/clock.ts";

/** A clock whose timers the soak can count: the daemon's maintains and login backoffs. */
export interface CountedClock extends Clock {
  /** Timers set and neither fired nor cancelled. */
  readonly pending: number;
  /** Holds back timers that come due until `release` (the world stands still while it is checked). */
  hold?(): void;
  release?(): void;
}

interface RealTimer {
  state: "waiting" | "held" | "done";
  readonly fire: () => void;
}

/**
 * The system's clock and timers, counted: for the real-time soak, where the daemon's
 * unref'd timers are invisible to `process.getActiveResourcesInfo()`. While held, a timer
 * that comes due waits (and still counts) until `release`.
 */
export class RealClock implements CountedClock {
  #pending = 0;
  #held: RealTimer[] | undefined;

  now(): number {
    return Date.now();
  }

  timer(ms: number, fire: () => void): () => void {
    const t: RealTimer = { state: "waiting", fire };
    this.#pending++;
    const cancel = systemTimer(ms, () => {
      if (this.#held) {
        t.state = "held";
        this.#held.push(t);
      } else this.#fire(t);
    });
    return () => {
      if (t.state === "done") return;
      if (t.state === "waiting") cancel();
      t.state = "done";
      this.#pending--;
    };
  }

  get pending(): number {
    return this.#pending;
  }

  hold(): void {
    this.#held ??= [];
  }

  release(): void {
    const due = this.#held ?? [];
    this.#held = undefined;
    for (const t of due) this.#fire(t);
  }

  #fire(t: RealTimer): void {
    if (t.state === "done") return;
    t.state = "done";
    this.#pending--;
    t.fire();
  }
}

interface Pending {
  readonly id: number;
  readonly at: number;
  readonly fire: () => void;
}

/**
 * A simulated clock for the daemon (its `clock` option) and the portals (their `now`):
 * time moves only when `advance` moves it, firing each due timer at its own instant and
 * letting the world settle before the next, so a maintain sees the portal's clock exactly
 * where the daemon's stands. `pending` is what the soak counts as the daemon's timers.
 */
export class SimulatedClock implements CountedClock {
  #now: number;
  #next = 1;
  readonly #pending = new Map<number, Pending>();

  constructor(start = Date.UTC(2026, 0, 1, 8)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  timer(ms: number, fire: () => void): () => void {
    const id = this.#next++;
    this.#pending.set(id, { id, at: this.#now + Math.max(0, ms), fire });
    return () => void this.#pending.delete(id);
  }

  /** Timers set and neither fired nor cancelled. */
  get pending(): number {
    return this.#pending.size;
  }

  /**
   * Moves time forward by `ms`: fires every timer due on the way in order (ties in the
   * order they were set), awaiting `settle` after each, then stands at the end. Returns
   * how many timers fired.
   */
  async advance(ms: number, settle: () => Promise<void>): Promise<number> {
    const end = this.#now + ms;
    let fired = 0;
    for (;;) {
      let due: Pending | undefined;
      for (const p of this.#pending.values()) if (p.at <= end && (!due || p.at < due.at)) due = p;
      if (!due) break;
      this.#pending.delete(due.id);
      this.#now = Math.max(this.#now, due.at);
      due.fire();
      fired++;
      await settle();
    }
    this.#now = end;
    return fired;
  }
}
