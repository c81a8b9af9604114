import { redactValue } from "../util/redact.ts";

export type LogLevel = "debug" | "info" | "warn" | "error";
const LEVELS: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LogEntry {
  readonly level: LogLevel;
  readonly message: string;
  /** `daemon`, or the plugin id for plugin logs. */
  readonly scope: string;
  readonly fields?: Readonly<Record<string, unknown>>;
}

/** One HTTP request a plugin or the daemon made; URLs carry no query strings with secrets. */
export interface HttpLogEntry {
  readonly method: string;
  readonly url: string;
  readonly status?: number;
  readonly ms: number;
  readonly error?: string;
  readonly pluginId?: string;
}

export type LogSink = (entry: LogEntry) => void;

/**
 * A sink that writes one line per entry to a stream: human-readable by default, JSON lines
 * when `json` is set (for journald/log shippers). Secrets are redacted before anything is
 * formatted, so no code path can print one by accident.
 */
export function streamSink(
  stream: { write(s: string): unknown },
  opts: { json?: boolean; minLevel?: LogLevel; secrets?: () => ReadonlySet<string> } = {},
): LogSink {
  const min = LEVELS[opts.minLevel ?? "info"];
  return (entry) => {
    if (LEVELS[entry.level] < min) return;
    const secrets = opts.secrets?.() ?? new Set<string>();
    const safe = redactValue(entry, secrets);
    if (opts.json) {
      stream.write(`${JSON.stringify({ time: new Date().toISOString(), ...safe })}\n`);
      return;
    }
    const fields = safe.fields && Object.keys(safe.fields).length ? ` ${JSON.stringify(safe.fields)}` : "";
    stream.write(`${safe.level.padEnd(5)} [${safe.scope}] ${safe.message}${fields}\n`);
  };
}
