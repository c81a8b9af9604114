import { fstatSync } from "node:fs";
import { redactValue } from "../util/redact.ts";
import type { LogLevel, LogSink } from "./log.ts";

/**
 * Logs for the systemd journal: under systemd, stderr is a stream into journald, which reads
 * a `<N>` syslog-priority prefix on each line as that line's priority (sd-daemon(3)) and
 * stamps its own time. So each entry is one line: priority, the scope (`daemon`,
 * `dbus-api`, or the plugin's id: a namespace per plugin that `journalctl -g` can select),
 * the message, and its fields as JSON. `journalctl -p warning` then shows just the problems.
 */

const PRIORITY: Readonly<Record<LogLevel, number>> = { debug: 7, info: 6, warn: 4, error: 3 };
const ORDER: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * True when stderr is the journal stream systemd set up: JOURNAL_STREAM holds its
 * `device:inode`, and it counts only if stderr is still that file (a child whose stderr was
 * redirected inherits the variable but not the stream).
 */
export function stderrIsJournal(env: NodeJS.ProcessEnv = process.env, fd = 2): boolean {
  const want = env.JOURNAL_STREAM;
  if (!want) return false;
  const [dev, ino] = want.split(":");
  try {
    const st = fstatSync(fd, { bigint: true });
    return dev !== undefined && ino !== undefined && st.dev === BigInt(dev) && st.ino === BigInt(ino);
  } catch {
    return false;
  }
}

export function journalSink(
  stream: { write(s: string): unknown },
  opts: { minLevel?: LogLevel; secrets?: () => ReadonlySet<string> } = {},
): LogSink {
  const min = ORDER[opts.minLevel ?? "info"];
  return (entry) => {
    if (ORDER[entry.level] < min) return;
    const safe = redactValue(entry, opts.secrets?.() ?? new Set<string>());
    const fields = safe.fields && Object.keys(safe.fields).length ? ` ${JSON.stringify(safe.fields)}` : "";
    // A message with a newline would become two journal entries, the second at default priority.
    const text = `${safe.scope}: ${safe.message}${fields}`.replace(/\r?\n/g, " ⏎ ");
    stream.write(`<${PRIORITY[safe.level]}>${text}\n`);
  };
}
