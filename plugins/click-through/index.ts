import {
  type AuthenticateResult,
  chooseTermsAction,
  definePlugin,
  readTermsPage,
  type TermsWalkOutcome,
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

function result(walk: TermsWalkOutcome): AuthenticateResult {
  const trail = walk.steps.map((s) => `${s.step}. ${s.action}`).join("; ");
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
    if (!choice.found) return { confidence: "none", reason: choice.detail };
    return { confidence: "low" };
  },

  async authenticate(ctx) {
    const startUrl = ctx.portal.loginUrl;
    if (!startUrl) return { result: "temporaryFailure", reason: "the portal gave no login URL" };
    // Portals send a released client back to the URL it asked for: the probe's.
    const releaseUrls = [ctx.portal.probeUrl];
    return result(await walkTermsPages(ctx, { startUrl, maxSteps: ctx.config.maxSteps, releaseUrls }));
  },
});
