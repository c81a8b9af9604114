import {
  type CaptivePortalApiInfo,
  configuredNetworkClaims,
  definePlugin,
  type HtmlForm,
  type SessionFacts,
  z,
} from "hotspot-helper/sdk";

/**
 * For networks that announce an RFC 8908 Captive Portal API (DHCP option 114, RA option 37).
 * The API says whether we are held and where the portal page is. Where that page is a
 * terms page (no password field), the plugin accepts it; otherwise a person must log in and
 * it answers `uiRequired` with the user-portal-url. Once online, maintain follows the API:
 * it runs before `seconds-remaining` ends and renews through the portal page when
 * `can-extend-session` allows it. It sends no credentials: it has none.
 */
const config = z
  .object({
    /** SSIDs (text) of networks to handle. */
    ssids: z.array(z.string().min(1).max(32)).default([]),
    /** Also look at every open network (only those announcing an API are taken). */
    anyOpenNetwork: z.boolean().default(false),
    /** Renew when fewer seconds than this remain (and the portal allows extension). */
    renewBelowSeconds: z.number().int().positive().default(300),
  })
  .strict();

const asksForSecrets = (form: HtmlForm): boolean => form.inputs.some((i) => i.type === "password");

/** Session facts from an API answer, with maintain due before the session ends. */
function facts(info: CaptivePortalApiInfo, base: SessionFacts, renewBelow: number): SessionFacts {
  const left = info.secondsRemaining;
  // Look again when renewal becomes due (the daemon also runs maintain 30 s before expiry).
  // A session that cannot be extended has no renewal: asking for one would mean a maintain
  // every second until the end; the daemon itself looks again just after that end.
  const due =
    left === undefined || info.canExtendSession !== true ? undefined : Math.max(1, left - renewBelow);
  return { ...base, ...(due === undefined ? {} : { maintainIntervalSeconds: due }) };
}

export default definePlugin({
  id: "capport",
  displayName: "Portal API",
  version: "1.0.0",
  sdk: "^0.1.0",
  priority: 10,
  description: "Handles RFC 8908 captive portals: accepts terms pages, keeps sessions alive",
  configSchema: config,
  claims: configuredNetworkClaims,

  async evaluate({ portal, capport }) {
    if (capport.uri === undefined)
      return { confidence: "none", reason: "the network announced no RFC 8908 API" };
    if (portal.verdict !== "portal") return { confidence: "none", reason: "not held by the portal" };
    return { confidence: "high", reason: portal.api ? "the API says captive" : "an API is announced" };
  },

  async authenticate({ portal, capport, forms, config: c, log }) {
    const page = portal.api?.userPortalUrl ?? portal.loginUrl;
    if (!page)
      return { result: "temporaryFailure", reason: "neither the API nor the probe named a portal page" };
    const { forms: found } = await forms.load(page);
    const form = found.find((f) => !asksForSecrets(f));
    if (!form) return { result: "uiRequired", url: page, reason: "the portal asks a person to log in" };
    const ticks = Object.fromEntries(
      form.inputs.filter((i) => i.type === "checkbox").map((i) => [i.name, i.value || "on"]),
    );
    // The answer's status says enough; the page behind its redirect would cost a round trip.
    const reply = await forms.submit(form, ticks, { followRedirects: false });
    if (reply.status >= 500) return { result: "temporaryFailure", reason: `portal answered ${reply.status}` };
    if (reply.status >= 400)
      return { result: "uiRequired", url: page, reason: `portal answered ${reply.status}` };
    if (capport.uri === undefined) return { result: "success" };
    // RFC 8908: re-query after login; the answer also carries expiry and quota.
    try {
      const now = await capport.query();
      if (now.captive)
        return { result: "uiRequired", url: page, reason: "still captive after accepting the terms" };
      return { result: "success", session: facts(now, capport.sessionFacts(now), c.renewBelowSeconds) };
    } catch (e) {
      log.warn("the API did not answer after login; the daemon's verification decides", {
        reason: e instanceof Error ? e.message : String(e),
      });
      return { result: "success" };
    }
  },

  async maintain({ portal, capport, forms, config: c, log }) {
    let info: CaptivePortalApiInfo;
    try {
      info = await capport.query();
    } catch (e) {
      log.warn("API unavailable; going by the probe", { reason: e instanceof Error ? e.message : String(e) });
      return portal.verdict === "portal"
        ? { result: "authenticationRequired", reason: "the probe is intercepted again" }
        : { result: "success" };
    }
    if (info.captive) return { result: "authenticationRequired", reason: "the API says captive again" };
    const left = info.secondsRemaining;
    if (
      left === undefined ||
      left > c.renewBelowSeconds ||
      info.canExtendSession !== true ||
      !info.userPortalUrl
    ) {
      return { result: "success", session: facts(info, capport.sessionFacts(info), c.renewBelowSeconds) };
    }
    // Renewal: RFC 8908 leaves it to the portal page, which offers an extend form when allowed.
    const { forms: found } = await forms.load(info.userPortalUrl);
    const extend = found.find((f) => !asksForSecrets(f));
    if (extend) await forms.submit(extend);
    const after = await capport.query();
    if (after.captive) return { result: "authenticationRequired", reason: "captive after renewal" };
    return { result: "success", session: facts(after, capport.sessionFacts(after), c.renewBelowSeconds) };
  },
});
