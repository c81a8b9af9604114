import type { PluginLogger } from "../helper-api/context.ts";
import { redactValue } from "../util/redact.ts";

/**
 * A plugin's logger: every entry is tagged with the plugin's id and has the plugin's secrets
 * scrubbed before it reaches the sink, so no tool (daemon, `plugin test`, `auth`) can forget
 * to redact. Entries are plain data: across a worker boundary they travel as they are.
 */

export type PluginLogLevel = "debug" | "info" | "warn" | "error";

/** One line a plugin logged, already free of the plugin's credentials. */
export interface PluginLogEntry {
  readonly level: PluginLogLevel;
  readonly plugin: string;
  readonly message: string;
  readonly fields?: Readonly<Record<string, unknown>>;
}

export type PluginLogSink = (entry: PluginLogEntry) => void;

/**
 * A logger for `pluginId` writing to `sink` (default: drop), with every string of `secrets`
 * redacted from message and fields. A sink that throws is ignored: a plugin's log line must
 * never break its hook.
 */
export function createPluginLogger(
  pluginId: string,
  sink: PluginLogSink = () => {},
  secrets: ReadonlySet<string> = new Set(),
): PluginLogger {
  const emit =
    (level: PluginLogLevel) =>
    (message: string, fields?: Readonly<Record<string, unknown>>): void => {
      try {
        const entry: PluginLogEntry = {
          level,
          plugin: pluginId,
          message: String(message),
          ...(fields !== undefined ? { fields: { ...fields } } : {}),
        };
        sink(Object.freeze(secrets.size === 0 ? entry : redactValue(entry, secrets)));
      } catch {
        // A broken sink is the host's bug, not the plugin's; dropping the line is the lesser harm.
      }
    };
  return Object.freeze({
    debug: emit("debug"),
    info: emit("info"),
    warn: emit("warn"),
    error: emit("error"),
  });
}
