import { PASSWORD_FIELD, USER_FIELD } from "./request.ts";
import type { CriticalPath, GardenEvent, PortalCredentials, RequestLogEntry } from "./types.ts";

/**
 * The portal's request log and the critical-path summary computed from it. Log URLs keep
 * their query (it is often the interesting part: `res=notyet&challenge=…`) with the values
 * of credential-named fields and of the known credentials replaced by `***`, so a log can
 * be printed or attached to a bug report.
 */

/** Paths the well-known connectivity checks use (Android, Apple, NetworkManager/Debian, GNOME, Windows). */
export const PROBE_PATHS: ReadonlySet<string> = new Set([
  "/generate_204",
  "/gen_204",
  "/hotspot-detect.html",
  "/library/test/success.html",
  "/nm",
  "/check_network_status.txt",
  "/connecttest.txt",
  "/ncsi.txt",
]);

/** A log row while its response is pending; becomes a RequestLogEntry. */
export interface LogRow {
  method: string;
  path: string;
  url: string;
  host: string;
  tls: boolean;
  status: number;
  atMs: number;
  durationMs: number;
  connectionId: number;
  client: string;
  authorized: boolean;
}

/** `path?query` with credential values masked. */
export function scrubbedUrl(rawUrl: string, known: PortalCredentials | undefined): string {
  const url = new URL(rawUrl, "http://portal.invalid");
  const secrets = known
    ? [known.username, known.password, ...(known.fields ?? []).map((f) => f.value)].filter((s) => s !== "")
    : [];
  const params = new URLSearchParams();
  for (const [name, value] of url.searchParams) {
    const secret = USER_FIELD.test(name) || PASSWORD_FIELD.test(name) || secrets.includes(value);
    params.append(name, secret ? "***" : value);
  }
  const query = params.toString().replaceAll("%2A%2A%2A", "***");
  let path = url.pathname;
  for (const s of secrets) path = path.replaceAll(encodeURIComponent(s), "***");
  return query === "" ? path : `${path}?${query}`;
}

const isProbe = (e: RequestLogEntry): boolean => PROBE_PATHS.has(e.path);

/**
 * From `client`'s first probe to its first authorisation after that probe. Undefined when
 * the client never probed or was never let through afterwards.
 */
export function criticalPath(
  log: readonly RequestLogEntry[],
  events: readonly GardenEvent[],
  client: string,
): CriticalPath | undefined {
  const mine = log.filter((e) => e.client === client);
  const first = mine.find(isProbe);
  if (!first) return undefined;
  const let_ = events.find((e) => e.client === client && e.authorized && e.atMs >= first.atMs);
  if (!let_) return undefined;
  const entries = mine.filter((e) => e.atMs >= first.atMs && e.atMs <= let_.atMs);
  const seenBefore = new Set(mine.filter((e) => e.atMs < first.atMs).map((e) => e.connectionId));
  const connections = new Set(entries.map((e) => e.connectionId).filter((id) => !seenBefore.has(id)));
  let sequential = 0;
  let busyUntil = Number.NEGATIVE_INFINITY;
  for (const e of entries) {
    if (e.atMs >= busyUntil) sequential++;
    busyUntil = Math.max(busyUntil, e.atMs + e.durationMs);
  }
  return {
    client,
    requests: entries.length,
    sequentialRequests: sequential,
    newConnections: connections.size,
    elapsedMs: let_.atMs - first.atMs,
    entries,
  };
}

/** The log as aligned text lines, for the CLI. */
export function formatRequestLog(log: readonly RequestLogEntry[]): string {
  const lines = log.map((e) => {
    const status = e.status === 0 ? "---" : String(e.status);
    const scheme = e.tls ? "https" : "http";
    return `${e.atMs.toFixed(0).padStart(7)} ms  #${String(e.connectionId).padEnd(3)} ${e.method.padEnd(4)} ${status}  ${scheme}://${e.host}${e.url}  (${e.durationMs.toFixed(0)} ms)`;
  });
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}

/** One line summarising a critical path. */
export function formatCriticalPath(path: CriticalPath | undefined): string {
  if (!path) return "critical path: the client was never let through after a probe";
  return (
    `critical path for ${path.client}: ${path.requests} requests (${path.sequentialRequests} sequential), ` +
    `${path.newConnections} new connections, ${path.elapsedMs.toFixed(0)} ms from first probe to let through`
  );
}
