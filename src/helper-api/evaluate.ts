import { type HotspotError, hotspotError, isHotspotError, reasonOf } from "../errors.ts";
import { compareTie, rankClaims } from "./arbitration.ts";
import { type Confidence, compareConfidence } from "./confidence.ts";
import { hookTimeout, runHook } from "./hook-runner.ts";
import type { ClaimMatch, LoadedPlugin, PluginRegistry } from "./registry-types.ts";
import { evaluateResultSchema } from "./results.ts";

/**
 * `evaluate` after a join: every claiming plugin in parallel, each under its deadline.
 *
 * Ending early, deterministically: Apple lets the first `high` win, so among several
 * plugins that would all answer `high` the fastest wins, which varies from join to join.
 * Here a `high` answer ends evaluation for every plugin that could not outrank it (those
 * it beats on a tie: preference, priority, id); plugins that would still win a tie at
 * `high` are awaited (up to their deadline). In the usual case, one operator plugin and
 * some generic ones, the first `high` ends everything at once, as with Apple; and the
 * winner never depends on who happened to answer first.
 */

export type EvaluationStatus =
  /** The hook answered in time with a valid result. */
  | "answered"
  /** The plugin has no evaluate hook: its static claim's confidence stands. */
  | "static"
  /** No answer before the deadline (counts as `none`). */
  | "timeout"
  /** The hook threw, or the plugin is not in the registry (counts as `none`). */
  | "error"
  /** The hook returned something that is not an EvaluateResult (counts as `none`). */
  | "invalid"
  /** Stopped because a `high` answer made it moot, or the outer signal fired (counts as `none`). */
  | "cancelled";

export interface EvaluationOutcome {
  readonly pluginId: string;
  readonly confidence: Confidence;
  readonly status: EvaluationStatus;
  /** The plugin's `reason`, when it answered with one. */
  readonly reason?: string;
  /** Why it counts as `none`, for `timeout`, `error`, `invalid` and `cancelled`. */
  readonly error?: HotspotError;
}

export interface EvaluateCandidatesOptions {
  /** The plugins that claimed the joined network (static and dynamic claims). */
  readonly candidates: readonly ClaimMatch[];
  readonly registry: Pick<PluginRegistry, "get">;
  /** Default deadline per plugin (config.evaluateTimeoutMs); a plugin's `timeouts.evaluate` overrides it. */
  readonly timeoutMs: number;
  /** The deadline of one plugin's evaluate; default its `timeouts.evaluate`, else `timeoutMs`. */
  readonly deadlineFor?: ((plugin: LoadedPlugin) => number) | undefined;
  /** Stops everything (the network was left); pending plugins count as cancelled. */
  readonly signal?: AbortSignal | undefined;
  /** The user's preference for this network (`preferenceFor`). */
  readonly preferredPluginId?: string | undefined;
  /** Calls `plugin.definition.evaluate` with the context the daemon builds around `signal`. */
  readonly invoke: (plugin: LoadedPlugin, signal: AbortSignal) => unknown;
  /** Called once per candidate as its outcome becomes known. */
  readonly onResult?: ((outcome: EvaluationOutcome) => void) | undefined;
}

export interface Evaluation {
  /** Plugins whose confidence is above `none`, best first, carrying the evaluated confidence. */
  readonly ranked: readonly ClaimMatch[];
  /** One per distinct candidate plugin, in candidate order. */
  readonly outcomes: readonly EvaluationOutcome[];
}

const STATUS_BY_CODE: Readonly<Record<string, EvaluationStatus>> = {
  HH_PLUGIN_HOOK_TIMEOUT: "timeout",
  HH_PLUGIN_HOOK_CANCELLED: "cancelled",
  HH_PLUGIN_RESULT_INVALID: "invalid",
};

function failed(pluginId: string, error: HotspotError): EvaluationOutcome {
  return { pluginId, confidence: "none", status: STATUS_BY_CODE[error.code] ?? "error", error };
}

