import { createHash } from "node:crypto";
import type { LoadedPlugin } from "../../helper-api/registry-types.ts";
import { type DaemonState, emptyState } from "./schema.ts";

/** The part of StateStore the daemon's logic needs; `memoryState` serves tests and `--no-state`. */
export interface StateHolder {
  readonly state: DaemonState;
  update(change: (draft: DaemonState) => void): void;
}

export function memoryState(initial: DaemonState = emptyState()): StateHolder {
  let state = initial;
  return {
    get state() {
      return state;
    },
    update(change) {
      const draft = structuredClone(state);
      change(draft);
      state = draft;
    },
  };
}

/**
 * Identifies a plugin set: ids, versions, priorities, claims and configs (not credentials:
 * a new password does not change who should handle a network, and no secret should be
 * hashed into a file). A cached choice made under another fingerprint is ignored, so
 * adding, removing, upgrading or reconfiguring any plugin re-runs evaluation everywhere:
 * a new plugin may claim a network more confidently than the cached winner.
 */
export function pluginSetFingerprint(plugins: readonly LoadedPlugin[]): string {
  const parts = [...plugins]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((p) => [p.id, p.version, p.priority, p.claims, p.config ?? null]);
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 32);
}

/**
 * How many networks' choices are kept. A laptop that roams for months meets a new portal
 * every few days; without a bound the file (read at every start) only grows. The least
 * recently chosen go first.
 */
export const MAX_CHOICES = 500;

/** Apple's per-network cache of the chosen helper, persisted and keyed to the plugin set. */
export interface ChoiceCache {
  get(network: string): string | undefined;
  set(network: string, pluginId: string): void;
  delete(network: string): void;
}

export function choiceCache(
  holder: StateHolder,
  fingerprint: () => string,
  now: () => number = Date.now,
): ChoiceCache {
  return {
    get(network) {
      const choice = holder.state.choices[network];
      return choice && choice.fingerprint === fingerprint() ? choice.pluginId : undefined;
    },
    set(network, pluginId) {
      const current = holder.state.choices[network];
      if (current?.pluginId === pluginId && current.fingerprint === fingerprint()) return;
      holder.update((s) => {
        s.choices[network] = { pluginId, fingerprint: fingerprint(), chosenAt: now() };
        pruneOldest(s.choices, MAX_CHOICES, (c) => c.chosenAt);
      });
    },
    delete(network) {
      if (!(network in holder.state.choices)) return;
      holder.update((s) => {
        delete s.choices[network];
      });
    },
  };
}

/** Drops the entries with the smallest `age` until at most `max` remain. */
export function pruneOldest<T>(record: Record<string, T>, max: number, age: (v: T) => number): void {
  const entries = Object.entries(record);
  if (entries.length <= max) return;
  entries.sort(([, a], [, b]) => age(a) - age(b));
  for (const [key] of entries.slice(0, entries.length - max)) delete record[key];
}
