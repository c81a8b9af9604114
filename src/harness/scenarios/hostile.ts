import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { z } from "zod";
import { defineBehaviour } from "../fixture-schema.ts";
import { html, page, redirect } from "../html.ts";
import type { PortalRequest, PortalResponse, ScenarioEnv, StreamedBody } from "../types.ts";
import { CAPTIVE_JSON } from "./capport.ts";
import { formLoginBehaviour } from "./form-login.ts";
import { element, MESSAGE, RESPONSE, wisprDocument, wisprPage } from "./wispr-xml.ts";

/**
 * Portals that attack or trap their clients. Every trap is reachable at its own path;
 * `trap` picks where a captured client is sent:
 * - `redirect-loop`: /loop/1 → /loop/2 → … → /loop/1, forever;
 * - `huge-body`: a 50 MB login page (streamed, never held in memory);
 * - `gzip-bomb`: a login page sent `Content-Encoding: gzip` that is small on the wire and
 *   inflates to `bombBytes` of zeros: a client must count decoded bytes to stop it;
 * - `xml-bomb`: a WISPr Redirect whose DOCTYPE defines nested entities ("billion laughs")
 *   used in LoginURL: a parser that expands entities needs gigabytes;
 * - `bad-api-json`: an RFC 8908 API answering malformed `application/captive+json`;
 * - `evil-twin`: the same café login page on a host the operator never declared
 *   (`twinHost`; by default `localhost` on loopback, where nothing else resolves, and
 *   `login.free-wifi.example` in namespace mode, where DNS answers every name with the
 *   portal), asking for the same credentials.
 * The portal records every credential it receives, so tests can assert none leaked.
 */

const params = z
  .object({
    trap: z
      .enum(["redirect-loop", "huge-body", "gzip-bomb", "xml-bomb", "bad-api-json", "evil-twin"])
      .default("redirect-loop"),
    loopLength: z.number().int().min(1).max(50).default(3),
    hugeBytes: z
      .number()
      .int()
      .positive()
      .default(50 * 1024 * 1024),
    badJson: z.enum(["truncated", "not-an-object", "wrong-types"]).default("truncated"),
    /** Host name the evil twin's pages use instead of the portal's address. */
    twinHost: z.string().min(1).optional(),
    /** What the gzip bomb inflates to (about 1 KiB on the wire per MiB). */
    gzipBombBytes: z
      .number()
      .int()
      .positive()
      .max(1024 * 1024 * 1024)
      .default(256 * 1024 * 1024),
    /** Nesting depth of the entity bomb (10 levels of 10 = 10^10 expansions). */
    bombDepth: z.number().int().min(1).max(12).default(10),
  })
  .strict();
type Params = z.infer<typeof params>;

const LOOPBACK_TWIN = "localhost";
const NAMED_TWIN = "login.free-wifi.example";

const CHUNK = Buffer.alloc(64 * 1024, "<p>padding padding padding padding</p>\n");

/** `length` bytes of HTML made of one reused 64 KiB chunk. */
function hugeBody(length: number): StreamedBody {
  return {
    length,
    open: () => {
      let left = length;
      return new Readable({
        read() {
          if (left <= 0) {
            this.push(null);
            return;
          }
          const n = Math.min(left, CHUNK.length);
          left -= n;
          this.push(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n));
        },
      });
    },
  };
}

const MIB = 1024 * 1024;
let gzipMember: Buffer | undefined;

/**
 * `bytes` (rounded up to MiB) of zeros as gzip: one member holding a MiB of zeros, repeated.
 * A gzip stream may be several members back to back and decoders inflate them all, so the
 * bomb costs a millisecond to build instead of compressing hundreds of megabytes.
 */
function gzipBomb(bytes: number): Buffer {
  gzipMember ??= gzipSync(Buffer.alloc(MIB), { level: 9 });
  const member = gzipMember;
  return Buffer.concat(Array.from({ length: Math.ceil(bytes / MIB) }, () => member));
}

/** "Billion laughs": entity l0 is text, each l(i) repeats l(i-1) ten times. */
export function entityBomb(depth: number): { doctype: string; reference: string } {
  const decls = ['  <!ENTITY l0 "lol">'];
  for (let i = 1; i <= depth; i++) decls.push(`  <!ENTITY l${i} "${`&l${i - 1};`.repeat(10)}">`);
  return {
    doctype: `<!DOCTYPE WISPAccessGatewayParam [\n${decls.join("\n")}\n]>\n`,
    reference: `&l${depth};`,
  };
}

