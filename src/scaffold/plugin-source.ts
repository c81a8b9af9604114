import type { ScaffoldNames } from "./names.ts";

/**
 * The generated plugin's index.ts: a working form-portal login (the shape most operator
 * portals have: a login page behind a redirect, a session cookie, a hidden CSRF token, a
 * username/password form, sometimes split over two pages, then a redirect out of the login).
 * It logs in to the harness's `form-login` scenario as generated, so the operator starts
 * from a passing `plugin test` and changes one thing at a time.
 *
 * Written without template literals, so this file can hold it in one.
 */
export function pluginSource(n: ScaffoldNames): string {
  return `import { definePlugin, type HtmlForm, type HttpResponse, z } from "hotspot-helper/sdk";

/**
 * ${n.displayName}: logs in to the operator's captive portal with the user's account.
 *
 * Settings live in the user's config file under plugins.${n.id}.config; the defaults below
 * are the operator's real network. harness.config.json overrides them for
 * \`hotspot plugin test\`, whose simulated portal serves plain HTTP on 127.0.0.1.
 */
const config = z
  .object({
    /** SSID the operator broadcasts. */
    ssid: z.string().min(1).max(32).default(${JSON.stringify(n.ssid)}),
    /** Host of the login portal. Credentials go to this host only. */
    portalHost: z.string().min(1).default(${JSON.stringify(n.portalHost)}),
    /** Allow credentials over plain HTTP. Only for the test harness: real portals are HTTPS. */
    allowHttp: z.boolean().default(false),
    /** Path on the portal that ends the session. */
    logoffPath: z.string().startsWith("/").default("/logoff"),
  })
  .strict();

/** What the user stores with \`hotspot credentials set ${n.id}\`. */
const credentials = z.object({ username: z.string().min(1), password: z.string().min(1) }).strict();

/** Login pages to fill before giving up: a username page, a password page, one spare. */
const MAX_PAGES = 3;
/** Wording portals use when they show the form again because the account was refused. */
const REJECTED = /invalid|incorrect|wrong|denied|failed/i;

const passwordInput = (form: HtmlForm) => form.inputs.find((i) => i.type === "password");
const usernameInput = (form: HtmlForm) =>
  form.inputs.find((i) => (i.type === "text" || i.type === "email") && /user|login|mail|name/i.test(i.name)) ??
  form.inputs.find((i) => i.type === "text" || i.type === "email");
/** The login form of a page: one that asks for the password or the username. */
const loginForm = (forms: readonly HtmlForm[]) =>
  forms.find((f) => passwordInput(f) !== undefined) ?? forms.find((f) => usernameInput(f) !== undefined);

export default definePlugin({
  id: ${JSON.stringify(n.id)},
  displayName: ${JSON.stringify(n.displayName)},
  version: "1.0.0",
  sdk: ${JSON.stringify(n.sdkRange)},
  description: ${JSON.stringify(`Logs in to ${n.displayName}'s captive portal with your account`)},
  configSchema: config,
  credentialsSchema: credentials,
  // Claims are data: the daemon matches scans against them without running this file.
  claims: (c) => [{ ssid: c.ssid, confidence: "high", security: ["open"] }],
  portalHosts: (c) => [{ host: c.portalHost, allowHttp: c.allowHttp }],

  /**
   * After joining: is the portal really ours? An evil twin broadcasting the same SSID with
   * its own portal is answered "none", so the daemon never hands it the account.
   */
  async evaluate({ portal, config: c }) {
    if (portal.verdict !== "portal" || !portal.loginUrl) return { confidence: "none", reason: "no portal" };
    const host = new URL(portal.loginUrl).hostname;
    if (host !== c.portalHost) return { confidence: "none", reason: "portal on " + host + ", not ours" };
    return { confidence: "high" };
  },

  /**
   * Opens the login page (following the portal's redirects with cookies), fills the form
   * (hidden fields such as a CSRF token are kept), and repeats for a second page when the
   * portal asks for the password separately. The daemon verifies "online" by probing
   * afterwards; this hook judges only what the portal answered.
   */
  async authenticate({ portal, forms, credentials: account, config: c, log }) {
    if (!account) return { result: "failure", reason: "no credentials: run hotspot credentials set ${n.id}" };
    if (!portal.loginUrl) return { result: "temporaryFailure", reason: "the portal gave no login URL" };
    // evaluate checked this already; a login must not depend on the daemon having asked.
    if (new URL(portal.loginUrl).hostname !== c.portalHost) return { result: "unsupportedNetwork", reason: "not our portal" };
    let { page, forms: found } = await forms.load(portal.loginUrl);
    let sentPassword = false;
    for (let step = 0; step < MAX_PAGES && !sentPassword; step++) {
      const form = loginForm(found);
      if (!form) break;
      const values: Record<string, string> = {};
      const user = usernameInput(form);
      const pass = passwordInput(form);
      if (user) values[user.name] = account.username;
      if (pass) values[pass.name] = account.password;
      sentPassword = pass !== undefined;
      page = await forms.submit(form, values);
      if (page.status >= 400) return answerForStatus(page);
      found = forms.parse(page.body, page.url);
    }
    if (!sentPassword) return { result: "temporaryFailure", reason: "login form not found on " + page.url };
    if (found.some((f) => passwordInput(f) !== undefined)) {
      const refused = REJECTED.test(page.body);
      return { result: "failure", reason: refused ? "the portal refused the account" : "the login form came back" };
    }
    log.info("logged in", { landedOn: new URL(page.url).pathname });
    // Keep the logoff URL with the session: at logoff time the probe is no longer
    // intercepted, so the portal's address is known only from the login.
    return { result: "success", session: { logoffUrl: new URL(c.logoffPath, portal.loginUrl).href } };
  },

  /**
   * Every few minutes: the daemon probes first and hands the answer in as \`portal\`. Being
   * intercepted again means the portal ended the session; the daemon then logs in again.
   * A portal with a status or renewal page would be asked here.
   */
  async maintain({ portal, session }) {
    if (portal.verdict === "portal") return { result: "authenticationRequired", reason: "intercepted again" };
    if (portal.verdict === "unreachable") return { result: "failure", reason: portal.reason ?? "unreachable" };
    return { result: "success", session: session.facts };
  },

  /** Ends the session at the portal, so the account is free for another device. */
  async logoff({ session, http, config: c }) {
    const url = session.facts.logoffUrl ?? "https://" + c.portalHost + c.logoffPath;
    const reply = await http.get(url, { followRedirects: true });
    if (reply.status >= 400) return { result: "failure", reason: "logoff answered " + reply.status };
    return { result: "success" };
  },
});

/** 5xx is the portal's trouble (try later); 4xx is a refusal (an expired form, a blocked account). */
function answerForStatus(page: HttpResponse) {
  const reason = "the portal answered " + page.status;
  return page.status >= 500
    ? ({ result: "temporaryFailure", reason } as const)
    : ({ result: "failure", reason } as const);
}
`;
}
