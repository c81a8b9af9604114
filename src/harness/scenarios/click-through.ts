import { z } from "zod";
import { defineBehaviour } from "../fixture-schema.ts";
import { errorParagraph, html, page, redirect } from "../html.ts";

/**
 * A terms-of-use page: tick the box, press the button, you are online. No account, no
 * cookie; the walled garden opens for the client's address. Posting without the box
 * ticked shows the terms again with an error, as such portals do.
 */

const params = z
  .object({
    loginPath: z.string().startsWith("/").default("/terms"),
    acceptPath: z.string().startsWith("/").default("/terms/accept"),
    onlinePath: z.string().startsWith("/").default("/online"),
    checkboxName: z.string().min(1).default("accept_terms"),
    title: z.string().min(1).default("Free Wi-Fi"),
    /** Session length once accepted; 0 = unlimited. */
    sessionSeconds: z.number().int().nonnegative().default(0),
  })
  .strict();
type Params = z.infer<typeof params>;

function termsPage(p: Params, error?: string): string {
  return page(
    `${p.title} - Terms of use`,
    `  <h1>Welcome to ${p.title}</h1>
  <p>Please read and accept the terms of use to get online.</p>
${errorParagraph(error)}  <form id="terms" method="post" action="${p.acceptPath}">
    <input type="hidden" name="redirect_url" value="http://example.com/">
    <p><input type="checkbox" id="${p.checkboxName}" name="${p.checkboxName}" value="yes">
      <label for="${p.checkboxName}">I have read and accept the <a href="${p.loginPath}/full">terms of use</a></label></p>
    <p><button type="submit" name="connect" value="Connect">Connect</button></p>
  </form>`,
  );
}

export const clickThroughBehaviour = defineBehaviour({
  params,
  build: (p) => ({
    loginPath: p.loginPath,
    routes: (env) => ({
      routes: [
        { method: "GET", path: p.loginPath, handle: () => html(200, termsPage(p)) },
        {
          method: "GET",
          path: `${p.loginPath}/full`,
          handle: () => html(200, page("Terms of use", "  <h1>Terms of use</h1>\n  <p>Be nice.</p>")),
        },
        {
          method: "POST",
          path: p.acceptPath,
          handle: (req) => {
            if (!req.form.has(p.checkboxName)) {
              return html(200, termsPage(p, "You must accept the terms of use to continue."));
            }
            env.authorize(req.client, p.sessionSeconds > 0 ? { seconds: p.sessionSeconds } : {});
            return redirect(`${env.baseUrl}${p.onlinePath}`);
          },
        },
        {
          method: "GET",
          path: p.onlinePath,
          handle: (req) =>
            env.isAuthorized(req.client)
              ? html(200, page("You're online", "  <h1>You're online</h1>\n  <p>Enjoy your browsing.</p>"))
              : redirect(`${env.baseUrl}${p.loginPath}`),
        },
      ],
    }),
  }),
});