const BAD_JSON: Record<Params["badJson"], string> = {
  truncated: '{"captive": true, "user-portal-url": "https://',
  "not-an-object": '["captive", true]',
  "wrong-types": '{"captive": "yes", "seconds-remaining": "soon", "user-portal-url": 42}',
};

function traps(p: Params, env: ScenarioEnv) {
  const port = () => new URL(env.baseUrl).port;
  const twinHost = () =>
    p.twinHost ?? (new URL(env.baseUrl).hostname === "127.0.0.1" ? LOOPBACK_TWIN : NAMED_TWIN);
  const twinBase = () => `http://${twinHost()}${port() === "" ? "" : `:${port()}`}`;
  // The twin is a faithful copy of the café's form login, served under the other host name.
  const twin = formLoginBehaviour
    .build({
      landingPath: "/twin/portal/",
      loginPath: "/twin/login",
      passwordPath: "/twin/login/password",
      authorizePath: "/twin/login/authorize",
      welcomePath: "/twin/welcome",
    })
    .routes({
      ...env,
      now: env.now,
      get baseUrl() {
        return twinBase();
      },
      get httpsUrl() {
        return env.httpsUrl;
      },
    });
  const routes = [
    ...twin.routes,
    ...Array.from({ length: p.loopLength }, (_, i) => ({
      method: "*" as const,
      path: `/loop/${i + 1}`,
      handle: () => redirect(`${env.baseUrl}/loop/${((i + 1) % p.loopLength) + 1}`),
    })),
    {
      method: "GET" as const,
      path: "/huge",
      handle: (): PortalResponse => ({
        status: 200,
        headers: { "content-type": "text/html; charset=utf-8" },
        stream: hugeBody(p.hugeBytes),
      }),
    },
    { method: "GET" as const, path: "/wispr", handle: () => bombPage() },
    {
      method: "GET" as const,
      path: "/gzip-bomb",
      handle: (): PortalResponse => ({
        status: 200,
        headers: { "content-type": "text/html; charset=utf-8", "content-encoding": "gzip" },
        body: gzipBomb(p.gzipBombBytes),
      }),
    },
    {
      method: "GET" as const,
      path: "/capport/api",
      handle: (): PortalResponse => ({
        status: 200,
        headers: { "content-type": CAPTIVE_JSON, "cache-control": "private" },
        body: BAD_JSON[p.badJson],
      }),
    },
    {
      method: "GET" as const,
      path: "/portal",
      handle: () => html(200, page("Welcome", "  <h1>Welcome</h1>\n  <p>Use the app to connect.</p>")),
    },
  ];
  const bombPage = (): PortalResponse => {
    const bomb = entityBomb(p.bombDepth);
    const xml = wisprDocument(
      element(
        "Redirect",
        [
          ["MessageType", MESSAGE.redirect],
          ["ResponseCode", RESPONSE.noError],
          ["AccessProcedure", "1.0"],
          ["LocationName", "FREE_WIFI"],
          ["LoginURL", `${env.baseUrl}/wispr/login?x=@@BOMB@@`],
        ],
        "1.0",
      ).replace("@@BOMB@@", bomb.reference),
      "1.0",
      bomb.doctype,
    );
    return wisprPage("Log in", "  <h1>Free Wi-Fi</h1>", xml);
  };
  const intercept = (req: PortalRequest): PortalResponse => {
    switch (p.trap) {
      case "redirect-loop":
        return redirect(`${env.baseUrl}/loop/1`);
      case "huge-body":
        return redirect(`${env.baseUrl}/huge`);
      case "gzip-bomb":
        return redirect(`${env.baseUrl}/gzip-bomb`);
      case "xml-bomb":
        return bombPage();
      case "bad-api-json":
        return redirect(`${env.baseUrl}/portal`);
      case "evil-twin":
        return redirect(`${twinBase()}/twin/portal/?orig=${encodeURIComponent(req.url)}`);
    }
  };
  return { routes, intercept };
}

export const hostileBehaviour = defineBehaviour({
  params,
  build: (p) => ({
    loginPath: p.trap === "evil-twin" ? "/twin/login" : "/loop/1",
    apiPath: "/capport/api",
    tls: true,
    hostAliases: p.twinHost === undefined ? [LOOPBACK_TWIN, NAMED_TWIN] : [p.twinHost],
    routes: (env) => traps(p, env),
  }),
});
