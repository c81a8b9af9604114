import { z } from "zod";
import { html, json, page, redirect } from "../../html.ts";
import type { PortalRequest } from "../../types.ts";
import { cookieOf, originalUrl, type Shape, sessionCookie, token, welcomeRoute } from "./shared.ts";

/**
 * A terms page that is only script: the HTML is an empty mount point; the script builds the
 * terms checkbox and an "Accept & connect" button (type="button", its handler attached with
 * addEventListener, disabled until the box is ticked), and accepting is a fetch() of JSON
 * with a token the script derives from one embedded in it. Nothing in the markup can be
 * pressed or posted: a plain-HTTP client sees no control at all. Modelled on hosted splash
 * pages built as single-page apps (React/Angular guest portals of cloud-managed Wi-Fi).
 */

const COOKIE = "guest_sid";

const acceptBody = z.object({
  accept_tos: z.boolean(),
  token: z.string(),
  continue_url: z.string().optional(),
});

function app(title: string, seed: string): string {
  const script = `
(function () {
  var seed = ${JSON.stringify(seed)};
  var next = new URLSearchParams(location.search).get("continue_url") || "";
  var root = document.getElementById("root");
  var h = document.createElement("h1"); h.textContent = ${JSON.stringify(title)}; root.appendChild(h);
  var p = document.createElement("p"); p.textContent = "Free internet for our guests. Please accept the terms of use."; root.appendChild(p);
  var box = document.createElement("input"); box.type = "checkbox"; box.id = "tos";
  var label = document.createElement("label"); label.htmlFor = "tos"; label.textContent = " I have read the terms of use";
  root.appendChild(box); root.appendChild(label);
  var button = document.createElement("button"); button.type = "button"; button.disabled = true;
  button.textContent = "Accept & connect"; root.appendChild(document.createElement("br")); root.appendChild(button);
  var message = document.createElement("p"); message.setAttribute("role", "alert"); root.appendChild(message);
  box.addEventListener("change", function () { button.disabled = !box.checked; });
  button.addEventListener("click", function () {
    fetch("/guest/api/authorize", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ accept_tos: box.checked, token: seed.split("").reverse().join(""), continue_url: next })
    }).then(function (r) { return r.json(); }).then(function (a) {
      if (a.ok) window.location.assign(a.next); else message.textContent = a.error;
    });
  });
})();`;
  return page(
    `${title} - Guest access`,
    `  <div id="root"><noscript>Please enable JavaScript to use this portal.</noscript></div>\n  <script>${script}</script>`,
  );
}

export function scriptBuiltShape(title: string): Shape {
  return {
    loginPath: "/guest/",
    routes: (env) => {
      const seeds = new Map<string, string>();
      return {
        intercept: (req: PortalRequest) =>
          redirect(`${env.baseUrl}/guest/?${new URLSearchParams({ continue_url: originalUrl(req) })}`),
        routes: [
          {
            method: "GET",
            path: "/guest/",
            handle: () => {
              const sid = token();
              const seed = token();
              seeds.set(sid, seed);
              return html(200, app(title, seed), sessionCookie(COOKIE, sid));
            },
          },
          {
            method: "POST",
            path: "/guest/api/authorize",
            handle: (req) => {
              const seed = seeds.get(cookieOf(req, COOKIE) ?? "");
              let raw: unknown;
              try {
                raw = JSON.parse(req.body);
              } catch {
                return json(400, { ok: false, error: "Bad request." });
              }
              const body = acceptBody.safeParse(raw);
              if (
                !body.success ||
                !body.data.accept_tos ||
                seed === undefined ||
                body.data.token !== [...seed].reverse().join("")
              )
                return json(403, { ok: false, error: "Please accept the terms of use." });
              env.authorize(req.client);
              const asked = body.data.continue_url ?? "";
              return json(200, {
                ok: true,
                next: /^https?:\/\//.test(asked) ? asked : `${env.baseUrl}/welcome`,
              });
            },
          },
          welcomeRoute,
        ],
      };
    },
  };
}
