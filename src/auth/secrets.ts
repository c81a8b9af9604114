import { isIP } from "node:net";
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

/**
 * Whether `hostname` is `realm` or a host under it, on a label boundary: `login.boingo.com`
 * is under `boingo.com`, `evilboingo.com` is not. IP addresses are never under a realm.
 */
export function isUnderRealm(hostname: string, realm: string): boolean {
  const h = bareHost(hostname);
  const r = bareHost(realm);
  if (realmProblem(r) !== undefined || isIP(h) !== 0) return false;
  return h === r || h.endsWith(`.${r}`);
}

/** Why `realm` cannot scope an account (a single label such as `com` would cover everyone), or undefined. */
function realmProblem(realm: string): string | undefined {
  const r = bareHost(realm);
  if (isIP(r) !== 0) return `realm ${r} is an address, not a domain`;
  if (!/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(r))
    return `realm ${r} is not a domain name of two or more labels`;
  return undefined;
}

/**
 * Why credentials may not go to `url`, or undefined when they may: a declared portal host
 * (over TLS, or plain HTTP where that host sets allowHttp), or, when the account is scoped
 * to an operator `realm`, over TLS to the realm's host or a host under it. A refusal names
 * the setting that would allow it: `hosts` (the portal hosts; the generic plugins' setting
 * of that name) or the account's `realm`.
 */
export function credentialRefusal(
  url: URL,
  hosts: readonly PortalHost[],
  realm?: string,
): string | undefined {
  const host = bareHost(url.hostname);
  const matches = matchingPortalHosts(url.hostname, hosts);
  const tls = url.protocol === "https:";
  if (matches.length > 0) {
    if (tls) return undefined;
    if (url.protocol === "http:" && matches.some((m) => m.allowHttp === true)) return undefined;
    return `plain ${url.protocol.replace(":", "").toUpperCase()} to ${host} is not allowed: TLS only, unless ${host} is listed in \`hosts\` with allowHttp`;
  }
  if (realm !== undefined) {
    const problem = realmProblem(realm);
    if (problem !== undefined)
      return `host ${host} is not a declared portal host, and the account's ${problem}`;
    if (isUnderRealm(host, realm)) {
      if (tls) return undefined;
      return `plain ${url.protocol.replace(":", "").toUpperCase()} to ${host} is not allowed: the account's \`realm\` ${bareHost(realm)} allows TLS only; list ${host} in \`hosts\` with allowHttp to allow plain HTTP`;
    }
    return `host ${host} is neither a declared portal host nor under the account's \`realm\` ${bareHost(realm)}: list it in \`hosts\`, or scope the account to a realm it is under`;
  }
  return `host ${host} is not a declared portal host: list it in \`hosts\` (the plugin's portal hosts), or, for TLS, scope the account to a \`realm\` it is under`;
}

/**
 * What would let credentials go to `url`, for the error a refusal raises: the setting that
 * declares the host. Phrased as a condition, because a refused host is as often an evil
 * twin's portal as a host the plugin forgot to declare.
 */
export function credentialRefusalFix(
  url: URL,
  hosts: readonly PortalHost[],
  pluginId: string,
): string | undefined {
  const host = bareHost(url.hostname);
  const fromConfig = `or, for a plugin that reads its portal host from its config, under plugins.${pluginId}.config in the config file`;
  if (matchingPortalHosts(url.hostname, hosts).length === 0) {
    const declared = hosts.length === 0 ? "none" : hosts.map((h) => h.host).join(", ");
    return `if ${host} is the operator's real portal, declare { host: "${host}" } in the plugin's portalHosts (declared now: ${declared}) ${fromConfig}`;
  }
  if (url.protocol === "http:") {
    return `if the portal really has no TLS, set allowHttp: true on ${host} in the plugin's portalHosts ${fromConfig}`;
  }
  return undefined;
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
