import { z } from "zod";
import { defineBehaviour } from "../fixture-schema.ts";
import { errorParagraph, escapeHtml, html, page, redirect } from "../html.ts";
import type { PortalRequest, PortalResponse, ScenarioEnv } from "../types.ts";

/**
 * A gateway that intercepts HTTPS as well as HTTP: a TLS connection to any host is answered
 * with the gateway's own certificate (which cannot be valid for the name the client asked
 * for), then a 302 to its terms page. A client's HTTPS probe therefore fails certificate
 * verification: that is the portal, not a dead network, while the plain-HTTP probe gets the
 * usual redirect and decides. Terms: tick the box and connect.
 */

const params = z.object({ title: z.string().min(1).default("Hotel Wi-Fi") }).strict();
type Params = z.infer<typeof params>;

function terms(p: Params, error?: string): string {
  return page(
    p.title,
    `  <h1>${escapeHtml(p.title)}</h1>
${errorParagraph(error)}  <form method="post" action="/login/accept">
    <p><label><input type="checkbox" name="accept" value="yes"> I accept the terms and conditions</label></p>
    <p><button type="submit">Connect</button></p>
  </form>`,
  );
}

function routes(p: Params, env: ScenarioEnv) {
  return {
    // HTTP and HTTPS interceptions alike send the client to the plain-HTTP terms page.
    intercept: (): PortalResponse => redirect(`${env.baseUrl}/login`),
    routes: [
      { method: "GET" as const, path: "/login", handle: () => html(200, terms(p)) },
      {
        method: "POST" as const,
        path: "/login/accept",
        handle: (req: PortalRequest): PortalResponse => {
          if (req.form.get("accept") !== "yes") return html(200, terms(p, "Please accept the terms."));
          env.authorize(req.client);
          return html(200, page("Connected", "  <h1>You are connected</h1>"));
        },
      },
    ],
  };
}

export const tlsInterceptBehaviour = defineBehaviour({
  params,
  build: (p) => ({ loginPath: "/login", tls: true, routes: (env) => routes(p, env) }),
});
