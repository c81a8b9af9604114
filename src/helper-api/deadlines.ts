import type { HookName } from "./plugin.ts";

/**
 * The one table of hook deadlines. The config's defaults come from it, the SDK's JSDoc
 * states it, and every caller of a hook asks `hookDeadline` rather than choosing a setting
 * itself, so the daemon, `plugin test`, `auth` and `list` give a plugin the same time.
 *
 * filterScanList and evaluate run while the user waits for the network to be usable, so
 * they get little time (Apple gives evaluate 45 s; a silent plugin would stall every join);
 * authenticate, maintain and logoff talk to a portal that may be slow, so they get more.
 */
export const DEFAULT_HOOK_TIMEOUTS_MS: Readonly<Record<HookName, number>> = Object.freeze({
  filterScanList: 5_000,
  evaluate: 5_000,
  authenticate: 45_000,
  maintain: 45_000,
  logoff: 45_000,
});

/** The config settings that change the defaults: `evaluateTimeoutMs` and `hookTimeoutMs`. */
export interface DeadlineSettings {
  /** filterScanList and evaluate. */
  readonly evaluateTimeoutMs: number;
  /** authenticate, maintain and logoff. */
  readonly hookTimeoutMs: number;
}

/** Which setting governs `hook`. */
function deadlineSetting(hook: HookName): keyof DeadlineSettings {
  return hook === "filterScanList" || hook === "evaluate" ? "evaluateTimeoutMs" : "hookTimeoutMs";
}

/**
 * The deadline of `hook` for `plugin`: the plugin's own `timeouts[hook]` when it declares
 * one (validated at load: a positive integer of at most 600 000 ms), else the config's
 * setting for that hook, whose default is DEFAULT_HOOK_TIMEOUTS_MS.
 */
export function hookDeadline(
  plugin: { readonly definition: { readonly timeouts?: Partial<Readonly<Record<HookName, number>>> } },
  hook: HookName,
  settings: DeadlineSettings,
): number {
  return plugin.definition.timeouts?.[hook] ?? settings[deadlineSetting(hook)];
}
