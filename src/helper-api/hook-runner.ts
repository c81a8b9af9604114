import type { z } from "zod";
import { type HotspotError, hotspotError, isHotspotError, reasonOf } from "../errors.ts";
import { firstIssue } from "../util/zod.ts";
import type { HookName } from "./plugin.ts";
import type { LoadedPlugin } from "./registry-types.ts";

/**
 * Every call into plugin code goes through here: a deadline, an AbortSignal, and a
 * validation of what comes back. A plugin that ignores its signal cannot stall the daemon:
 * the deadline is our own timer racing the hook, not a request that the plugin stop.
 */

export interface RunHookOptions<T> {
  readonly plugin: Pick<LoadedPlugin, "id">;
  readonly hook: HookName;
  /** The deadline; see `hookTimeout` for the plugin's own override. */
  readonly timeoutMs: number;
  /** An outer reason to stop (the network was left, evaluation ended): the hook is cancelled. */
  readonly signal?: AbortSignal | undefined;
  /** Checks the hook's result; its output is what runHook resolves with. */
  readonly schema: z.ZodType<T>;
  /** Calls the hook with the signal it must honour (aborted at the deadline or on cancel). */
  readonly invoke: (signal: AbortSignal) => unknown;
}

/**
 * The deadline for `hook` of `plugin`: the plugin's own `timeouts[hook]` when it declares
 * one (validated at load to be a positive integer of at most 600 000 ms), else `defaultMs`
 * (which the caller took from the config through deadlines.ts).
 */
export function hookTimeout(
  plugin: Pick<LoadedPlugin, "definition">,
  hook: HookName,
  defaultMs: number,
): number {
  return plugin.definition.timeouts?.[hook] ?? defaultMs;
}

/**
 * Runs one hook call under a deadline and validates its result.
 *
 * Rejects with a coded error naming plugin and hook:
 * - HH_PLUGIN_HOOK_TIMEOUT: no answer within `timeoutMs` (the hook's signal is aborted);
 * - HH_PLUGIN_HOOK_CANCELLED: the outer `signal` fired first (its reason is the cause);
 * - HH_PLUGIN_HOOK_FAILED: the hook threw or rejected (the thrown value is the cause);
 * - HH_PLUGIN_RESULT_INVALID: the result failed `schema` (`field` is the dotted path).
 *
 * The timer is global `setTimeout`, looked up per call, so tests drive it with
 * `t.mock.timers`; it is cleared as soon as the call settles either way.
 */
export function runHook<T>(opts: RunHookOptions<T>): Promise<T> {
  const { plugin, hook, timeoutMs, signal, schema, invoke } = opts;
  const cancelled = (reason: unknown): HotspotError =>
    hotspotError(
      "HH_PLUGIN_HOOK_CANCELLED",
      { plugin: plugin.id, hook, reason: reasonOf(reason) },
      { cause: reason },
    );
  if (signal?.aborted) return Promise.reject(cancelled(signal.reason));

  return new Promise<T>((resolve, reject) => {
    const controller = new AbortController();
    let settled = false;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onOuterAbort);
      outcome();
    };
    const fail = (error: HotspotError): void => {
      controller.abort(error);
      settle(() => reject(error));
    };
    const onOuterAbort = (): void => fail(cancelled(signal?.reason));
    const timer = setTimeout(
      () => fail(hotspotError("HH_PLUGIN_HOOK_TIMEOUT", { plugin: plugin.id, hook, ms: timeoutMs })),
      timeoutMs,
    );
    signal?.addEventListener("abort", onOuterAbort, { once: true });

    const threw = (e: unknown): HotspotError =>
      hotspotError("HH_PLUGIN_HOOK_FAILED", { plugin: plugin.id, hook, reason: reasonOf(e) }, { cause: e });
    let pending: unknown;
    try {
      pending = invoke(controller.signal);
    } catch (e) {
      // A hook written without `async` can throw before returning a promise.
      settle(() => reject(threw(e)));
      return;
    }
    // Promise.resolve also accepts plain values and foreign thenables from a JS plugin.
    Promise.resolve(pending).then(
      (value) =>
        settle(() => {
          const parsed = schema.safeParse(value);
          if (parsed.success) resolve(parsed.data);
          else
            reject(
              hotspotError("HH_PLUGIN_RESULT_INVALID", {
                plugin: plugin.id,
                hook,
                ...firstIssue(parsed.error),
              }),
            );
        }),
      // A plugin's process that ended or is quarantined says so itself, naming the plugin.
      (e: unknown) =>
        settle(() =>
          reject(
            isHotspotError(e, "HH_PLUGIN_PROCESS_FAILED") || isHotspotError(e, "HH_PLUGIN_QUARANTINED")
              ? e
              : threw(e),
          ),
        ),
    );
  });
}
