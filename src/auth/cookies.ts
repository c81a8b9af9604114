import { isIP } from "node:net";
import type { PortalCookie } from "../helper-api/context.ts";

/**
 * A cookie jar implementing the subset of RFC 6265 that captive portals rely on: session
 * cookies set on the login page and expected back on the form POST. Supported: Domain
 * (host-only when absent), Path (default-path rule), Secure, Expires and Max-Age (Max-Age
 * wins), replacement by (name, domain, path). Not supported, on purpose: the public
 * suffix list (a portal jar lives for one login on one network), SameSite (we are not a
 * browser with cross-site contexts), HttpOnly semantics (no scripts read our jar).
 */

/** The SDK's cookie (what detection hands a plugin in `portal.cookies`) is the jar's cookie. */
export type Cookie = PortalCookie;

export interface CookieJar {
  /** Stores the cookies of `Set-Cookie` header values received from `url`. Invalid ones are ignored. */
  setCookies(setCookieHeaders: readonly string[], url: string | URL): void;
  /** The `Cookie` header value to send to `url`, or undefined when no cookie applies. */
  cookieHeader(url: string | URL): string | undefined;
  /** All unexpired cookies, for debugging and tests. */
  list(): Cookie[];
  clear(): void;
}

export interface CookieJarOptions {
  /** Clock, for tests. Default Date.now. */
  readonly now?: () => number;
  /** Cookies to start with (those detection received from the portal). */
  readonly initial?: readonly Cookie[];
}

function hostOf(url: URL): string {
  return url.hostname.toLowerCase().replace(/^\[|\]$/g, "");
}

/** RFC 6265 §5.1.3: the host equals the domain, or ends with "." + domain and is not an IP address. */
export function domainMatches(host: string, domain: string): boolean {
  if (host === domain) return true;
  return host.endsWith(`.${domain}`) && isIP(host) === 0;
}

/** RFC 6265 §5.1.4. */
export function defaultPath(url: URL): string {
  const p = url.pathname;
  if (!p.startsWith("/")) return "/";
  const last = p.lastIndexOf("/");
  return last <= 0 ? "/" : p.slice(0, last);
}

/** RFC 6265 §5.1.4: exact, or a prefix ending with "/" or followed by "/". */
export function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith("/") || requestPath[cookiePath.length] === "/";
}

interface Stored extends Cookie {
  readonly createdAt: number;
}

/** Parses one Set-Cookie value in the context of `url`; undefined when it must be ignored. */
function parseSetCookie(header: string, url: URL, now: number): Stored | undefined {
  const [pair = "", ...attrs] = header.split(";");
  const eq = pair.indexOf("=");
  if (eq < 0) return undefined;
  const name = pair.slice(0, eq).trim();
  const value = pair.slice(eq + 1).trim();
  if (name === "") return undefined;
  const host = hostOf(url);
  let domain: string | undefined;
  let path: string | undefined;
  let secure = false;
  let maxAge: number | undefined;
  let expires: number | undefined;
  for (const attr of attrs) {
    const i = attr.indexOf("=");
    const key = (i < 0 ? attr : attr.slice(0, i)).trim().toLowerCase();
    const val = i < 0 ? "" : attr.slice(i + 1).trim();
    if (key === "domain" && val !== "") domain = val.replace(/^\./, "").toLowerCase();
    else if (key === "path") path = val.startsWith("/") ? val : undefined;
    else if (key === "secure") secure = true;
    else if (key === "max-age" && /^-?\d+$/.test(val)) maxAge = Number(val);
    else if (key === "expires") {
      const t = Date.parse(val);
      if (!Number.isNaN(t)) expires = t;
    }
  }
  // A server may only set cookies for a domain it belongs to (§5.3 step 6).
  if (domain !== undefined && !domainMatches(host, domain)) return undefined;
  const expiresAt = maxAge !== undefined ? now + maxAge * 1000 : expires;
  return {
    name,
    value,
    domain: domain ?? host,
    hostOnly: domain === undefined,
    path: path ?? defaultPath(url),
    secure,
    ...(expiresAt === undefined ? {} : { expiresAt }),
    createdAt: now,
  };
}

/** Creates an empty jar. */
export function createCookieJar(opts: CookieJarOptions = {}): CookieJar {
  const now = opts.now ?? Date.now;
  const store = new Map<string, Stored>();
  const keyOf = (c: Cookie): string => `${c.name}\u0000${c.domain}\u0000${c.path}`;
  const live = (c: Stored, t: number): boolean => c.expiresAt === undefined || c.expiresAt > t;
  for (const c of opts.initial ?? []) store.set(keyOf(c), { ...c, createdAt: now() });

  return {
    setCookies(headers, url) {
      const u = typeof url === "string" ? new URL(url) : url;
      const t = now();
      for (const header of headers) {
        const cookie = parseSetCookie(header, u, t);
        if (!cookie) continue;
        const key = keyOf(cookie);
        const old = store.get(key);
        // An expired replacement is how servers delete cookies (Max-Age=0 or a past date).
        if (!live(cookie, t)) store.delete(key);
        else store.set(key, old ? { ...cookie, createdAt: old.createdAt } : cookie);
      }
    },
    cookieHeader(url) {
      const u = typeof url === "string" ? new URL(url) : url;
      const host = hostOf(u);
      const t = now();
      const matching: Stored[] = [];
      for (const [key, c] of store) {
        if (!live(c, t)) {
          store.delete(key);
          continue;
        }
        if (c.hostOnly ? host !== c.domain : !domainMatches(host, c.domain)) continue;
        if (!pathMatches(u.pathname || "/", c.path)) continue;
        if (c.secure && u.protocol !== "https:") continue;
        matching.push(c);
      }
      if (matching.length === 0) return undefined;
      // §5.4: longer paths first, then earlier creation.
      matching.sort((a, b) => b.path.length - a.path.length || a.createdAt - b.createdAt);
      return matching.map((c) => `${c.name}=${c.value}`).join("; ");
    },
    list() {
      const t = now();
      return [...store.values()].filter((c) => live(c, t)).map(({ createdAt: _createdAt, ...c }) => c);
    },
    clear() {
      store.clear();
    },
  };
}
