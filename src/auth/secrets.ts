import type { PortalHost } from "../helper-api/plugin.ts";
import type { SecretSet } from "../util/redact.ts";

export { compileSecrets, formEncode, type SecretSet, secretLeaves } from "../util/redact.ts";

/**
 * Where credentials may go: the declared portal hosts, over TLS unless a host allows
 * plain HTTP; and URLs safe to log. Finding and scrubbing secrets lives in
 * src/util/redact.ts, shared with the daemon's log sinks.
 */

function bareHost(hostname: string): string {
  return hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "");
}

/** Whether `hostname` is declared: exact (case-insensitive) or `*.suffix` (any subdomain, not the bare suffix). */
export function matchingPortalHosts(hostname: string, hosts: readonly PortalHost[]): PortalHost[] {
  const h = bareHost(hostname);
  return hosts.filter((entry) => {
    const declared = bareHost(entry.host);
    if (declared.startsWith("*.")) return h.endsWith(declared.slice(1)) && h.length > declared.length - 1;
    return h === declared;
  });
}

/** Why credentials may not go to `url`, or undefined when they may. */
export function credentialRefusal(url: URL, hosts: readonly PortalHost[]): string | undefined {
  const matches = matchingPortalHosts(url.hostname, hosts);
  if (matches.length === 0) return `host ${bareHost(url.hostname)} is not a declared portal host`;
  if (url.protocol === "https:") return undefined;
  if (url.protocol === "http:" && matches.some((m) => m.allowHttp === true)) return undefined;
  return `plain ${url.protocol.replace(":", "").toUpperCase()} to ${bareHost(url.hostname)} is not allowed (only TLS, unless the plugin sets allowHttp for that host)`;
}

/**
 * A URL safe to log: secrets replaced by `***` everywhere; if some spelling survived the
 * replacement (an encoding we do not rewrite), the query and then the path are dropped.
 */
export function loggableUrl(url: URL, secrets: SecretSet): string {
  if (secrets.size === 0) return url.href;
  const redacted = secrets.redact(url.href);
  if (!secrets.foundIn(redacted)) return redacted;
  const noQuery = secrets.redact(`${url.origin}${url.pathname}`);
  return secrets.foundIn(noQuery) ? `${url.origin}/***` : `${noQuery}?***`;
}

/** Origin and path only (no query), secrets scrubbed: for error messages. */
export function urlWithoutQuery(url: URL, secrets: SecretSet): string {
  const text = secrets.redact(`${url.origin}${url.pathname}`);
  return secrets.foundIn(text) ? `${url.origin}/***` : text;
}
