import { Parser } from "htmlparser2";

/**
 * Where a page sends a visitor without a click, read from its HTML as text (script never
 * runs): `<meta http-equiv="refresh">` and `location` assignments in inline scripts. Portals
 * that answer an intercepted request with 200 often hand you on this way (controllers'
 * web-passthrough pages, "please wait" pages, pages whose only content is a script).
 *
 * Only static targets count: a string literal assigned to, or passed to, a `location`. A
 * target built at run time (`"/login?u=" + document.URL`) is not guessed at. Relative URLs
 * resolve against the document base (`<base href>` or the page URL), as browsers do;
 * anything that is not http(s) (javascript:, data:, mailto:) or does not parse is dropped.
 * Work is bounded: only the first MAX_SCAN_CHARS of the page are read, only the first
 * MAX_SCRIPT_CHARS of script text is searched, and at most MAX_MOVES results come back.
 */

export interface PageMove {
  readonly kind: "meta-refresh" | "script";
  /** Absolute http(s) URL. A refresh without a URL reloads the page itself. */
  readonly url: string;
  /** A meta refresh's delay; absent for scripts (they run at load). */
  readonly delaySeconds?: number;
}

export const MAX_SCAN_CHARS = 512 * 1024;
const MAX_SCRIPT_CHARS = 128 * 1024;
export const MAX_MOVES = 16;
/** Longest string literal taken as a URL; anything longer is not a hand-written target. */
const MAX_URL_CHARS = 4096;

interface RawMove {
  kind: PageMove["kind"];
  target: string | undefined;
  delaySeconds?: number;
}

