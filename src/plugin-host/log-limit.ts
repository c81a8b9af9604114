import { MAX_TEXT } from "./protocol.ts";

/**
 * A per-plugin budget for log lines. A plugin's process can log (or print) as fast as it
 * likes; the daemon's log, the journal behind it and the disk behind that are shared by every
 * plugin and by the daemon's own lines. Each plugin gets a token bucket: `burst` lines at
 * once, refilled at `perSecond`. Lines over the budget are dropped and counted, and one
 * summary line says how many went ("plugin X: N log lines dropped in the last T s").
 *
 * The summary is driven by what happens, never by a timer of its own (an idle daemon must not
 * wake up for a plugin that has stopped talking): by the first line that gets through after a
 * second without drops (the flood is over; during a flood lines still get through, one per
 * refilled token, and those must not each bring a summary), by a line still arriving
 * `summaryEveryMs` after the first drop (the flood goes on: one summary per period), and by
 * `flush()`, which the supervisor calls when a hook call or the plugin's process ends.
 *
 * Defaults (burst 100, 20 lines/s): a login by a chatty plugin logs a few dozen lines at
 * once, which the burst takes whole; 20 lines/s sustained is more than any plugin needs
 * between logins (they log per hook call, and hooks are seconds apart) while a flooding
 * plugin's share is bounded at about 4 KB/s with 200-byte lines. journald's own limit is per
 * service (10 000 lines per 30 s by default), so without this a single plugin could use up
 * the daemon's whole allowance and have the daemon's own lines dropped with its own.
 */

export interface LogLimitOptions {
  /** Lines a quiet plugin may log at once. */
  readonly burst: number;
  /** Lines per second the budget refills. */
  readonly perSecond: number;
  /** While lines keep being dropped, a summary at most this often. */
  readonly summaryEveryMs: number;
}

/** A flood is over when this long has passed without a dropped line. */
const QUIET_MS = 1_000;

export const DEFAULT_LOG_LIMIT: LogLimitOptions = { burst: 100, perSecond: 20, summaryEveryMs: 10_000 };

/** Lines dropped since `sinceMs` (the first drop after the last summary). */
export interface DropSummary {
  readonly dropped: number;
  readonly overMs: number;
}

/** One plugin's token bucket and drop count. Time is Date.now(), so tests drive it with mock timers. */
export class LogBudget {
  readonly #o: LogLimitOptions;
  #tokens: number;
  #refilledAt: number;
  #dropped = 0;
  #firstDropAt = 0;
  #lastDropAt = 0;

  constructor(o: LogLimitOptions = DEFAULT_LOG_LIMIT) {
    this.#o = o;
    this.#tokens = o.burst;
    this.#refilledAt = Date.now();
  }

  /**
   * Whether one more line may be logged now, and a summary of the drops to log first when
   * one is due (the line passes after a flood, or the flood has lasted `summaryEveryMs`).
   */
  take(): { readonly pass: boolean; readonly summary?: DropSummary } {
    const now = Date.now();
    // A clock that went back (a suspended laptop, a changed time) refills nothing.
    const elapsed = Math.max(0, now - this.#refilledAt);
    this.#tokens = Math.min(this.#o.burst, this.#tokens + (elapsed * this.#o.perSecond) / 1_000);
    this.#refilledAt = now;
    const pass = this.#tokens >= 1;
    if (pass) this.#tokens -= 1;
    else {
      if (this.#dropped === 0) this.#firstDropAt = now;
      this.#dropped++;
      this.#lastDropAt = now;
    }
    const due =
      this.#dropped > 0 &&
      (now - this.#firstDropAt >= this.#o.summaryEveryMs || (pass && now - this.#lastDropAt >= QUIET_MS));
    const summary = due ? this.flush(now) : undefined;
    return summary ? { pass, summary } : { pass };
  }

  /** The drops not yet reported, and forgets them; undefined when there are none. */
  flush(now = Date.now()): DropSummary | undefined {
    if (this.#dropped === 0) return undefined;
    const summary = { dropped: this.#dropped, overMs: Math.max(0, now - this.#firstDropAt) };
    this.#dropped = 0;
    return summary;
  }
}

/** Where PluginLogLimits reports drops: the plugin (id, or file while loading) and the line to log. */
export type DropReport = (plugin: string, line: string, summary: DropSummary) => void;

/**
 * The budgets of every plugin, by id (a file while its id is not known yet). A budget
 * outlives the plugin's process: a plugin that floods, crashes and is restarted does not get
 * a fresh burst with each process.
 */
export class PluginLogLimits {
  readonly #o: LogLimitOptions;
  readonly #report: DropReport;
  readonly #budgets = new Map<string, LogBudget>();

  constructor(report: DropReport, o: LogLimitOptions = DEFAULT_LOG_LIMIT) {
    this.#o = o;
    this.#report = report;
  }

  /** Whether `plugin` may log one more line now (reporting its drops first when due). */
  admit(plugin: string): boolean {
    let budget = this.#budgets.get(plugin);
    if (budget === undefined) {
      budget = new LogBudget(this.#o);
      this.#budgets.set(plugin, budget);
    }
    const { pass, summary } = budget.take();
    if (summary) this.#say(plugin, summary);
    return pass;
  }

  /** Reports `plugin`'s drops not reported yet (a hook call or its process ended). */
  flush(plugin: string): void {
    const summary = this.#budgets.get(plugin)?.flush();
    if (summary) this.#say(plugin, summary);
  }

  #say(plugin: string, s: DropSummary): void {
    const seconds = Math.max(1, Math.round(s.overMs / 1_000));
    const lines = s.dropped === 1 ? "1 log line" : `${s.dropped.toLocaleString("en-US")} log lines`;
    this.#report(
      plugin,
      `plugin ${plugin}: ${lines} dropped in the last ${seconds} s (over its log budget of ${this.#o.burst} lines at once, ${this.#o.perSecond} a second)`,
      s,
    );
  }
}

/**
 * Longest text of one log line (message, or its fields as JSON) that reaches the log. Text is
 * cut after redaction: cut before, a credential straddling the cut would lose its end and no
 * longer be recognised, and its beginning would be logged.
 */
export const MAX_LINE = MAX_TEXT;

/** `text` cut to MAX_LINE characters with a marker; `cut`: it was cut before (and gets the marker). */
export function clip(text: string, cut = false): string {
  if (!cut && text.length <= MAX_LINE) return text;
  return `${text.slice(0, MAX_LINE)}… [line cut at ${MAX_LINE} characters]`;
}

/**
 * A line's fields, or when their JSON is longer than MAX_LINE one field `truncated` holding
 * its beginning: a plugin may log a megabyte-sized object as easily as a long message.
 */
export function clipFields(
  fields: Readonly<Record<string, unknown>> | undefined,
): Readonly<Record<string, unknown>> | undefined {
  if (fields === undefined) return undefined;
  let json: string;
  try {
    json = JSON.stringify(fields);
  } catch {
    // Not JSON (a BigInt, a cycle): the log sink has its own way of writing it.
    return fields;
  }
  return json.length <= MAX_LINE ? fields : { truncated: clip(json) };
}
