import type { SessionFacts } from "../helper-api/results.ts";

/** Renew this long before the portal's announced end (at most half of what is left). */
const RENEW_MARGIN_S = 30;
/** After a session that cannot be extended ends, look this much later (a new login follows). */
const AFTER_END_S = 2;
/** Maintains are spread over up to this share of the delay, earlier only. */
const JITTER_SHARE = 0.1;
/** …and never by more than this, so a long interval does not become a much shorter one. */
const JITTER_MAX_S = 30;

export interface MaintainPlan {
  readonly delayMs: number;
  /** `interval`: the periodic check; `renew`: before a known end; `ended`: just after an end that cannot be pushed back. */
  readonly why: "interval" | "renew" | "ended";
}

/**
 * When to run the next maintain. The periodic interval is the plugin's or the config's
 * (default 300 s). When the portal told us when the session ends (RFC 8908
 * `seconds-remaining`, a plugin's own expiry; WISPr replies carry none), maintain runs
 * before that end, so a plugin can renew where the portal allows it (`canExtend`); a
 * session that cannot be extended is looked at just after its end, when the portal
 * captures us again and maintain's `authenticationRequired` logs in anew.
 *
 * `jitter` (0..1, from an injectable random source) moves the run earlier by up to 10 %
 * (30 s at most): laptops that joined together at a conference would otherwise hit the
 * portal in the same second every five minutes.
 */
export function planMaintain(input: {
  readonly facts: SessionFacts;
  /** How long ago the facts were reported: `expiresInSeconds` counts from then. */
  readonly factsAgeMs: number;
  readonly intervalSeconds: number;
  readonly jitter: number;
}): MaintainPlan {
  let seconds = input.facts.maintainIntervalSeconds ?? input.intervalSeconds;
  let why: MaintainPlan["why"] = "interval";
  const { expiresInSeconds, canExtend } = input.facts;
  if (expiresInSeconds !== undefined) {
    const left = expiresInSeconds - Math.max(0, input.factsAgeMs) / 1000;
    if (canExtend === false) {
      const after = Math.max(0, left) + AFTER_END_S;
      if (after < seconds) [seconds, why] = [after, "ended"];
    } else {
      const renewAt = left - Math.min(RENEW_MARGIN_S, Math.max(0, left) / 2);
      if (renewAt < seconds) [seconds, why] = [renewAt, "renew"];
    }
  }
  const spread = why === "ended" ? 0 : Math.min(seconds * JITTER_SHARE, JITTER_MAX_S);
  const jitter = Math.min(1, Math.max(0, input.jitter));
  const delayMs = Math.max(1_000, Math.round((seconds - jitter * spread) * 1000));
  return { delayMs, why };
}
