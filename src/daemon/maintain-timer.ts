import type { SessionFacts } from "../helper-api/results.ts";
import { type Clock, systemTimer } from "./clock.ts";
import { type MaintainPlan, planMaintain } from "./maintain-plan.ts";

/**
 * One session's maintain schedule: when the portal's facts arrived (their expiry counts from
 * then), how many maintains ran since the join (the first one is `didJustJoin`), whether a
 * renewal was refused, and the one timer, on the daemon's clock (see clock.ts). The timer is
 * unref'd: the scan source and the bus keep a daemon alive, a pending maintain alone should
 * not; it is the only timer an idle daemon has.
 */
export class MaintainTimer {
  #factsAt = 0;
  #runs = 0;
  /** A renewal was due and the portal's end did not move: stop trying until it passes. */
  #renewalRefused = false;
  #cancel: (() => void) | undefined;
  #nextAt: number | undefined;

  constructor(
    private readonly now: () => number,
    private readonly timer: Clock["timer"] = systemTimer,
  ) {}

  /** A new session (login, or one taken up) whose facts arrived at `factsAt`. */
  restart(factsAt: number): void {
    this.clear();
    this.#factsAt = factsAt;
    this.#runs = 0;
    this.#renewalRefused = false;
  }

  /** Fresh facts arrived (a maintain answered with them). */
  factsArrived(): void {
    this.#factsAt = this.now();
  }

  get factsAt(): number {
    return this.#factsAt;
  }

  /** Epoch ms of the next run, while one is scheduled. */
  get nextAt(): number | undefined {
    return this.#nextAt;
  }

  /** Epoch ms the portal said the session ends, if it said. */
  expiresAt(facts: SessionFacts): number | undefined {
    if (facts.expiresInSeconds === undefined) return undefined;
    return this.#factsAt + Math.round(facts.expiresInSeconds * 1000);
  }

  /** Counts a run; true for the first one since `restart`. */
  startRun(): boolean {
    return this.#runs++ === 0;
  }

  /** After a renewal: did the end move later? If not, the next plan treats it as final. */
  renewalDone(endBefore: number | undefined, endAfter: number | undefined): void {
    this.#renewalRefused = endAfter !== undefined && endAfter <= (endBefore ?? 0);
  }

  schedule(
    facts: SessionFacts,
    intervalSeconds: number,
    jitter: number,
    run: (why: MaintainPlan["why"]) => void,
  ): void {
    this.clear();
    const plan = planMaintain({
      facts: this.#renewalRefused ? { ...facts, canExtend: false } : facts,
      factsAgeMs: this.now() - this.#factsAt,
      intervalSeconds,
      jitter,
    });
    this.#nextAt = this.now() + plan.delayMs;
    this.#cancel = this.timer(plan.delayMs, () => {
      this.#cancel = undefined;
      this.#nextAt = undefined;
      run(plan.why);
    });
  }

  clear(): void {
    this.#cancel?.();
    this.#cancel = undefined;
    this.#nextAt = undefined;
  }
}
