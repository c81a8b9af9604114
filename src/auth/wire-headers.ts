/**
 * Request headers as a browser puts them on the wire. HTTP says header names are
 * case-insensitive, but embedded gateways (splash servers on small routers) compare them
 * byte for byte and some drop or crash on `user-agent`; browsers and curl always send the
 * canonical spelling, in a stable order. Everything the transport sends goes through
 * `wireHeaders`, so probe, API and plugin traffic all look the same.
 *
 * The order is Firefox's for navigations and form posts: Host, User-Agent, Accept,
 * Accept-Language, Accept-Encoding, then the body's headers, Origin, Authorization,
 * Connection, Referer, Cookie; headers a browser would not send come after, in the order
 * given.
 */

/** A User-Agent with "wispr" in it: Apple's captive network assistant sends one, and WISPr gateways look for it. */
export const HOTSPOT_USER_AGENT = "CaptiveNetworkSupport/1.0 wispr hotspot-helper/0.1";

/** What a browser accepts for a page; APIs set their own (RFC 8908's application/captive+json). */
const BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

/** The encodings the transport decodes (see transport's decoder); browsers send the same three. */
const ACCEPT_ENCODING = "gzip, deflate, br";

const ORDER = [
  "host",
  "user-agent",
  "accept",
  "accept-language",
  "accept-encoding",
  "content-type",
  "content-length",
  "origin",
  "authorization",
  "connection",
  "referer",
  "cookie",
  "upgrade-insecure-requests",
  "cache-control",
  "pragma",
];

/** Names whose canonical spelling is not simply each dash-separated word capitalised. */
const SPECIAL: Readonly<Record<string, string>> = {
  dnt: "DNT",
  te: "TE",
  "www-authenticate": "WWW-Authenticate",
  "x-xss-protection": "X-XSS-Protection",
  etag: "ETag",
  "content-md5": "Content-MD5",
  "sec-ch-ua": "Sec-CH-UA",
  "sec-ch-ua-mobile": "Sec-CH-UA-Mobile",
  "sec-ch-ua-platform": "Sec-CH-UA-Platform",
};

/** `user-agent` → `User-Agent`, `x-requested-with` → `X-Requested-With`. */
export function canonicalHeaderName(name: string): string {
  const lower = name.toLowerCase();
  return (
    SPECIAL[lower] ??
    lower.replace(/(^|-)([a-z])/g, (_all, dash: string, letter: string) => dash + letter.toUpperCase())
  );
}

export interface WireHeaderDefaults {
  /** Host header value (host[:port]); first on the wire, as every browser sends it. */
  readonly host: string;
  readonly userAgent?: string | undefined;
  readonly acceptLanguage?: string | undefined;
  /** `keep-alive` when the connection is pooled, else `close`. */
  readonly connection: "keep-alive" | "close";
  /** Body length, when there is a body (Node would otherwise append it last, or chunk). */
  readonly contentLength?: number | undefined;
}

/**
 * The request's headers in canonical spelling and browser order, with the browser-like
 * defaults filled in where the caller gave none. Later duplicates (in another case) win.
 * Accept-Encoding is always ours: the transport can only decode what it announced.
 */
export function wireHeaders(
  given: Readonly<Record<string, string>>,
  defaults: WireHeaderDefaults,
): Record<string, string> {
  const byName = new Map<string, string>();
  for (const [name, value] of Object.entries(given)) byName.set(name.toLowerCase(), value);
  byName.set("host", byName.get("host") ?? defaults.host);
  if (!byName.has("user-agent")) byName.set("user-agent", defaults.userAgent ?? HOTSPOT_USER_AGENT);
  if (!byName.has("accept")) byName.set("accept", BROWSER_ACCEPT);
  if (!byName.has("accept-language")) byName.set("accept-language", defaults.acceptLanguage ?? "en");
  byName.set("accept-encoding", ACCEPT_ENCODING);
  byName.set("connection", defaults.connection);
  if (defaults.contentLength !== undefined) byName.set("content-length", String(defaults.contentLength));
  else byName.delete("content-length");

  const out: Record<string, string> = {};
  for (const name of ORDER) {
    const value = byName.get(name);
    if (value !== undefined) out[canonicalHeaderName(name)] = value;
  }
  for (const [name, value] of byName) {
    if (!ORDER.includes(name)) out[canonicalHeaderName(name)] = value;
  }
  return out;
}
