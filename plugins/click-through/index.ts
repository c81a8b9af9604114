import { definePlugin, type HtmlForm, z } from "hotspot-helper/sdk";

/**
 * Accepts "agree to the terms" pages on open networks the user has enabled it for. It
 * never sends credentials (it has none), and it declines any page that asks for a
 * password: that is a real login, not a terms page.
 */
const config = z
  .object({
    /** SSIDs (text) of open networks whose terms page may be accepted automatically. */
    ssids: z.array(z.string().min(1).max(32)).default([]),
  })
  .strict();

const asksForSecrets = (form: HtmlForm): boolean => form.inputs.some((i) => i.type === "password");

export default definePlugin({
  id: "click-through",
  displayName: "Terms page",
  version: "1.0.0",
  sdk: "^0.1.0",
  description: "Accepts click-through terms pages on open networks you enable",
  configSchema: config,
  claims: (c) => c.ssids.map((ssid) => ({ ssid, confidence: "low" as const, security: ["open" as const] })),

  async evaluate({ portal, forms }) {
    if (portal.verdict !== "portal" || !portal.loginUrl)
      return { confidence: "none", reason: "no portal intercepted" };
    const { forms: found } = await forms.load(portal.loginUrl);
    if (found.length === 0) return { confidence: "none", reason: "no form on the portal page" };
    if (found.every(asksForSecrets)) return { confidence: "none", reason: "the portal asks for a password" };
    return { confidence: "low" };
  },

  async authenticate({ portal, forms }) {
    if (!portal.loginUrl) return { result: "temporaryFailure", reason: "the portal gave no login URL" };
    const { forms: found } = await forms.load(portal.loginUrl);
    const form = found.find((f) => !asksForSecrets(f));
    if (!form) return { result: "unsupportedNetwork", reason: "no terms form without a password field" };
    // Tick every checkbox: terms pages gate the button on "I accept" boxes.
    const ticks = Object.fromEntries(
      form.inputs.filter((i) => i.type === "checkbox").map((i) => [i.name, i.value || "on"]),
    );
    const reply = await forms.submit(form, ticks);
    if (reply.status >= 500) return { result: "temporaryFailure", reason: `portal answered ${reply.status}` };
    if (reply.status >= 400) return { result: "failure", reason: `portal answered ${reply.status}` };
    return { result: "success" };
  },
});
