/**
 * `Link` headers (RFC 8288), read for one relation: RFC 8908 §2 lets a portal name its API
 * with `Link: <https://…>; rel="captive-portal"` on the intercepted answer, typically a 511.
 * A header may hold several links separated by commas, each with parameters; `rel` may list
 * several relation types separated by spaces; values may be quoted (with backslash escapes)
 * or bare tokens; URIs may be relative to the response's URL. Portals send garbage too: a
 * link without `<>`, an unterminated quote, a bad URI. A broken link is skipped and the
 * next one still read. Bounded: at most MAX_LINK_CHARS of header text and MAX_LINKS links.
 */

const MAX_LINK_CHARS = 8 * 1024;
export const MAX_LINKS = 32;

export interface WebLink {
  readonly uri: string;
  /** Lower-case relation types. */
  readonly rel: readonly string[];
}

/** All well-formed links in `header`, with URIs resolved against `base`; bad ones skipped. */
export function parseLinkHeader(header: string, base: string): WebLink[] {
  const text = header.slice(0, MAX_LINK_CHARS);
  const links: WebLink[] = [];
  let i = 0;
  while (i < text.length && links.length < MAX_LINKS) {
    const open = text.indexOf("<", i);
    if (open === -1) break;
    const close = text.indexOf(">", open + 1);
    if (close === -1) break;
    const target = text.slice(open + 1, close).trim();
    const params = readParams(text, close + 1);
    i = params.end;
    let uri: string;
    try {
      uri = new URL(target, base).href;
    } catch {
      continue;
    }
    const rel = (params.values.get("rel") ?? "").toLowerCase().split(/\s+/).filter(Boolean);
    links.push({ uri, rel });
  }
  return links;
}

// Sticky, so each match starts where the scan is (no copies of the rest of the header).
const NAME = /[A-Za-z0-9!#$%&'*+.^_`|~-]+\*?/y;
const TOKEN = /[^\s;,]*/y;

/** Parameters after a `<uri>` up to the comma that ends the link (commas inside quotes do not). */
function readParams(text: string, start: number): { values: Map<string, string>; end: number } {
  const values = new Map<string, string>();
  let i = start;
  while (i < text.length) {
    while (i < text.length && /[\s;]/.test(text[i] ?? "")) i++;
    if (i >= text.length) break;
    if (text[i] === ",") return { values, end: i + 1 };
    NAME.lastIndex = i;
    const name = NAME.exec(text)?.[0];
    if (name === undefined) {
      // Not a parameter: skip to the next separator so the following link is still read.
      while (i < text.length && text[i] !== "," && text[i] !== ";") i++;
      continue;
    }
    i += name.length;
    while (text[i] === " " || text[i] === "\t") i++;
    let value = "";
    if (text[i] === "=") {
      i++;
      while (text[i] === " " || text[i] === "\t") i++;
      if (text[i] === '"') {
        i++;
        while (i < text.length && text[i] !== '"') {
          if (text[i] === "\\" && i + 1 < text.length) i++;
          value += text[i];
          i++;
        }
        i++;
      } else {
        TOKEN.lastIndex = i;
        const token = TOKEN.exec(text)?.[0] ?? "";
        value = token;
        i += token.length;
      }
    }
    const key = name.toLowerCase();
    // RFC 8288 §3.3: only the first occurrence of rel counts.
    if (!values.has(key)) values.set(key, value);
  }
  return { values, end: i };
}

/** The first `rel="captive-portal"` link's URI, if any. */
export function captivePortalLink(header: string | undefined, base: string): string | undefined {
  if (header === undefined) return undefined;
  return parseLinkHeader(header, base).find((l) => l.rel.includes("captive-portal"))?.uri;
}
