import { randomBytes, timingSafeEqual } from "node:crypto";
import { escapeHtml, html, page, redirect } from "../html.ts";
import type { PortalRequest, Scenario } from "../types.ts";

/**
 * A username/password portal with the two defences real ones use against blind POSTs: a
 * session cookie set by the login page and a hidden CSRF token tied to that session. A
 * POST without the matching cookie and token gets 403; wrong credentials get the login
 * page again with "Invalid username or password" (200, as most portals answer); right
 * ones open the walled garden and redirect to a welcome page.
 */

export const SESSION_COOKIE = "PORTALSESSID";

interface Session {
  readonly csrf: string;
}

function loginPage(csrf: string, error?: string): string {
  const message = error === undefined ? "" : `  <p class="error" role="alert">${escapeHtml(error)}</p>\n`;
  return page(
    "Cafe Wi-Fi - Sign in",
    `  <h1>Sign in to Cafe Wi-Fi</h1>
${message}  <form id="login" name="login" method="post" action="/login">
    <input type="hidden" name="csrf" value="${escapeHtml(csrf)}">
    <p><label for="username">Username</label>
      <input type="text" id="username" name="username" autocomplete="username" required></p>
    <p><label for="password">Password</label>
      <input type="password" id="password" name="password" autocomplete="current-password" required></p>
    <p><input type="checkbox" id="remember" name="remember" value="1">
      <label for="remember">Remember this device</label></p>
    <p><input type="submit" name="login" value="Sign in"></p>
  </form>`,
  );
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const forbidden = () =>
  html(
    403,
    page(
      "Forbidden",
      "  <h1>Forbidden</h1>\n  <p>Your session has expired. Please reload the login page.</p>",
    ),
  );

export const formLogin: Scenario = {
  name: "form-login",
  description:
    "username/password form with a hidden CSRF token and a session cookie; welcome page after login",
  modelledOn:
    "operator and hotel portals with account logins (e.g. Aruba ClearPass guest, Fortinet captive portal)",
  loginPath: "/login",
  routes: (env) => {
    const sessions = new Map<string, Session>();
    const sessionOf = (req: PortalRequest): Session | undefined => {
      const id = req.cookies.get(SESSION_COOKIE);
      return id === undefined ? undefined : sessions.get(id);
    };
    return [
      {
        method: "GET",
        path: "/login",
        handle: (req) => {
          const existing = sessionOf(req);
          if (existing) return html(200, loginPage(existing.csrf));
          const id = randomBytes(16).toString("hex");
          const session = { csrf: randomBytes(16).toString("base64url") };
          sessions.set(id, session);
          return html(200, loginPage(session.csrf), {
            "set-cookie": `${SESSION_COOKIE}=${id}; Path=/; HttpOnly`,
          });
        },
      },
      {
        method: "POST",
        path: "/login",
        handle: (req) => {
          const session = sessionOf(req);
          const token = req.form.get("csrf");
          if (!session || token === null || !sameText(token, session.csrf)) return forbidden();
          const ok =
            sameText(req.form.get("username") ?? "", env.credentials.username) &&
            sameText(req.form.get("password") ?? "", env.credentials.password);
          if (!ok) return html(200, loginPage(session.csrf, "Invalid username or password."));
          env.authorize(req.client);
          return redirect(`${env.baseUrl}/welcome`);
        },
      },
      {
        method: "GET",
        path: "/welcome",
        handle: (req) =>
          env.isAuthorized(req.client)
            ? html(200, page("Welcome", "  <h1>Welcome!</h1>\n  <p>You're online. Enjoy your stay.</p>"))
            : redirect(`${env.baseUrl}/login`),
      },
    ];
  },
};
