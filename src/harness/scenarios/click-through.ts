import { escapeHtml, html, page, redirect } from "../html.ts";
import type { Scenario } from "../types.ts";

/**
 * A terms-of-use page: tick the box, press the button, you are online. No account, no
 * cookie; the walled garden opens for the client's address. Posting without the box
 * ticked shows the terms again with an error, as such portals do.
 */

function termsPage(error?: string): string {
  const message = error === undefined ? "" : `  <p class="error" role="alert">${escapeHtml(error)}</p>\n`;
  return page(
    "Free Wi-Fi - Terms of use",
    `  <h1>Welcome to Free Wi-Fi</h1>
  <p>Please read and accept the terms of use to get online.</p>
${message}  <form id="terms" method="post" action="/terms/accept">
    <input type="hidden" name="redirect_url" value="http://example.com/">
    <p><input type="checkbox" id="accept_terms" name="accept_terms" value="yes">
      <label for="accept_terms">I have read and accept the <a href="/terms/full">terms of use</a></label></p>
    <p><button type="submit" name="connect" value="Connect">Connect</button></p>
  </form>`,
  );
}

export const clickThrough: Scenario = {
  name: "click-through",
  description: "terms page with a checkbox and a Connect button; no credentials",
  modelledOn:
    "cafe and shop hotspots on hosted splash pages (e.g. Cisco Meraki click-through, UniFi guest portal)",
  loginPath: "/terms",
  routes: (env) => [
    { method: "GET", path: "/terms", handle: () => html(200, termsPage()) },
    {
      method: "GET",
      path: "/terms/full",
      handle: () => html(200, page("Terms of use", "  <h1>Terms of use</h1>\n  <p>Be nice.</p>")),
    },
    {
      method: "POST",
      path: "/terms/accept",
      handle: (req) => {
        if (!req.form.has("accept_terms")) {
          return html(200, termsPage("You must accept the terms of use to continue."));
        }
        env.authorize(req.client);
        return redirect(`${env.baseUrl}/online`);
      },
    },
    {
      method: "GET",
      path: "/online",
      handle: (req) =>
        env.isAuthorized(req.client)
          ? html(200, page("You're online", "  <h1>You're online</h1>\n  <p>Enjoy your browsing.</p>"))
          : redirect(`${env.baseUrl}/terms`),
    },
  ],
};
