import { definePlugin, type HtmlForm, type HttpClient, type HttpResponse, z } from "hotspot-helper/sdk";

/**
 * An operator plugin as a café chain would ship it: it claims the chain's SSID with high
 * confidence, checks on join that the portal is really the chain's (an evil twin with
 * the same SSID and another portal host is declined), and logs in with the user's
 * account through the portal's form.
 */
const config = z
  .object({
    /** SSID the chain broadcasts. */
    ssid: z.string().min(1).max(32).default("Cafe Free WiFi"),
    /** Host of the chain's login portal; credentials go nowhere else. */
    portalHost: z.string().min(1).default("portal.cafe.example"),
    /**
     * Allow plain HTTP to the portal host. Only for the loopback test harness and the
     * demo, which serve no TLS; real portals are HTTPS.
     */
    allowHttp: z.boolean().default(false),
    /** Path on the portal that ends the session. */
    logoffPath: z.string().startsWith("/").default("/logoff"),
  })
  .strict();

const credentials = z.object({ username: z.string().min(1), password: z.string().min(1) }).strict();

/** Enough for a ticket hop or two; a portal that bounces more than this within its login is broken. */
const MAX_LOGIN_HOPS = 5;
const REJECTED = /invalid (user ?name|password)|wrong password|incorrect (user ?name|password)/i;

/** Where a 3xx answer points, resolved against the URL that gave it. */
function locationOf(reply: HttpResponse): URL | undefined {
  const location = reply.status >= 300 && reply.status < 400 ? reply.headers.location : undefined;
  if (location === undefined) return undefined;
  try {
    return new URL(location, reply.url);
  } catch {
    return undefined;
  }
}

/**
 * Whether a redirect after the login POST is still part of the login: same origin as the
 * form's action, on its path or below it (`/login` → `/login/authorize?ticket=…`, the
 * one-time ticket many portals only honour once it is fetched). Any other target (a
 * welcome page, the page first asked for, the venue's site) is the portal saying "you are
 * in" and showing something: on a slow link fetching it costs a round trip and proves
 * nothing the daemon's verification probe does not prove better.
 */
function insideLogin(target: URL, action: URL): boolean {
  if (target.origin !== action.origin) return false;
  const base = action.pathname.replace(/\/+$/, "");
  return target.pathname === action.pathname || target.pathname.startsWith(`${base}/`);
}

/** Follows the answer's redirects while they stay inside the login (see insideLogin). */
async function followLogin(http: HttpClient, form: HtmlForm, first: HttpResponse): Promise<HttpResponse> {
  const action = new URL(form.action);
  let reply = first;
  for (let hop = 0; hop < MAX_LOGIN_HOPS; hop++) {
    const next = locationOf(reply);
    if (next === undefined || !insideLogin(next, action)) return reply;
    reply = await http.get(next);
  }
  return reply;
}

const hasPassword = (form: HtmlForm): boolean => form.inputs.some((i) => i.type === "password");
const usernameField = (form: HtmlForm): string | undefined =>
  form.inputs.find((i) => ["text", "email"].includes(i.type) && /user|login|email|name/i.test(i.name))
    ?.name ?? form.inputs.find((i) => ["text", "email"].includes(i.type))?.name;

export default definePlugin({
  id: "example-cafe",
  displayName: "Cafe Co.",
  version: "1.0.0",
  sdk: "^0.1.0",
  description: "Example operator plugin: logs in to Cafe Co.'s portal with your account",
  configSchema: config,
  credentialsSchema: credentials,
  claims: (c) => [{ ssid: c.ssid, confidence: "high", security: ["open"] }],
  portalHosts: (c) => [{ host: c.portalHost, allowHttp: c.allowHttp }],

  async evaluate({ portal, config: c }) {
    if (portal.verdict !== "portal" || !portal.loginUrl)
      return { confidence: "none", reason: "no portal intercepted" };
    const host = new URL(portal.loginUrl).hostname;
    if (host !== c.portalHost) return { confidence: "none", reason: `portal on ${host}, not ours` };
    return { confidence: "high" };
  },

  /**
   * Loads the login page, posts the form, and judges the answer without fetching the page
   * the portal shows afterwards: a redirect out of the login means accepted, the form or
   * the error text again means rejected. Whether we are really online is the daemon's
   * verification's call (it probes next), so the welcome page would be a wasted round trip.
   */
  async authenticate({ portal, forms, http, credentials: creds, log, config: c }) {
    if (!creds) return { result: "failure", reason: "no credentials configured for example-cafe" };
    if (!portal.loginUrl) return { result: "temporaryFailure", reason: "the portal gave no login URL" };
    const { forms: found } = await forms.load(portal.loginUrl);
    const form = found.find(hasPassword);
    const user = form && usernameField(form);
    const pass = form?.inputs.find((i) => i.type === "password")?.name;
    if (!form || !user || !pass) return { result: "temporaryFailure", reason: "login form not found" };
    // Redirects are judged, not blindly followed: see insideLogin.
    const posted = await forms.submit(
      form,
      { [user]: creds.username, [pass]: creds.password },
      { followRedirects: false },
    );
    const reply = await followLogin(http, form, posted);
    if (reply.status >= 500) return { result: "temporaryFailure", reason: `portal answered ${reply.status}` };
    const away = locationOf(reply);
    if (away !== undefined && insideLogin(away, new URL(form.action))) {
      return { result: "temporaryFailure", reason: "the portal kept redirecting within its login" };
    }
    if (reply.status >= 400 || (away === undefined && REJECTED.test(reply.body))) {
      return { result: "failure", reason: "the portal rejected the credentials" };
    }
    if (away === undefined && forms.parse(reply.body, reply.url).some(hasPassword)) {
      return { result: "failure", reason: "the portal showed its login form again" };
    }
    log.info("login form accepted", { status: reply.status });
    // Keep the logoff URL with the session: by logoff time the probe is no longer
    // intercepted, so the portal's address is known only from the login.
    return { result: "success", session: { logoffUrl: new URL(c.logoffPath, portal.loginUrl).href } };
  },

  async logoff({ session, http, config: c }) {
    const reply = await http.get(session.facts.logoffUrl ?? `https://${c.portalHost}${c.logoffPath}`);
    return reply.status < 400
      ? { result: "success" }
      : { result: "failure", reason: `logoff answered ${reply.status}` };
  },
});
