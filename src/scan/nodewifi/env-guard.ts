/**
 * node-wifi rewrites the process locale: its `env.js` runs
 * `Object.assign(process.env, { LANG, LC_ALL, LC_MESSAGES: "en_US.UTF-8" })` when it is first
 * required, and then hands that same object to every `execFile`. Left alone, that leaks into
 * the whole daemon (every later child process, every locale-sensitive library). So every
 * touch of node-wifi — loading it and each call — runs inside `withEnvGuard`, which
 * snapshots `process.env` and restores it exactly afterwards.
 *
 * The guarded window is synchronous on purpose: node-wifi spawns `nmcli` synchronously
 * inside `scan()` (execFile copies the environment at spawn time), so the child sees the
 * overrides while no other code of ours can run between the change and the restore.
 */

export type EnvSnapshot = Readonly<Record<string, string>>;

/** A copy of every variable currently set. */
export function snapshotEnv(env: NodeJS.ProcessEnv = process.env): EnvSnapshot {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return Object.freeze(out);
}

/**
 * Puts `env` back to `snapshot` in place (process.env must stay the same object: Node and
 * libraries hold references to it): removes added variables, restores changed and deleted ones.
 */
export function restoreEnv(snapshot: EnvSnapshot, env: NodeJS.ProcessEnv = process.env): void {
  for (const k of Object.keys(env)) if (!Object.hasOwn(snapshot, k)) delete env[k];
  for (const [k, v] of Object.entries(snapshot)) if (env[k] !== v) env[k] = v;
}

/**
 * Runs `fn` synchronously with `overrides` applied to `process.env` (undefined deletes a
 * variable), then restores the environment exactly, whatever `fn` did to it and even when it
 * throws. `fn` may return a promise, but only its synchronous part sees the overrides.
 */
export function withEnvGuard<T>(
  overrides: Readonly<Record<string, string | undefined>>,
  fn: () => T,
  env: NodeJS.ProcessEnv = process.env,
): T {
  const snapshot = snapshotEnv(env);
  try {
    for (const [k, v] of Object.entries(overrides)) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
    return fn();
  } finally {
    restoreEnv(snapshot, env);
  }
}

/**
 * The locale nmcli must run in: UTF-8 so SSIDs are not transliterated to `?` (node-wifi's
 * `en_US.UTF-8` is often not installed, and then glibc silently falls back to ASCII "C"),
 * and untranslated so fixed words (`Infra`, `connected`, `full`) parse. glibc always has
 * `C.UTF-8`.
 */
export const NMCLI_LOCALE: Readonly<Record<string, string | undefined>> = Object.freeze({
  LC_ALL: "C.UTF-8",
  LANG: "C.UTF-8",
  LC_MESSAGES: undefined,
  LANGUAGE: undefined,
});
