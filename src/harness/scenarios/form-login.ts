import { randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { defineBehaviour } from "../fixture-schema.ts";
import { errorParagraph, escapeHtml, html, page, redirect } from "../html.ts";
import type { PortalCredentials, PortalField, PortalRequest, PortalResponse, ScenarioEnv } from "../types.ts";

/**
 * A username/password portal with what real ones put between a client and a blind POST:
 * - the intercepted request is redirected to the login page, which (without a session
 *   cookie) bounces through a landing URL that sets the cookie and redirects back: a
 *   cookie check on redirects, what trips clients that drop cookies between hops;
 * - a hidden CSRF token tied to that session: a POST without both gets 403;
 * - wrong credentials get the login page again with "Invalid username or password" (200,
 *   as most portals answer);
 * - right ones get a one-time ticket and a redirect to an authorisation URL, which opens
 *   the garden and redirects to the welcome page (the second page of the flow);
 * - the `twoStep` variant asks for the username on one page and the password on the next.
 *
 * `cookieBounce: false` and `ticketRedirect: false` (the `direct` variant) make the plain
 * single-page form many small portals are: the login page sets the session cookie itself,
 * and a right POST authorises at once and answers 302 to the welcome page.
 *
 * The form asks for `userField` and `passwordField`, unless the run's account names its own
 * fields (hotel portals ask for room number and surname, voucher portals for one code,
 * others for e-mail and password): then it asks for exactly those, in that order, and lets
 * in only a POST carrying every one with its value. In `twoStep` the first field is on the
 * first page and the others on the second.
 */

export const SESSION_COOKIE = "PORTALSESSID";

const path = z.string().startsWith("/");
const params = z
  .object({
    title: z.string().min(1).default("Cafe Wi-Fi"),
    landingPath: path.default("/portal/"),
    loginPath: path.default("/login"),
    passwordPath: path.default("/login/password"),
    authorizePath: path.default("/login/authorize"),
    welcomePath: path.default("/welcome"),
    userField: z.string().min(1).default("username"),
    passwordField: z.string().min(1).default("password"),
    csrfField: z.string().min(1).default("csrf"),
    cookie: z.string().min(1).default(SESSION_COOKIE),
    twoStep: z.boolean().default(false),
    /** Without a session cookie, /login bounces through the landing URL that sets it; false: /login sets it. */
    cookieBounce: z.boolean().default(true),
    /** A right POST redirects to a one-time ticket URL that authorises; false: the POST authorises. */
    ticketRedirect: z.boolean().default(true),
    /** Session length after login; 0 = unlimited. */
    sessionSeconds: z.number().int().nonnegative().default(0),
  })
  .strict();
export type FormLoginParams = z.infer<typeof params>;

interface Session {
  readonly csrf: string;
  /** twoStep: the first field's value, from the first page. */
  username?: string | undefined;
  ticket?: string | undefined;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The login form's fields for this run: the account's own, else user and password. */
export function formFields(p: FormLoginParams, account: PortalCredentials): readonly PortalField[] {
  return (
    account.fields ?? [
      { name: p.userField, value: account.username, secret: false },
      { name: p.passwordField, value: account.password, secret: true },
    ]
  );
}

function label(name: string): string {
  const words = name.replace(/[_-]+/g, " ").replace(/([a-z])([A-Z])/g, "$1 $2");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function input(field: PortalField): string {
  const name = escapeHtml(field.name);
  return `    <p><label for="${name}">${escapeHtml(label(field.name))}</label>
      <input type="${field.secret ? "password" : "text"}" id="${name}" name="${name}" autocomplete="${field.secret ? "current-password" : "username"}" required></p>\n`;
}

/** The login page; exported for the evil twin, which copies it. */
export function loginPage(
  p: FormLoginParams,
  action: string,
  csrf: string,
  fields: readonly PortalField[],
  step: "both" | "user" | "password",
  error?: string,
): string {
  const [first, ...rest] = fields;
  const shown = step === "both" ? fields : step === "user" ? (first ? [first] : []) : rest;
  return page(
    `${p.title} - Sign in`,
    `  <h1>Sign in to ${escapeHtml(p.title)}</h1>
${errorParagraph(error)}  <form id="login" name="login" method="post" action="${escapeHtml(action)}">
    <input type="hidden" name="${p.csrfField}" value="${escapeHtml(csrf)}">
${shown.map(input).join("")}    <p><input type="checkbox" id="remember" name="remember" value="1">
      <label for="remember">Remember this device</label></p>
    <p><input type="submit" name="login" value="${step === "user" ? "Next" : "Sign in"}"></p>
  </form>`,
  );
}

const forbidden = () =>
  html(
    403,
    page(
      "Forbidden",
      "  <h1>Forbidden</h1>\n  <p>Your session has expired. Please reload the login page.</p>",
    ),
  );

function routes(p: FormLoginParams, env: ScenarioEnv) {
  const sessions = new Map<string, Session>();
  const sessionOf = (req: PortalRequest): Session | undefined => {
    const id = req.cookies.get(p.cookie);
    return id === undefined ? undefined : sessions.get(id);
  };
  const newSession = (): { cookie: string; session: Session } => {
    const id = randomBytes(16).toString("hex");
    const session: Session = { csrf: randomBytes(16).toString("base64url") };
    sessions.set(id, session);
    return { cookie: `${p.cookie}=${id}; Path=/; HttpOnly`, session };
  };
  const validPost = (req: PortalRequest): Session | undefined => {
    const session = sessionOf(req);
    const token = req.form.get(p.csrfField);
    return session && token !== null && sameText(token, session.csrf) ? session : undefined;
  };
  const firstStep = p.twoStep ? "user" : "both";
  const fields = formFields(p, env.credentials);
  const [firstField, ...laterFields] = fields;
  const firstName = firstField?.name ?? p.userField;
  const form = (action: string, csrf: string, step: "both" | "user" | "password", error?: string) =>
    loginPage(p, action, csrf, fields, step, error);
  const limits = () => (p.sessionSeconds > 0 ? { seconds: p.sessionSeconds } : {});
  const checkPassword = (req: PortalRequest, session: Session, username: string): PortalResponse => {
    const ok =
      sameText(username, firstField?.value ?? "") &&
      laterFields.every((f) => sameText(req.form.get(f.name) ?? "", f.value));
    if (!ok) {
      session.username = undefined;
      const wrong =
        fields.length === 2 && fields[0]?.name === p.userField ? "username or password" : "details";
      return html(200, form(p.loginPath, session.csrf, firstStep, `Invalid ${wrong}.`));
    }
    if (!p.ticketRedirect) {
      env.authorize(req.client, limits());
      return redirect(`${env.baseUrl}${p.welcomePath}`);
    }
    session.ticket = randomBytes(12).toString("base64url");
    return redirect(`${env.baseUrl}${p.authorizePath}?ticket=${session.ticket}`);
  };

  return {
    routes: [
      {
        method: "GET" as const,
        path: p.landingPath,
        handle: (req: PortalRequest) => {
          if (sessionOf(req)) return redirect(`${env.baseUrl}${p.loginPath}`);
          return redirect(`${env.baseUrl}${p.loginPath}`, 302, { "set-cookie": newSession().cookie });
        },
      },
      {
        method: "GET" as const,
        path: p.loginPath,
        handle: (req: PortalRequest) => {
          const existing = sessionOf(req);
          if (existing) return html(200, form(p.loginPath, existing.csrf, firstStep));
          if (!p.cookieBounce) {
            const fresh = newSession();
            return html(200, form(p.loginPath, fresh.session.csrf, firstStep), {
              "set-cookie": fresh.cookie,
            });
          }
          return redirect(`${env.baseUrl}${p.landingPath}?next=${encodeURIComponent(p.loginPath)}`);
        },
      },
      {
        method: "POST" as const,
        path: p.loginPath,
        handle: (req: PortalRequest) => {
          const session = validPost(req);
          if (!session) return forbidden();
          const username = req.form.get(firstName) ?? "";
          if (!p.twoStep) return checkPassword(req, session, username);
          if (username === "")
            return html(
              200,
              form(p.loginPath, session.csrf, "user", `Enter your ${label(firstName).toLowerCase()}.`),
            );
          session.username = username;
          return redirect(`${env.baseUrl}${p.passwordPath}`);
        },
      },
      {
        method: "GET" as const,
        path: p.passwordPath,
        handle: (req: PortalRequest) => {
          const session = sessionOf(req);
          if (!p.twoStep || session?.username === undefined) return redirect(`${env.baseUrl}${p.loginPath}`);
          return html(200, form(p.passwordPath, session.csrf, "password"));
        },
      },
      {
        method: "POST" as const,
        path: p.passwordPath,
        handle: (req: PortalRequest) => {
          const session = validPost(req);
          if (!p.twoStep || !session || session.username === undefined) return forbidden();
          return checkPassword(req, session, session.username);
        },
      },
      {
        method: "GET" as const,
        path: p.authorizePath,
        handle: (req: PortalRequest) => {
          const session = sessionOf(req);
          const ticket = req.query.get("ticket");
          if (!session?.ticket || ticket === null || !sameText(ticket, session.ticket)) return forbidden();
          session.ticket = undefined;
          env.authorize(req.client, limits());
          return redirect(`${env.baseUrl}${p.welcomePath}`);
        },
      },
      {
        method: "GET" as const,
        path: p.welcomePath,
        handle: (req: PortalRequest) =>
          env.isAuthorized(req.client)
            ? html(200, page("Welcome", "  <h1>Welcome!</h1>\n  <p>You're online. Enjoy your stay.</p>"))
            : redirect(`${env.baseUrl}${p.loginPath}`),
      },
    ],
  };
}

export const formLoginBehaviour = defineBehaviour({
  params,
  build: (p) => ({ loginPath: p.loginPath, routes: (env) => routes(p, env) }),
});