/** Runs evaluate on all candidates and arbitrates. Never rejects: every failure is an outcome. */
export async function evaluateCandidates(opts: EvaluateCandidatesOptions): Promise<Evaluation> {
  const { registry, preferredPluginId: preferred, signal } = opts;
  const candidates = distinctBest(opts.candidates);
  const controllers = candidates.map(() => new AbortController());
  const settled = candidates.map(() => false);
  let bestHigh: ClaimMatch | undefined;

  const record = (i: number, outcome: EvaluationOutcome): EvaluationOutcome => {
    settled[i] = true;
    opts.onResult?.(outcome);
    const candidate = candidates[i];
    if (outcome.confidence === "high" && candidate) {
      if (!bestHigh || compareTie(candidate, bestHigh, preferred) < 0) bestHigh = candidate;
      const winner = bestHigh;
      candidates.forEach((other, j) => {
        if (!settled[j] && compareTie(other, winner, preferred) > 0) {
          controllers[j]?.abort(new Error(`evaluation ended: ${winner.pluginId} answered high`));
        }
      });
    }
    return outcome;
  };

  const onOuterAbort = (): void => {
    for (const c of controllers) c.abort(signal?.reason);
  };
  if (signal?.aborted) onOuterAbort();
  else signal?.addEventListener("abort", onOuterAbort, { once: true });

  // Plugins without a hook answer first (synchronously), so a static `high` cancels the
  // evaluate hooks it outranks before they even start.
  const plugins = candidates.map((c) => registry.get(c.pluginId));
  const outcomes: Promise<EvaluationOutcome>[] = [];
  candidates.forEach((c, i) => {
    const plugin = plugins[i];
    if (!plugin) {
      const error = hotspotError("HH_PLUGIN_NOT_FOUND", { plugin: c.pluginId });
      outcomes[i] = Promise.resolve(record(i, failed(c.pluginId, error)));
    } else if (!plugin.definition.evaluate) {
      outcomes[i] = Promise.resolve(
        record(i, { pluginId: c.pluginId, confidence: c.confidence, status: "static" }),
      );
    }
  });
  candidates.forEach((_, i) => {
    const plugin = plugins[i];
    if (!plugin || outcomes[i]) return;
    outcomes[i] = runHook({
      plugin,
      hook: "evaluate",
      timeoutMs: opts.deadlineFor?.(plugin) ?? hookTimeout(plugin, "evaluate", opts.timeoutMs),
      signal: controllers[i]?.signal,
      schema: evaluateResultSchema,
      invoke: (hookSignal) => opts.invoke(plugin, hookSignal),
    }).then(
      (r): EvaluationOutcome =>
        record(i, {
          pluginId: plugin.id,
          confidence: r.confidence,
          status: "answered",
          ...(r.reason !== undefined ? { reason: r.reason } : {}),
        }),
      (e: unknown) =>
        record(
          i,
          failed(plugin.id, isHotspotError(e) ? e : hotspotError("HH_INTERNAL", { reason: reasonOf(e) })),
        ),
    );
  });

  const done = await Promise.all(outcomes);
  signal?.removeEventListener("abort", onOuterAbort);
  const claims: ClaimMatch[] = [];
  done.forEach((o, i) => {
    const c = candidates[i];
    if (c && o.confidence !== "none") claims.push({ ...c, confidence: o.confidence });
  });
  return { ranked: rankClaims(claims, { preferredPluginId: preferred }), outcomes: done };
}

/** One candidate per plugin (its highest claim), keeping first-seen order. */
function distinctBest(candidates: readonly ClaimMatch[]): ClaimMatch[] {
  const byId = new Map<string, ClaimMatch>();
  for (const c of candidates) {
    const seen = byId.get(c.pluginId);
    if (!seen || compareConfidence(c.confidence, seen.confidence) > 0) byId.set(c.pluginId, c);
  }
  return [...byId.values()];
}
