import { randomBytes } from "node:crypto";
import { escapeHtml, html, page, redirect } from "../../html.ts";
import type { PortalRequest, PortalResponse, ScenarioEnv, ScenarioHandlers } from "../../types.ts";

/**
 * Pieces the terms-page shapes share: where the visitor was going (the intercepted URL,
 * carried along as vendors do in `dst`, `redirurl`, `continue_url`, `redirect_url`), the
 * "you are online" answer that sends them there, and one-time tokens.
 */

export interface Shape {
  readonly loginPath: string;
  routes(env: ScenarioEnv): ScenarioHandlers;
}

export const token = (): string => randomBytes(8).toString("hex");

/** The visitor's original URL, from the intercepted request. */
export const originalUrl = (req: PortalRequest): string => req.url;

/** Where to send a visitor after the portal let them through: their original URL, else the portal's welcome page. */
export function onward(env: ScenarioEnv, target: string | null | undefined): PortalResponse {
  return redirect(target && /^https?:\/\//.test(target) ? target : `${env.baseUrl}/welcome`);
}

export const welcomeRoute = {
  method: "GET" as const,
  path: "/welcome",
  handle: () => html(200, page("You're online", "  <h1>You're online</h1>\n  <p>Enjoy your browsing.</p>")),
};

export const attr = (s: string): string => escapeHtml(s);

/** An intercept that sends the visitor to `path` with their original URL in `param`. */
export const interceptTo =
  (env: ScenarioEnv, path: string, param: string) =>
  (req: PortalRequest): PortalResponse =>
    redirect(`${env.baseUrl}${path}?${new URLSearchParams({ [param]: originalUrl(req) })}`);

/** Cookie value `name` of a request, or undefined. */
export const cookieOf = (req: PortalRequest, name: string): string | undefined => req.cookies.get(name);

export const sessionCookie = (name: string, value: string): Record<string, string> => ({
  "set-cookie": `${name}=${value}; Path=/; HttpOnly`,
});
