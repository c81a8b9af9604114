import {
  type AuthenticateResult,
  browserAvailable,
  chooseTermsAction,
  definePlugin,
  readTermsPage,
  type TermsWalkOutcome,
  walkTermsInBrowser,
  walkTermsPages,
  z,
} from "hotspot-helper/sdk";

/**
 * Accepts "agree to the terms" pages on open networks, with plain HTTP: it reads each page,
 * presses what says accept / agree / connect / continue (in en, de, fr, es, it, nl, pt;
 * never decline or cancel), ticks the boxes the button needs, follows continue links, meta
 * refreshes and simple script redirects, and repeats for up to `maxSteps` pages until the
 * network itself says online. It never sends credentials (it has none); a page that asks
 * for a password, a card number or an e-mail address gets `uiRequired` with its URL.
 *
 * A page plain HTTP cannot complete (its controls are built by script, or its accept
 * button runs script that cannot be read) is walked again in the headless browser when
 * Chromium is installed, with the same rules; without Chromium the answer stays
 * `unsupportedNetwork`, so another plugin or a person can take over.
 */
const config = z
  .object({
    /** SSIDs (text) of open networks whose terms pages may be accepted automatically. */
    ssids: z.array(z.string().min(1).max(32)).default([]),
    /**
     * Also claim every open network, at low confidence (any other plugin that claims the
     * network wins). Off by default: accepting terms is a decision the user makes.
     */
    anyOpenNetwork: z.boolean().default(false),
    /** Pages to act on at most before giving up (a portal's flow is 1-3). */
    maxSteps: z.number().int().min(1).max(12).default(6),
  })
  .strict();

/** Plain-HTTP endings the browser may get past, on a page with script: nothing pressable, or script in the way. */
const BROWSER_CAN_TRY = new Set(["HH_TERMS_SCRIPT_UNSUPPORTED", "HH_TERMS_NO_ACTION"]);

/**
 * The browser cannot start (not installed, it failed to launch, or the plugin's process is
 * not granted one, as happens to a copy of this plugin that drops `needsBrowser`): keep the
 * plain-HTTP answer.
 */
function browserUnavailable(e: unknown): boolean {
  const code = e instanceof Error && "code" in e ? e.code : undefined;
  return (
    code === "HH_BROWSER_MISSING" || code === "HH_BROWSER_LAUNCH_FAILED" || code === "HH_BROWSER_NOT_DECLARED"
  );
}

function result(walk: TermsWalkOutcome, before = ""): AuthenticateResult {
  const trail = [before, walk.steps.map((s) => `${s.step}. ${s.action}`).join("; ")]
    .filter(Boolean)
    .join(" | ");
  const reason = (message: string) => `${message}${trail ? ` [${trail}]` : ""}`.slice(0, 500);
  switch (walk.outcome) {
    case "online":
      return { result: "success" };
    case "uiRequired":
      return {
        result: "uiRequired",
        url: walk.url,
        reason: reason(`${walk.error.code}: ${walk.error.message}`),
      };
    case "stopped": {
      const text = reason(`${walk.error.code}: ${walk.error.message}`);
      switch (walk.error.code) {
        case "HH_TERMS_PORTAL_ERROR":
          return { result: "temporaryFailure", reason: text };
        // Not a page plain HTTP can complete (nothing to press, or script): another plugin may.
        case "HH_TERMS_SCRIPT_UNSUPPORTED":
        case "HH_TERMS_NO_ACTION":
          return { result: "unsupportedNetwork", reason: text };
        default:
          return { result: "failure", reason: text };
      }
    }
  }
}

export default definePlugin({
  id: "click-through",
  displayName: "Terms page",
  version: "2.0.0",
  sdk: "^0.1.0",
  // The last resort among the generic plugins: its open-network claim is the same as
  // theirs, and any of them that can log in does better than accepting terms.
  priority: -10,
  description: "Accepts click-through terms pages on open networks you enable",
  // Script-built terms pages are walked in Chromium when plain HTTP cannot finish them, and
  // a plugin's process under the permission model may start a browser only when its plugin
  // declares one. Its claims are all low confidence, so this starts no warm Chromium ahead
  // of a join (the daemon warms only for high-confidence claims).
  needsBrowser: true,
  configSchema: config,
  claims: (c) => [
    ...c.ssids.map((ssid) => ({ ssid, confidence: "low" as const, security: ["open" as const] })),
    ...(c.anyOpenNetwork
      ? [{ ssidPattern: "^", confidence: "low" as const, security: ["open" as const] }]
      : []),
  ],

  async evaluate({ portal, http }) {
    if (portal.verdict !== "portal" || !portal.loginUrl)
      return { confidence: "none", reason: "no portal intercepted" };
    const page = await http.get(portal.loginUrl, { followRedirects: true });
    const choice = chooseTermsAction(readTermsPage(page.body, page.url));
    if (choice.found) return { confidence: "low" };
    // A page that is only script may hold its accept button once rendered.
    const scripted = (choice.why === "script" || choice.why === "nothing") && /<script\b/i.test(page.body);
    if (scripted && browserAvailable())
      return { confidence: "low", reason: "the page is built by script: the browser reads it" };
    return { confidence: "none", reason: choice.detail };
  },

  async authenticate(ctx) {
    const startUrl = ctx.portal.loginUrl;
    if (!startUrl) return { result: "temporaryFailure", reason: "the portal gave no login URL" };
    // Portals send a released client back to the URL it asked for: the probe's.
    const releaseUrls = [ctx.portal.probeUrl];
    const walk = await walkTermsPages(ctx, { startUrl, maxSteps: ctx.config.maxSteps, releaseUrls });
    // Only a page with script can hold controls a browser would see and plain HTTP does not.
    if (walk.outcome !== "stopped" || walk.scripted !== true || !BROWSER_CAN_TRY.has(walk.error.code))
      return result(walk);
    if (!browserAvailable()) return result(walk);
    ctx.log.info("the terms page needs a browser; walking it in headless Chromium", { why: walk.error.code });
    try {
      // From the portal's first page again: the browser keeps its own cookies.
      const inBrowser = await walkTermsInBrowser(ctx, { startUrl, maxSteps: ctx.config.maxSteps });
      return result(inBrowser, `plain HTTP: ${walk.error.code}`);
    } catch (e) {
      if (browserUnavailable(e)) return result(walk);
      throw e;
    }
  },
});
