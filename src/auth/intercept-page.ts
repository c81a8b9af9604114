import { Parser } from "htmlparser2";
import type { PortalShape } from "../helper-api/context.ts";
import { findPageMoves, MAX_SCAN_CHARS } from "./page-moves.ts";

/**
 * Where an intercepted answer's page points, read as text: its page moves (meta refresh,
 * script `location` assignments, see page-moves.ts) and, for a 511 whose body only links
 * the login page (RFC 6585 §6 says it SHOULD), the first http(s) link. Bounded like
 * page-moves: a page with hundreds of links costs one linear pass over its first
 * MAX_SCAN_CHARS.
 */

export interface InterceptTarget {
  readonly url: string;
  readonly shape: Extract<PortalShape, "meta-refresh" | "script-redirect">;
}

/** A meta refresh at most this slow on a page with a form still means "this is not the page". */
const FORM_PAGE_MAX_REFRESH_S = 5;

/**
 * The page's first move somewhere other than itself (a refresh of the page itself is a wait,
 * not a move). A page with a form is taken to be the login page itself unless it refreshes
 * away at once: its scripts' `location` assignments are far more often button handlers
 * ("cancel", "terms") than moves made at load, and a slow refresh is a session timeout.
 */
export function pageTarget(html: string, pageUrl: string): InterceptTarget | undefined {
  const self = withoutHash(pageUrl);
  const hasForm = /<form[\s>]/i.test(html.length > MAX_SCAN_CHARS ? html.slice(0, MAX_SCAN_CHARS) : html);
  const move = findPageMoves(html, pageUrl).find(
    (m) =>
      m.url !== self &&
      (!hasForm || (m.kind === "meta-refresh" && (m.delaySeconds ?? 0) <= FORM_PAGE_MAX_REFRESH_S)),
  );
  if (move === undefined) return undefined;
  return { url: move.url, shape: move.kind === "meta-refresh" ? "meta-refresh" : "script-redirect" };
}

/** The first `<a href>` to an http(s) URL, resolved against the page (and its `<base>`). */
export function firstLink(html: string, pageUrl: string): string | undefined {
  let base = pageUrl;
  let found: string | undefined;
  const parser = new Parser(
    {
      onopentag(tag, attrs) {
        if (found !== undefined) return;
        if (tag === "base" && attrs.href !== undefined) base = resolve(attrs.href, pageUrl) ?? base;
        else if (tag === "a" && attrs.href !== undefined) found = resolve(attrs.href, base);
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html.length > MAX_SCAN_CHARS ? html.slice(0, MAX_SCAN_CHARS) : html);
  parser.end();
  return found;
}

function resolve(href: string, base: string): string | undefined {
  try {
    const url = new URL(href.trim(), base);
    return url.protocol === "http:" || url.protocol === "https:" ? withoutHash(url.href) : undefined;
  } catch {
    return undefined;
  }
}

function withoutHash(url: string): string {
  const hash = url.indexOf("#");
  return hash === -1 ? url : url.slice(0, hash);
}
