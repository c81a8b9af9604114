import type { PortalHost } from "../helper-api/plugin.ts";

/**
 * Credential hygiene for outgoing requests: find the plugin's secrets (every string leaf
 * of its credentials) in a request, decide whether the destination may receive them, and
 * scrub them from anything we log. Secrets are searched in their raw form and in the
 * encodings a request carries them in (percent-encoding, form encoding with '+'), and the
 * request text is also searched after decoding, so a differently-escaped copy
 * (lower-case hex, `'` as %27) is still found.
 */

/** Every non-empty string leaf of `credentials` (objects, arrays, nested), without duplicates. */
export function secretLeaves(credentials: unknown): string[] {
  const out = new Set<string>();
  const seen = new Set<object>();
  const walk = (v: unknown): void => {
    if (typeof v === "string") {
      if (v.length >= 1) out.add(v);
    } else if (typeof v === "object" && v !== null && !seen.has(v)) {
      seen.add(v);
      for (const child of Array.isArray(v) ? v : Object.values(v)) walk(child);
    }
  };
  walk(credentials);
  return [...out];
}

/** application/x-www-form-urlencoded form of a value (space as '+'), as URLSearchParams writes it. */
export function formEncode(value: string): string {
  return new URLSearchParams([["", value]]).toString().slice(1);
}

/** The spellings of a secret that may appear in request text, longest first. */
function encodings(secret: string): string[] {
  const variants = new Set([secret, encodeURIComponent(secret), formEncode(secret)]);
  // WHATWG URL escapes a different set than encodeURIComponent in paths and queries.
  for (const make of [
    (s: string) => new URL(`http://x/?${s}`).search.slice(1),
    (s: string) => new URL(`http://x/${s}`).pathname.slice(1),
  ]) {
    try {
      variants.add(make(secret));
    } catch {
      // a secret that cannot sit in a URL has no URL spelling
    }
  }
  return [...variants].filter((v) => v !== "").sort((a, b) => b.length - a.length);
}

/** Percent-decodes what can be decoded and leaves malformed escapes alone. */
function looseDecode(text: string, plusIsSpace: boolean): string {
  const input = plusIsSpace ? text.replaceAll("+", " ") : text;
  try {
    return decodeURIComponent(input);
  } catch {
    return input.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
  }
}

/** A compiled set of secrets: fast membership tests and redaction. */
export interface SecretSet {
  readonly size: number;
  /** True when any secret, in any spelling, occurs in `text`. */
  foundIn(text: string): boolean;
  /** `text` with every spelling of every secret replaced by `***`. */
  redact(text: string): string;
}

export function compileSecrets(credentials: unknown): SecretSet {
  const secrets = secretLeaves(credentials);
  const spellings = [...new Set(secrets.flatMap(encodings))].sort((a, b) => b.length - a.length);
  const rawContains = (text: string): boolean => spellings.some((s) => text.includes(s));
  return {
    size: secrets.length,
    foundIn(text) {
      if (secrets.length === 0 || text === "") return false;
      if (rawContains(text)) return true;
      const decoded = [looseDecode(text, false), looseDecode(text, true)];
      return decoded.some((d) => secrets.some((s) => d.includes(s)));
    },
    redact(text) {
      let out = text;
      for (const s of spellings) out = out.replaceAll(s, "***");
      return out;
    },
  };
}

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
