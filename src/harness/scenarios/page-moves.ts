import { z } from "zod";
import { defineBehaviour } from "../fixture-schema.ts";
import { errorParagraph, escapeHtml, html, page, redirect } from "../html.ts";
import type { PortalRequest, PortalResponse, ScenarioEnv } from "../types.ts";

/**
 * Intercepts that answer 200 and move the visitor on from the page itself, as many
 * gateways do instead of a 302:
 * - `meta`: a "please wait" page with `<meta http-equiv="refresh" content="0; url=…">`
 *   (MikroTik Hotspot's redirect.html does exactly this with `$(link-login)`), to a first
 *   hop that sets the session cookie and refreshes again to the terms page;
 * - `script`: a page whose only content is an inline script assigning `window.location`
 *   (FortiGate's captive portal answers intercepted HTTP with such a page, pointing at its
 *   `fgtauth` URL);
 * - `loop`: the wait page refreshes to a second one that refreshes back (a misconfigured
 *   gateway); there is no terms page to reach, so nothing may report success.
 * The terms form needs the cookie set on the way; without it the portal answers 403.
 */

const params = z
  .object({
    how: z.enum(["meta", "script", "loop"]).default("meta"),
    title: z.string().min(1).default("Guest Wi-Fi"),
  })
  .strict();
type Params = z.infer<typeof params>;

const COOKIE = "hs_session";

function termsPage(p: Params, error?: string): string {
  return page(
    `${p.title} - Terms`,
    `  <h1>${escapeHtml(p.title)}</h1>
${errorParagraph(error)}  <form method="post" action="/guest/accept">
    <p><input type="checkbox" name="agree" value="1"> I accept the terms of use</p>
    <p><input type="submit" value="Connect"></p>
  </form>`,
  );
}

function intercept(p: Params, env: ScenarioEnv, req: PortalRequest): PortalResponse {
  const dst = encodeURIComponent(req.url);
  if (p.how === "script") {
    // Nothing but the script: no markup a plain client could follow otherwise.
    return html(
      200,
      `<html><head><script>window.location = "${env.baseUrl}/guest/start?dst=${dst}";</script></head></html>`,
    );
  }
  const target = p.how === "loop" ? "/guest/wait" : `/guest/start?dst=${dst}`;
  return html(
    200,
    `<html><head><title>...</title><meta http-equiv="refresh" content="0; url=${escapeHtml(env.baseUrl + target)}"></head>
<body><p>Please wait, you are being redirected.</p></body></html>`,
  );
}

export const pageMovesBehaviour = defineBehaviour({
  params,
  build: (p) => ({
    loginPath: "/guest/terms",
    routes: (env) => ({
      intercept: (req) => intercept(p, env, req),
      routes: [
        {
          method: "GET",
          path: "/guest/start",
          handle: () =>
            html(
              200,
              `<html><head><meta http-equiv="Refresh" content="1;URL='/guest/terms'"></head><body>Loading…</body></html>`,
              {
                "set-cookie": `${COOKIE}=s${Math.random().toString(36).slice(2, 10)}; Path=/guest; HttpOnly`,
              },
            ),
        },
        {
          method: "GET",
          path: "/guest/wait",
          handle: () => html(200, `<meta http-equiv="refresh" content="0; url=/guest/wait2">`),
        },
        {
          method: "GET",
          path: "/guest/wait2",
          handle: () => html(200, `<script>location.replace("/guest/wait")</script>`),
        },
        { method: "GET", path: "/guest/terms", handle: () => html(200, termsPage(p)) },
        {
          method: "POST",
          path: "/guest/accept",
          handle: (req) => {
            if (!req.cookies.has(COOKIE)) {
              return html(
                403,
                page("Session expired", "  <h1>Your session has expired</h1><p>Please reconnect.</p>"),
              );
            }
            if (req.form.get("agree") !== "1")
              return html(200, termsPage(p, "Please accept the terms of use."));
            env.authorize(req.client);
            return redirect(`${env.baseUrl}/guest/welcome`);
          },
        },
        {
          method: "GET",
          path: "/guest/welcome",
          handle: () => html(200, page("Connected", "  <h1>You are connected</h1>")),
        },
      ],
    }),
  }),
});
