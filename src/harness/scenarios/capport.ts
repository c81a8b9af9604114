import { z } from "zod";
import { defineBehaviour } from "../fixture-schema.ts";
import { errorParagraph, escapeHtml, html, json, page, redirect } from "../html.ts";
import type { PortalRequest, PortalResponse, ScenarioEnv } from "../types.ts";

/**
 * An RFC 8908 network: the Captive Portal API (the URI DHCP option 114 / RA option 37
 * carries) plus its web portal.
 * - The API answers `application/captive+json`: `captive`, `user-portal-url`,
 *   `venue-info-url`, and once let through `seconds-remaining` (counting down on the
 *   portal's clock), `bytes-remaining` (the quota minus what the client downloaded
 *   through the garden) and `can-extend-session`.
 * - The user portal is a terms page (click to accept); once online it shows the time
 *   left and, when the session can be extended, an "Extend" button that restarts the
 *   session clock (RFC 8908 leaves renewal to the portal's web page; this is how the
 *   portals we know do it).
 * - When the session runs out the client is captured again (the `expiring` scenario).
 *
 * The API and the portal are served over HTTPS (the RFC requires TLS) and also over plain
 * HTTP on the main port, because a plugin's HTTP client cannot be told to trust the
 * harness's self-signed certificate; `user-portal-url` and the API URI are the HTTPS ones,
 * while the intercepted probe is redirected to the HTTP portal page (`interceptTo`).
 */

const path = z.string().startsWith("/");
const params = z
  .object({
    apiPath: path.default("/capport/api"),
    portalPath: path.default("/capport/portal"),
    acceptPath: path.default("/capport/portal/accept"),
    extendPath: path.default("/capport/portal/extend"),
    venuePath: path.default("/capport/venue"),
    /** Session length; 0 = unlimited (then `seconds-remaining` is omitted). */
    sessionSeconds: z.number().int().nonnegative().default(3600),
    /** Download quota per session; 0 = none (then `bytes-remaining` is omitted). */
    bytesQuota: z.number().int().nonnegative().default(1_073_741_824),
    canExtend: z.boolean().default(true),
    interceptTo: z.enum(["http", "https"]).default("http"),
    venueName: z.string().min(1).default("Example Airport"),
    /**
     * How a captured request is answered: `redirect` (302 to the portal page) or `511`
     * (RFC 6585 Network Authentication Required, with the page named in the body and the
     * API in a `Link: <…>; rel="captive-portal"` header, as RFC 8908 §2 allows).
     */
    intercept: z.enum(["redirect", "511"]).default("redirect"),
    /** Announce the API as DHCP option 114 would; false: only the 511's Link header names it. */
    announceApi: z.boolean().default(true),
    /** The 511 carries the Link header. */
    linkHeader: z.boolean().default(true),
    /** The 511 carries a body naming the portal page (a meta refresh and a link); false: an empty body. */
    body511: z.boolean().default(true),
  })
  .strict();
type Params = z.infer<typeof params>;

export const CAPTIVE_JSON = "application/captive+json";

