import type { JsonValue, PluginLogger, PluginStore } from "./context.ts";

/**
 * The small capabilities every hook context carries: a logger scoped to the plugin and a
 * per-plugin key/value store. Both are built from plain data on the plugin's side of the
 * boundary, so they keep working when plugins move into workers.
 */

export type PluginLogLevel = "debug" | "info" | "warn" | "error";

/** One line a plugin logged. The sink (the daemon's) is where redaction of secrets happens. */
export interface PluginLogEntry {
  readonly level: PluginLogLevel;
  readonly plugin: string;
  readonly message: string;
  readonly fields?: Readonly<Record<string, unknown>>;
}

export type PluginLogSink = (entry: PluginLogEntry) => void;

/**
 * A logger that tags every entry with `pluginId` and hands it to `sink` (default: drop).
 * A sink that throws is ignored: a plugin's log line must never break its hook.
 */
export function createPluginLogger(pluginId: string, sink: PluginLogSink = () => {}): PluginLogger {
  const emit =
    (level: PluginLogLevel) =>
    (message: string, fields?: Readonly<Record<string, unknown>>): void => {
      try {
        sink(
          Object.freeze({
            level,
            plugin: pluginId,
            message: String(message),
            ...(fields !== undefined ? { fields: Object.freeze({ ...fields }) } : {}),
          }),
        );
      } catch {
        // A broken sink is the daemon's bug, not the plugin's; dropping the line is the lesser harm.
      }
    };
  return Object.freeze({
    debug: emit("debug"),
    info: emit("info"),
    warn: emit("warn"),
    error: emit("error"),
  });
}

/**
 * An in-memory PluginStore. Values are copied through JSON on the way in and out, so a
 * plugin neither keeps a live reference into the store nor stores something that would not
 * survive persistence (functions, class instances, undefined). Not shared between plugins:
 * make one per plugin.
 */
export function createMemoryStore(): PluginStore {
  const data = new Map<string, string>();
  return Object.freeze({
    async get(key: string): Promise<JsonValue | undefined> {
      const raw = data.get(key);
      return raw === undefined ? undefined : (JSON.parse(raw) as JsonValue);
    },
    async set(key: string, value: JsonValue): Promise<void> {
      const raw = JSON.stringify(value);
      if (raw === undefined) throw new TypeError(`store value for "${key}" is not JSON`);
      data.set(key, raw);
    },
    async delete(key: string): Promise<void> {
      data.delete(key);
    },
  });
}
