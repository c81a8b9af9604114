import type { PluginRegistry } from "../helper-api/registry-types.ts";
import type { ReloadReport } from "./events.ts";
import type { DeviceSession } from "./session.ts";

/** What a registry skipped or warns about, logged at start and after every reload. */
export function logRegistryNotes(registry: PluginRegistry, warn: (message: string) => void): void {
  for (const problem of registry.problems) warn(`plugin skipped: ${problem.message}`);
  for (const warning of registry.warnings) warn(warning.message);
}

/**
 * Moves running sessions to a reloaded registry: one whose plugin is still loaded keeps
 * running on the new copy (new config, credentials), one whose plugin is gone ends (nothing
 * to maintain or log off with). Returns what changed, for the log and the API.
 */
export function rebindSessions(
  before: readonly string[],
  registry: PluginRegistry,
  sessions: Iterable<DeviceSession>,
): ReloadReport {
  const endedSessions: string[] = [];
  for (const session of sessions) {
    if (!session.rebind((id) => registry.get(id))) endedSessions.push(session.device);
  }
  const after = registry.plugins.map((p) => p.id);
  return {
    plugins: after,
    added: after.filter((id) => !before.includes(id)),
    removed: before.filter((id) => !after.includes(id)),
    endedSessions,
  };
}
