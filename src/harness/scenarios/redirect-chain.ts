import { randomBytes } from "node:crypto";
import { z } from "zod";
import { defineBehaviour } from "../fixture-schema.ts";
import { errorParagraph, html, page, redirect } from "../html.ts";
import type { PortalRequest, PortalResponse, ScenarioEnv } from "../types.ts";

/**
 * A gateway that hands the login to a controller on another host, through a chain of
 * redirects that set cookies on both hosts, as controller-based Wi-Fi does (UniFi's
 * external portal, Ruckus SmartZone's WISPr-less guest portal, Aruba's external captive
 * portal): the gateway's intercept 302s to its own redirect endpoint, which sets a gateway
 * cookie and 302s to the controller with the AP's parameters; the controller sets its
 * session cookie and 302s to its guest page. Accepting there sends the browser back to
 * the gateway's authorize URL, which only opens the garden for the gateway cookie that
 * belongs to the token: a client that dropped a cookie on the way stays captured.
 */

const params = z
  .object({
    /** The controller's host name; default `localhost` on loopback, a name DNS answers in namespace mode. */
    controllerHost: z.string().min(1).optional(),
  })
  .strict();
type Params = z.infer<typeof params>;

const LOOPBACK_CONTROLLER = "localhost";
const NAMED_CONTROLLER = "controller.hotspot.example";

function chain(p: Params, env: ScenarioEnv) {
  const gateway = () => env.baseUrl;
  const port = () => new URL(env.baseUrl).port;
  const controllerHost = () =>
    p.controllerHost ??
    (new URL(env.baseUrl).hostname === "127.0.0.1" ? LOOPBACK_CONTROLLER : NAMED_CONTROLLER);
  const controller = () => `http://${controllerHost()}${port() === "" ? "" : `:${port()}`}`;
  /** gateway cookie value → token the controller hands back. */
  const tokens = new Map<string, string>();
  const controllerSessions = new Set<string>();

  const onController = (req: PortalRequest) => new URL(req.url).hostname === controllerHost();
  const notFound = () => html(404, page("Not found", "  <h1>Not found</h1>"));

  const loginPage = (error?: string) =>
    page(
      "Guest access",
      `  <h1>Guest access</h1>
${errorParagraph(error)}  <form method="post" action="/guest/s/default/accept">
    <p><input type="checkbox" name="tos" value="true"> I agree to the terms of service</p>
    <p><button type="submit">Connect</button></p>
  </form>`,
    );

  return {
    intercept: (req: PortalRequest): PortalResponse =>
      redirect(`${gateway()}/cp/redirect?url=${encodeURIComponent(req.url)}`),
    routes: [
      {
        method: "GET" as const,
        path: "/cp/redirect",
        handle: (req: PortalRequest): PortalResponse => {
          if (onController(req)) return notFound();
          const cookie = randomBytes(8).toString("hex");
          tokens.set(cookie, randomBytes(8).toString("hex"));
          return redirect(`${controller()}/guest/s/default/?ap=00:27:22:aa:bb:cc&t=${Date.now()}`, 302, {
            "set-cookie": `gw_sess=${cookie}; Path=/cp; HttpOnly`,
          });
        },
      },
      {
        method: "GET" as const,
        path: "/guest/s/default/",
        handle: (req: PortalRequest): PortalResponse => {
          if (!onController(req)) return notFound();
          const session = randomBytes(8).toString("hex");
          controllerSessions.add(session);
          return redirect(`${controller()}/guest/s/default/login`, 302, {
            "set-cookie": `unifises=${session}; Path=/guest; HttpOnly`,
          });
        },
      },
      {
        method: "GET" as const,
        path: "/guest/s/default/login",
        handle: (req: PortalRequest) => (onController(req) ? html(200, loginPage()) : notFound()),
      },
      {
        method: "POST" as const,
        path: "/guest/s/default/accept",
        handle: (req: PortalRequest): PortalResponse => {
          if (!onController(req)) return notFound();
          if (!controllerSessions.has(req.cookies.get("unifises") ?? "")) {
            return html(403, page("Session expired", "  <h1>Your session has expired</h1>"));
          }
          if (req.form.get("tos") !== "true")
            return html(200, loginPage("Please agree to the terms of service."));
          // The controller cannot see the gateway's cookie; the gateway matches it to the token.
          return redirect(`${gateway()}/cp/authorize`, 302);
        },
      },
      {
        method: "GET" as const,
        path: "/cp/authorize",
        handle: (req: PortalRequest): PortalResponse => {
          if (onController(req)) return notFound();
          const cookie = req.cookies.get("gw_sess") ?? "";
          if (!tokens.has(cookie)) return html(403, page("Unknown client", "  <h1>Please reconnect</h1>"));
          tokens.delete(cookie);
          env.authorize(req.client);
          return html(200, page("Connected", "  <h1>You are connected</h1>"));
        },
      },
    ],
  };
}

export const redirectChainBehaviour = defineBehaviour({
  params,
  build: (p) => ({
    loginPath: "/cp/redirect",
    hostAliases:
      p.controllerHost === undefined ? [LOOPBACK_CONTROLLER, NAMED_CONTROLLER] : [p.controllerHost],
    routes: (env) => chain(p, env),
  }),
});
