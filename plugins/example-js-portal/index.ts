import { definePlugin, z } from "hotspot-helper/sdk";

/**
 * A plugin for a single-page-app portal: the login page is an empty shell whose script
 * builds the form and logs in with fetch(), with a token computed in the page, so there
 * is nothing to post without running the page. It drives the page in the headless browser
 * the way a person would: fill the two fields, press Sign in, and then asks the network,
 * not the page, whether it is online.
 */
const config = z
  .object({
    /** SSID the venue broadcasts. */
    ssid: z.string().min(1).max(32).default("City Wi-Fi"),
    /** Host of the portal; the browser's requests carrying the account go nowhere else. */
    portalHost: z.string().min(1).default("portal.citywifi.example"),
    /** Allow plain HTTP to the portal host: only for the loopback test harness and the demo. */
    allowHttp: z.boolean().default(false),
  })
  .strict();

const credentials = z.object({ username: z.string().min(1), password: z.string().min(1) }).strict();

const REJECTED = /invalid (user ?name|password)|wrong password|incorrect/i;

export default definePlugin({
  id: "example-js-portal",
  displayName: "City Wi-Fi",
  version: "1.0.0",
  sdk: "^0.1.0",
  description: "logs in to a script-only (single-page app) portal with the headless browser",
  needsBrowser: true,
  configSchema: config,
  credentialsSchema: credentials,
  claims: (c) => [{ ssid: c.ssid, confidence: "high", security: ["open"] }],
  portalHosts: (c) => [{ host: c.portalHost, allowHttp: c.allowHttp }],
  async authenticate({ browser, portal, credentials, checkOnline }) {
    if (!credentials) return { result: "failure", reason: "no account configured for City Wi-Fi" };
    const page = await browser();
    await page.open(portal.loginUrl ?? portal.probeUrl);
    await page.fill("input[autocomplete=username]", credentials.username);
    await page.fill("input[type=password]", credentials.password);
    await page.click({ text: /^(sign in|log ?in|connect)$/i });
    // Either the app moves on (the welcome page) or it shows its error under the form.
    await page.waitFor({ text: /welcome|you're online|invalid|incorrect|expired|bad request/i });
    const { text } = await page.read();
    if (REJECTED.test(text)) return { result: "failure", reason: "the portal rejected the credentials" };
    const now = await checkOnline();
    if (now.verdict === "online") return { result: "success" };
    return {
      result: "temporaryFailure",
      reason: `still captive after signing in (${now.reason ?? now.verdict})`,
    };
  },
});
