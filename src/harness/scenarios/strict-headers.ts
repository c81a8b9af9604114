import { randomBytes } from "node:crypto";
import { z } from "zod";
import { defineBehaviour } from "../fixture-schema.ts";
import { escapeHtml, html, page, redirect } from "../html.ts";
import { internetAnswer } from "../internet.ts";
import type { PortalRequest, PortalResponse, ScenarioEnv } from "../types.ts";

/**
 * A splash gateway on a small router whose embedded HTTP server compares header names byte
 * for byte: a request whose standard headers are not spelled the way browsers spell them
 * (`user-agent` instead of `User-Agent`) is not understood and the connection is dropped
 * without an answer. The flow is nodogsplash's (openNDS's predecessor, built on
 * libmicrohttpd): the intercept 302s to `/splash.html` with the original URL; the page's
 * GET form carries a one-time `tok` to `/nodogsplash_auth/`, which opens the garden and
 * redirects to the original URL. Every request is checked, the probe's and the
 * verification's included.
 */

const params = z.object({ title: z.string().min(1).default("Free Wi-Fi") }).strict();
type Params = z.infer<typeof params>;

/** The names browsers send, in their canonical spelling; other names are not checked. */
const CANONICAL = [
  "Host",
  "User-Agent",
  "Accept",
  "Accept-Language",
  "Accept-Encoding",
  "Connection",
  "Cookie",
  "Content-Type",
  "Content-Length",
  "Referer",
  "Origin",
  "Cache-Control",
];
const BY_LOWER = new Map(CANONICAL.map((n) => [n.toLowerCase(), n]));

/** The first standard header name not spelled canonically, if any. */
function nonCanonicalHeader(names: readonly string[]): string | undefined {
  return names.find((n) => {
    const canonical = BY_LOWER.get(n.toLowerCase());
    return canonical !== undefined && canonical !== n;
  });
}

function splash(p: Params, tok: string, redir: string): string {
  return page(
    p.title,
    `  <h1>${escapeHtml(p.title)}</h1>
  <p>Welcome! Please click Continue to get online.</p>
  <form method="get" action="/nodogsplash_auth/">
    <input type="hidden" name="tok" value="${tok}">
    <input type="hidden" name="redir" value="${escapeHtml(redir)}">
    <input type="submit" value="Continue">
  </form>`,
  );
}

function gateway(p: Params, env: ScenarioEnv) {
  const tokens = new Set<string>();
  const strict =
    (handle: (req: PortalRequest) => PortalResponse) =>
    (req: PortalRequest): PortalResponse =>
      nonCanonicalHeader(req.rawHeaderNames) === undefined ? handle(req) : { status: 0, drop: true };
  return {
    intercept: strict((req) => redirect(`${env.baseUrl}/splash.html?redir=${encodeURIComponent(req.url)}`)),
    online: strict(internetAnswer),
    routes: [
      {
        method: "GET" as const,
        path: "/splash.html",
        handle: strict((req) => {
          const tok = randomBytes(8).toString("hex");
          tokens.add(tok);
          return html(200, splash(p, tok, req.query.get("redir") ?? "http://example.com/"));
        }),
      },
      {
        method: "GET" as const,
        path: "/nodogsplash_auth/",
        handle: strict((req) => {
          const tok = req.query.get("tok") ?? "";
          if (!tokens.delete(tok)) return html(403, page("Denied", "  <h1>Invalid token</h1>"));
          env.authorize(req.client);
          return redirect(req.query.get("redir") ?? "http://example.com/");
        }),
      },
    ],
  };
}

export const strictHeadersBehaviour = defineBehaviour({
  params,
  build: (p) => ({ loginPath: "/splash.html", routes: (env) => gateway(p, env) }),
});
