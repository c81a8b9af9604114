import { definePlugin, type HtmlForm, z } from "hotspot-helper/sdk";

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

  async authenticate({ portal, forms, credentials: creds, log, config: c }) {
    if (!creds) return { result: "failure", reason: "no credentials configured for example-cafe" };
    if (!portal.loginUrl) return { result: "temporaryFailure", reason: "the portal gave no login URL" };
    const { forms: found } = await forms.load(portal.loginUrl);
    const form = found.find(hasPassword);
    const user = form && usernameField(form);
    const pass = form?.inputs.find((i) => i.type === "password")?.name;
    if (!form || !user || !pass) return { result: "temporaryFailure", reason: "login form not found" };
    const reply = await forms.submit(form, { [user]: creds.username, [pass]: creds.password });
    if (reply.status >= 500) return { result: "temporaryFailure", reason: `portal answered ${reply.status}` };
    if (reply.status >= 400 || /invalid (user ?name|password)|wrong password/i.test(reply.body)) {
      return { result: "failure", reason: "the portal rejected the credentials" };
    }
    log.info("login form submitted", { status: reply.status });
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
