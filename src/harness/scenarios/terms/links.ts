import { html, page, redirect } from "../../html.ts";
import { attr, onward, type Shape, welcomeRoute } from "./shared.ts";

/**
 * Terms pages whose accept control is a plain link.
 *
 * `link`: Cisco Meraki's click-through splash (Captive Portal API, click-through): the AP
 * sends the visitor to the splash page with `base_grant_url` and `user_continue_url` in
 * the query; the page says "by continuing you agree" and links to
 * `base_grant_url?continue_url=…`; the grant lets the client through and redirects it to
 * `continue_url`. The page also links to the terms themselves and to help, which move
 * nobody on.
 *
 * `loop`: two pages that each say "Continue" and link to the other, never letting the
 * client through (a misconfigured splash; a walker must notice and stop).
 *
 * `many`: a page with hundreds of forms and links (a venue's whole site pasted into the
 * splash) and its only accept link at the very end.
 */

export function linkShape(title: string): Shape {
  return {
    loginPath: "/splash",
    routes: (env) => ({
      intercept: (req) =>
        redirect(
          `${env.baseUrl}/splash?${new URLSearchParams({
            base_grant_url: `${env.baseUrl}/splash/grant`,
            user_continue_url: req.url,
            node_mac: "88:15:44:60:1c:1a",
            client_ip: req.client,
          })}`,
        ),
      routes: [
        {
          method: "GET",
          path: "/splash",
          handle: (req) => {
            const grant = req.query.get("base_grant_url") ?? `${env.baseUrl}/splash/grant`;
            const next = req.query.get("user_continue_url") ?? `${env.baseUrl}/welcome`;
            const href = `${grant}?${new URLSearchParams({ continue_url: next })}`;
            return html(
              200,
              page(
                title,
                `  <h1>Welcome to ${attr(title)}</h1>
  <p>Thank you for visiting. By continuing you agree to our <a href="/splash/terms">terms of service</a>.</p>
  <p><a class="button" href="${attr(href)}">Continue to the Internet</a></p>
  <p><a href="/splash/help">Help</a></p>`,
              ),
            );
          },
        },
        {
          method: "GET",
          path: "/splash/terms",
          handle: () => html(200, page("Terms", "  <h1>Terms of service</h1>\n  <p>Be nice.</p>")),
        },
        {
          method: "GET",
          path: "/splash/help",
          handle: () => html(200, page("Help", "  <h1>Help</h1>\n  <p>Ask at the desk.</p>")),
        },
        {
          method: "GET",
          path: "/splash/grant",
          handle: (req) => {
            env.authorize(req.client);
            return onward(env, req.query.get("continue_url"));
          },
        },
        welcomeRoute,
      ],
    }),
  };
}

export function loopShape(title: string): Shape {
  const step = (here: string, there: string) => ({
    method: "GET" as const,
    path: here,
    handle: () =>
      html(200, page(title, `  <h1>${attr(title)}</h1>\n  <p><a href="${there}">Continue</a></p>`)),
  });
  return {
    loginPath: "/loop/a",
    routes: () => ({ routes: [step("/loop/a", "/loop/b"), step("/loop/b", "/loop/a")] }),
  };
}

export function manyShape(title: string, forms: number, links: number): Shape {
  const body = (): string => {
    const parts: string[] = [`  <h1>${attr(title)}</h1>`];
    for (let i = 0; i < forms; i++)
      parts.push(`  <form action="/search"><input name="q" value="${i}"><button>Go</button></form>`);
    for (let i = 0; i < links; i++) parts.push(`  <a href="/venue/page-${i}">Venue page ${i}</a>`);
    parts.push(`  <p><a href="/many/accept">Accept and connect</a></p>`);
    return parts.join("\n");
  };
  return {
    loginPath: "/many",
    routes: (env) => ({
      routes: [
        { method: "GET", path: "/many", handle: () => html(200, page(title, body())) },
        {
          method: "GET",
          path: "/many/accept",
          handle: (req) => {
            env.authorize(req.client);
            return onward(env, undefined);
          },
        },
        welcomeRoute,
      ],
    }),
  };
}
