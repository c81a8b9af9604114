import { type HotspotError, hotspotError, isHotspotError, reasonOf } from "../errors.ts";
import type { PluginRegistry } from "../helper-api/registry-types.ts";
import type { PluginSupervisor } from "../plugin-host/supervisor.ts";
import { redact, redactValue, secretStrings } from "../util/redact.ts";
import type { PluginStateView } from "./dbus-api/views.ts";

/**
 * What leaves the daemon (log entries, events, API answers) is free of the plugins'
 * credentials: these helpers find them and scrub coded errors and plugin states.
 */

/** Every credential string of every loaded plugin, for redaction by log sinks. */
export function secretsOf(registry: PluginRegistry): ReadonlySet<string> {
  const secrets = new Set<string>();
  for (const p of registry.plugins) secretStrings(p.credentials, secrets);
  return secrets;
}

export function toHotspot(e: unknown): HotspotError {
  return isHotspotError(e) ? e : hotspotError("HH_INTERNAL", { reason: reasonOf(e) }, { cause: e });
}

/** The same coded error with its parameters (and so its message) free of secrets. */
export function redactedError(error: HotspotError, secrets: ReadonlySet<string>): HotspotError {
  if (secrets.size === 0) return error;
  const params = redactValue(error.params, secrets);
  return params === error.params ? error : hotspotError(error.code, params, { cause: error });
}

/**
 * Each loaded plugin's process state for the D-Bus API: a plugin the supervisor does not
 * hold was loaded in this process (pluginIsolation "none").
 */
export function pluginStates(
  ids: readonly string[],
  processes: Pick<PluginSupervisor, "status"> | undefined,
  secrets: ReadonlySet<string>,
): readonly PluginStateView[] {
  const held = new Map((processes?.status() ?? []).map((s) => [s.id, s]));
  return ids.map((id) => {
    const s = held.get(id);
    if (s === undefined) return { id, state: "in-process", restarts: 0, crashes: 0 };
    return {
      id,
      state: s.state,
      restarts: s.restarts,
      crashes: s.crashes,
      // A portal's answer can echo what a plugin sent: same redaction as sessions' reasons.
      ...(s.lastError === undefined ? {} : { lastError: redact(s.lastError, secrets) }),
    };
  });
}