/** The moves of `html` in document order, deduplicated. */
export function findPageMoves(html: string, baseUrl: string): PageMove[] {
  let pageUrl: URL;
  try {
    pageUrl = new URL(baseUrl);
  } catch {
    return [];
  }
  pageUrl.hash = "";
  let documentBase = pageUrl.href;
  let sawBase = false;
  const raw: RawMove[] = [];
  let scriptBudget = MAX_SCRIPT_CHARS;
  let script: string[] | undefined;

  const addScript = (text: string): void => {
    const take = text.slice(0, Math.max(0, scriptBudget));
    scriptBudget -= take.length;
    for (const target of scriptTargets(take)) raw.push({ kind: "script", target });
  };

  const parser = new Parser(
    {
      onopentag(tag, attrs) {
        if (raw.length >= MAX_MOVES * 4) return;
        if (tag === "base" && !sawBase && attrs.href !== undefined) {
          sawBase = true;
          documentBase = absolute(attrs.href, pageUrl.href) ?? pageUrl.href;
        } else if (tag === "meta" && attrs["http-equiv"]?.trim().toLowerCase() === "refresh") {
          const refresh = parseRefresh(attrs.content ?? "");
          if (refresh !== undefined) raw.push({ kind: "meta-refresh", ...refresh });
        } else if (tag === "script") {
          script = attrs.src === undefined && isJavaScript(attrs.type) ? [] : undefined;
        }
        // A body that moves you on load is as common on portal pages as an inline script.
        if (tag === "body" && attrs.onload !== undefined) addScript(attrs.onload);
      },
      ontext(text) {
        script?.push(text);
      },
      onclosetag(tag) {
        if (tag === "script" && script !== undefined) {
          addScript(script.join(""));
          script = undefined;
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html.length > MAX_SCAN_CHARS ? html.slice(0, MAX_SCAN_CHARS) : html);
  parser.end();

  const moves: PageMove[] = [];
  const seen = new Set<string>();
  for (const move of raw) {
    // A refresh without a URL reloads the document's own URL, not its base.
    const url = move.target === undefined ? pageUrl.href : absolute(move.target, documentBase);
    if (url === undefined) continue;
    const key = `${move.kind} ${url}`;
    if (seen.has(key)) continue;
    seen.add(key);
    moves.push({
      kind: move.kind,
      url,
      ...(move.delaySeconds === undefined ? {} : { delaySeconds: move.delaySeconds }),
    });
    if (moves.length >= MAX_MOVES) break;
  }
  return moves;
}

function absolute(href: string, base: string): string | undefined {
  const trimmed = href.trim();
  if (trimmed === "" || trimmed.length > MAX_URL_CHARS) return undefined;
  try {
    const url = new URL(trimmed, base);
    if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
    url.hash = "";
    return url.href;
  } catch {
    return undefined;
  }
}

function isJavaScript(type: string | undefined): boolean {
  const t = (type ?? "").trim().toLowerCase();
  return t === "" || t === "module" || /(java|ecma|j)script/.test(t);
}

/**
 * The HTML standard's "shared declarative refresh steps": a delay (digits, optionally with a
 * fraction), then `;` or `,`, then an optional `url=` and an optionally quoted URL. Content
 * that does not start with a number is ignored, as browsers ignore it.
 */
export function parseRefresh(
  content: string,
): { delaySeconds: number; target: string | undefined } | undefined {
  const m = /^[\t\n\f\r ]*(\d*)(\.[\d.]*)?/.exec(content);
  if (m === null || (m[1] === "" && m[2] === undefined)) return undefined;
  const delaySeconds = m[1] === "" ? 0 : Number(m[1]);
  if (!Number.isSafeInteger(delaySeconds)) return undefined;
  let rest = content.slice(m[0].length).replace(/^[\t\n\f\r ]*[;,]?[\t\n\f\r ]*/, "");
  if (rest === "") return { delaySeconds, target: undefined };
  rest = rest.replace(/^url[\t\n\f\r ]*=[\t\n\f\r ]*/i, "");
  const quote = rest[0];
  if (quote === '"' || quote === "'") {
    const end = rest.indexOf(quote, 1);
    rest = end === -1 ? rest.slice(1) : rest.slice(1, end);
  }
  const target = rest.trim();
  return { delaySeconds, target: target === "" ? undefined : target };
}

// `location`, optionally reached through window/document/top/self/parent, then either an
// assignment (to it or its href) or a replace/assign call, with a string literal as the value.
const PREFIX = String.raw`(?<![\w$.])(?:(?:window|document|top|self|parent)\s*\.\s*)*location`;
const LITERAL = String.raw`(?:"((?:[^"\\\n]|\\.){0,${MAX_URL_CHARS}})"|'((?:[^'\\\n]|\\.){0,${MAX_URL_CHARS}})')`;
const ASSIGN = new RegExp(
  String.raw`${PREFIX}(?:\s*\.\s*href)?\s*=(?!=)\s*${LITERAL}\s*(?=[;,)}\n\r]|$)`,
  "g",
);
const CALL = new RegExp(String.raw`${PREFIX}\s*\.\s*(?:replace|assign)\s*\(\s*${LITERAL}\s*\)`, "g");

/** Static targets of location assignments in `code`, in source order. */
export function scriptTargets(code: string): string[] {
  const text = stripComments(code);
  const found: { at: number; target: string }[] = [];
  for (const re of [ASSIGN, CALL]) {
    re.lastIndex = 0;
    for (const m of text.matchAll(re)) {
      const literal = m[1] ?? m[2];
      if (literal !== undefined) found.push({ at: m.index, target: unescapeJs(literal) });
      if (found.length >= MAX_MOVES * 4) break;
    }
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.target);
}

/**
 * Blanks out `//`, `/* *\/` and legacy `<!--` comments so commented-out redirects are not
 * followed, while leaving string literals (which hold `//` in every URL) intact. One pass.
 */
function stripComments(code: string): string {
  let out = "";
  let i = 0;
  let quote: string | undefined;
  while (i < code.length) {
    const c = code[i] ?? "";
    if (quote !== undefined) {
      out += c;
      if (c === "\\" && i + 1 < code.length) {
        out += code[i + 1];
        i += 2;
        continue;
      }
      if (c === quote || c === "\n") quote = undefined;
      i++;
    } else if (c === '"' || c === "'" || c === "`") {
      quote = c;
      out += c;
      i++;
    } else if (code.startsWith("//", i) || code.startsWith("<!--", i)) {
      const end = code.indexOf("\n", i);
      i = end === -1 ? code.length : end;
    } else if (code.startsWith("/*", i)) {
      const end = code.indexOf("*/", i + 2);
      i = end === -1 ? code.length : end + 2;
      out += " ";
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  n: "\n",
  r: "\r",
  t: "\t",
  b: "\b",
  f: "\f",
  v: "\v",
  "0": "\0",
};

function unescapeJs(s: string): string {
  return s.replace(
    /\\(x[0-9a-fA-F]{2}|u\{[0-9a-fA-F]{1,6}\}|u[0-9a-fA-F]{4}|[\s\S])/g,
    (_all, esc: string) => {
      if (esc.startsWith("x")) return String.fromCharCode(Number.parseInt(esc.slice(1), 16));
      if (esc.startsWith("u{")) {
        const cp = Number.parseInt(esc.slice(2, -1), 16);
        return cp <= 0x10ffff ? String.fromCodePoint(cp) : "";
      }
      if (esc.startsWith("u") && esc.length === 5)
        return String.fromCharCode(Number.parseInt(esc.slice(1), 16));
      return SIMPLE_ESCAPES[esc] ?? esc;
    },
  );
}
