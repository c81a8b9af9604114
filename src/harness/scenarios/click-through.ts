import { z } from "zod";
import { defineBehaviour } from "../fixture-schema.ts";
import { errorParagraph, html, page, redirect } from "../html.ts";
import { buttonsShape, declineOnlyShape, relativeShape, twoStepShape } from "./terms/forms.ts";
import { linkShape, loopShape, manyShape } from "./terms/links.ts";
import { movesShape, onclickShape } from "./terms/moves.ts";
import { scriptBuiltShape } from "./terms/script-built.ts";
import type { Shape } from "./terms/shared.ts";

/**
 * A terms-of-use page: tick the box, press the button, you are online. No account, no
 * cookie; the walled garden opens for the client's address. Posting without the box
 * ticked shows the terms again with an error, as such portals do.
 *
 * `shape` selects one of the other page shapes real vendors serve (see terms/): a
 * continue link, a two-step hand-off, several buttons, an empty action, a meta refresh or
 * script redirect in front, a script-pressed button; and hostile ones (a loop, a
 * decline-only page, a page with hundreds of forms and links).
 */

const TERMS_SHAPES = [
  "checkbox",
  "link",
  "two-step",
  "buttons",
  "relative",
  "meta-refresh",
  "script-redirect",
  "onclick",
  "onclick-inline",
  "loop",
  "decline-only",
  "many",
  "script-built",
] as const;

const params = z
  .object({
    loginPath: z.string().startsWith("/").default("/terms"),
    acceptPath: z.string().startsWith("/").default("/terms/accept"),
    onlinePath: z.string().startsWith("/").default("/online"),
    checkboxName: z.string().min(1).default("accept_terms"),
    title: z.string().min(1).default("Free Wi-Fi"),
    /** Session length once accepted; 0 = unlimited. */
    sessionSeconds: z.number().int().nonnegative().default(0),
    shape: z.enum(TERMS_SHAPES).default("checkbox"),
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

function otherShape(p: Params): Shape | undefined {
  switch (p.shape) {
    case "checkbox":
      return undefined;
    case "link":
      return linkShape(p.title);
    case "two-step":
      return twoStepShape(p.title);
    case "buttons":
      return buttonsShape(p.title);
    case "relative":
      return relativeShape(p.title);
    case "meta-refresh":
      return movesShape(p.title, "meta");
    case "script-redirect":
      return movesShape(p.title, "script");
    case "onclick":
      return onclickShape(p.title, false);
    case "onclick-inline":
      return onclickShape(p.title, true);
    case "loop":
      return loopShape(p.title);
    case "decline-only":
      return declineOnlyShape(p.title);
    case "many":
      return manyShape(p.title, 300, 1000);
    case "script-built":
      return scriptBuiltShape(p.title);
  }
}

export const clickThroughBehaviour = defineBehaviour({
  params,
  build: (p) =>
    otherShape(p) ?? {
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
    },
});