function portal(p: Params, env: ScenarioEnv) {
  const secureBase = () => env.httpsUrl ?? env.baseUrl;
  const base = (req: PortalRequest) => (req.tls ? secureBase() : env.baseUrl);
  const limits = () => ({
    ...(p.sessionSeconds > 0 ? { seconds: p.sessionSeconds } : {}),
    ...(p.bytesQuota > 0 ? { bytes: p.bytesQuota } : {}),
  });

  const api = (req: PortalRequest): PortalResponse => {
    const common = {
      "user-portal-url": `${secureBase()}${p.portalPath}`,
      "venue-info-url": `${secureBase()}${p.venuePath}`,
    };
    const session = env.session(req.client);
    if (!session)
      return json(200, { captive: true, ...common }, CAPTIVE_JSON, { "cache-control": "private" });
    const secondsLeft =
      session.expiresAt === undefined
        ? undefined
        : Math.max(0, Math.ceil((session.expiresAt - env.now()) / 1000));
    return json(
      200,
      {
        captive: false,
        ...common,
        ...(secondsLeft === undefined ? {} : { "seconds-remaining": secondsLeft }),
        ...(session.bytesRemaining === undefined ? {} : { "bytes-remaining": session.bytesRemaining }),
        "can-extend-session": p.canExtend,
      },
      CAPTIVE_JSON,
      { "cache-control": "private" },
    );
  };

  const portalPage = (req: PortalRequest, error?: string): PortalResponse => {
    const session = env.session(req.client);
    if (!session) {
      return html(
        200,
        page(
          `${p.venueName} Wi-Fi`,
          `  <h1>${escapeHtml(p.venueName)} Wi-Fi</h1>
${errorParagraph(error)}  <form id="accept" method="post" action="${base(req)}${p.acceptPath}">
    <p><input type="checkbox" id="terms" name="terms" value="accepted">
      <label for="terms">I accept the terms of use</label></p>
    <p><button type="submit" name="action" value="connect">Connect</button></p>
  </form>`,
        ),
      );
    }
    const left =
      session.expiresAt === undefined
        ? "no time limit"
        : `${Math.max(0, Math.ceil((session.expiresAt - env.now()) / 1000))} seconds left`;
    const extend = p.canExtend
      ? `\n  <form id="extend" method="post" action="${base(req)}${p.extendPath}">
    <p><button type="submit" name="action" value="extend">Extend session</button></p>
  </form>`
      : "";
    return html(
      200,
      page("You're online", `  <h1>You're online</h1>\n  <p id="remaining">${left}</p>${extend}`),
    );
  };

  const portalUrl = () => `${p.interceptTo === "https" ? secureBase() : env.baseUrl}${p.portalPath}`;
  const networkAuthenticationRequired = (): PortalResponse => {
    const target = escapeHtml(portalUrl());
    return {
      status: 511,
      headers: {
        "content-type": "text/html; charset=utf-8",
        "cache-control": "no-store",
        ...(p.linkHeader ? { link: `<${secureBase()}${p.apiPath}>; rel="captive-portal"` } : {}),
      },
      body: p.body511
        ? page(
            "Network Authentication Required",
            `  <meta http-equiv="refresh" content="0; url=${target}">
  <h1>Network Authentication Required</h1>
  <p>You need to <a href="${target}">log in to the network</a> to get online.</p>`,
          )
        : "",
    };
  };

  return {
    intercept: () => (p.intercept === "511" ? networkAuthenticationRequired() : redirect(portalUrl())),
    routes: [
      { method: "GET" as const, path: p.apiPath, handle: api },
      { method: "GET" as const, path: p.portalPath, handle: (req: PortalRequest) => portalPage(req) },
      {
        method: "POST" as const,
        path: p.acceptPath,
        handle: (req: PortalRequest) => {
          if (req.form.get("terms") !== "accepted") return portalPage(req, "Please accept the terms of use.");
          env.authorize(req.client, limits());
          return redirect(`${base(req)}${p.portalPath}`, 303);
        },
      },
      {
        method: "POST" as const,
        path: p.extendPath,
        handle: (req: PortalRequest) => {
          if (!p.canExtend)
            return html(403, page("Not allowed", "  <h1>This session cannot be extended</h1>"));
          if (p.sessionSeconds > 0) env.extend(req.client, p.sessionSeconds);
          return redirect(`${base(req)}${p.portalPath}`, 303);
        },
      },
      {
        method: "GET" as const,
        path: p.venuePath,
        handle: () =>
          html(
            200,
            page(p.venueName, `  <h1>${escapeHtml(p.venueName)}</h1>\n  <p>Shops, gates and lounges.</p>`),
          ),
      },
    ],
  };
}

export const capportBehaviour = defineBehaviour({
  params,
  build: (p) => ({
    loginPath: p.portalPath,
    ...(p.announceApi ? { apiPath: p.apiPath } : {}),
    tls: true,
    routes: (env) => portal(p, env),
  }),
});
