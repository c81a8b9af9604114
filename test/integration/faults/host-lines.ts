/**
 * The isolated plugin host's own log lines the suite times faults by (the supervisor's
 * process events; `plugin process <id>: <state>` lines are debug level, so the daemon runs
 * with --verbose). In process there are no such lines.
 */

/** A plugin's process ended: a crash, or killed at its deadline or memory cap. */
export function crashLine(pluginId: string): RegExp {
  return new RegExp(`^plugin ${pluginId}: its process `);
}

/** A plugin's process is (again) ready for calls. */
export function readyLine(pluginId: string): RegExp {
  return new RegExp(`^plugin process ${pluginId}: ready`);
}

/** A plugin is quarantined after repeated crashes. */
export function quarantineLine(pluginId: string): RegExp {
  return new RegExp(`^plugin process ${pluginId}: quarantined`);
}
