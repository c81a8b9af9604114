import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { defineBehaviour } from "../fixture-schema.ts";
import { errorParagraph, escapeHtml, html, page, redirect } from "../html.ts";
import type { PortalRequest, PortalResponse, ScenarioEnv } from "../types.ts";
import { chapResponse, decodePapPassword } from "./chap.ts";

/**
 * A CoovaChilli (ChilliSpot) hotspot: the gateway ("chilli", at uamip:uamport) and the
 * operator's UAM server (hotspotlogin.cgi) in one process.
 * 1. A captured request is redirected to the UAM server with
 *    `res=notyet&uamip=…&uamport=…&challenge=<32 hex>&called=…&mac=…&ip=…&nasid=…&sessionid=…&userurl=…`
 *    (plus `md`, an MD5 of the URL and the UAM secret, when one is set). Each redirect
 *    issues a fresh challenge for that client.
 * 2. The UAM server's page has a form (UserName, Password, button=Login and the hidden
 *    challenge, uamip, uamport, userurl). Posting it computes the CHAP response server-side
 *    (see chap.ts) and sends the browser to `http://uamip:uamport/logon?username=…&response=…&userurl=…`
 *    with a meta refresh, as hotspotlogin.cgi does (`logonRedirect: "302"` for a plain redirect).
 * 3. chilli's `/logon` checks the response against the challenge it issued (CHAP; PAP via
 *    `password=` too) and redirects to the UAM server with `res=success` or `res=failed`
 *    (and a new challenge); `/logoff` ends the session and redirects with `res=logoff`.
 * A smart client may skip the form and call `/logon` itself with the response it computed.
 */

const path = z.string().startsWith("/");
const params = z
  .object({
    uamServerPath: path.default("/hotspotlogin"),
    logonPath: path.default("/logon"),
    logoffPath: path.default("/logoff"),
    /** Shared secret between chilli and the UAM server; "" = none (the challenge is used as is). */
    uamSecret: z.string().default(""),
    nasId: z.string().min(1).default("hh-harness"),
    /** The access point's MAC as chilli reports it (`called`). */
    calledMac: z.string().default("02-00-00-00-00-01"),
    logonRedirect: z.enum(["meta", "302"]).default("meta"),
    sessionSeconds: z.number().int().nonnegative().default(0),
  })
  .strict();
type Params = z.infer<typeof params>;

/** A stable fake client MAC from its address (a loopback client has none). */
function fakeMac(client: string): string {
  const h = createHash("md5").update(client).digest();
  return ["02", ...[...h.subarray(0, 5)].map((b) => b.toString(16).padStart(2, "0"))].join("-").toUpperCase();
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function hotspot(p: Params, env: ScenarioEnv) {
  const challenges = new Map<string, { challenge: string; sessionId: string }>();
  const gateway = () => new URL(env.baseUrl);
  const uamUrl = (query: URLSearchParams) => {
    let url = `${env.baseUrl}${p.uamServerPath}?${query.toString()}`;
    if (p.uamSecret !== "")
      url += `&md=${createHash("md5")
        .update(url + p.uamSecret)
        .digest("hex")
        .toUpperCase()}`;
    return url;
  };
  const common = (client: string, res: string, userurl: string) => {
    const g = gateway();
    return new URLSearchParams({
      res,
      uamip: g.hostname,
      uamport: g.port === "" ? "80" : g.port,
      called: p.calledMac,
      mac: fakeMac(client),
      ip: client,
      nasid: p.nasId,
      userurl,
    });
  };
  const notyet = (client: string, userurl: string, res = "notyet", extra: Record<string, string> = {}) => {
    const challenge = randomBytes(16).toString("hex");
    const sessionId = randomBytes(8).toString("hex");
    challenges.set(client, { challenge, sessionId });
    const q = common(client, res, userurl);
    q.set("challenge", challenge);
    q.set("sessionid", sessionId);
    for (const [k, v] of Object.entries(extra)) q.set(k, v);
    return redirect(uamUrl(q));
  };

  const uamPage = (req: PortalRequest): PortalResponse => {
    const q = req.query;
    const res = q.get("res") ?? "";
    const hidden = (name: string) =>
      `    <input type="hidden" name="${name}" value="${escapeHtml(q.get(name) ?? "")}">\n`;
    const logoff = `http://${q.get("uamip") ?? ""}:${q.get("uamport") ?? ""}${p.logoffPath}`;
    switch (res) {
      case "notyet":
      case "failed":
        return html(
          200,
          page(
            "Hotspot login",
            `  <h1>Hotspot login</h1>
${errorParagraph(res === "failed" ? (q.get("reply") ?? "Login failed") : undefined)}  <form name="form1" method="post" action="${p.uamServerPath}">
${hidden("challenge")}${hidden("uamip")}${hidden("uamport")}${hidden("userurl")}    <p><label>Username <input type="text" name="UserName"></label></p>
    <p><label>Password <input type="password" name="Password"></label></p>
    <p><input type="submit" name="button" value="Login"></p>
  </form>`,
          ),
        );
      case "success":
      case "already":
        return html(
          200,
          page("Logged in", `  <h1>Logged in</h1>\n  <p><a href="${escapeHtml(logoff)}">Logout</a></p>`),
        );
      case "logoff":
        return html(200, page("Logged out", "  <h1>Logged out</h1>"));
      default:
        return html(200, page("Hotspot login", "  <h1>Login must be performed through the hotspot</h1>"));
    }
  };

  /** hotspotlogin.cgi's POST: compute the CHAP response and send the browser to chilli's /logon. */
  const uamLogin = (req: PortalRequest): PortalResponse => {
    const f = req.form;
    const challenge = f.get("challenge") ?? "";
    const target = new URL(`http://${f.get("uamip") ?? ""}:${f.get("uamport") ?? ""}${p.logonPath}`);
    target.searchParams.set("username", f.get("UserName") ?? "");
    target.searchParams.set("response", chapResponse(f.get("Password") ?? "", challenge, p.uamSecret));
    target.searchParams.set("userurl", f.get("userurl") ?? "");
    if (p.logonRedirect === "302") return redirect(target.href);
    return html(
      200,
      page(
        "Logging in",
        `  <meta http-equiv="refresh" content="0;url=${escapeHtml(target.href)}">\n  <h1>Logging in to the hotspot…</h1>`,
      ),
    );
  };

  const logon = (req: PortalRequest): PortalResponse => {
    const q = req.query;
    const userurl = q.get("userurl") ?? "";
    if (env.isAuthorized(req.client)) return redirect(uamUrl(common(req.client, "already", userurl)));
    const issued = challenges.get(req.client);
    if (!issued) return notyet(req.client, userurl);
    challenges.delete(req.client);
    const user = q.get("username") ?? "";
    const response = q.get("response");
    const pap = q.get("password");
    const expected = chapResponse(env.credentials.password, issued.challenge, p.uamSecret);
    const ok =
      same(user, env.credentials.username) &&
      (response !== null
        ? same(response.toLowerCase(), expected)
        : pap !== null &&
          same(decodePapPassword(pap, issued.challenge, p.uamSecret), env.credentials.password));
    if (!ok) return notyet(req.client, userurl, "failed", { reply: "Wrong username or password" });
    env.authorize(req.client, p.sessionSeconds > 0 ? { seconds: p.sessionSeconds } : {});
    const q2 = common(req.client, "success", userurl);
    q2.set("uid", user);
    if (p.sessionSeconds > 0) q2.set("timeleft", String(p.sessionSeconds));
    return redirect(uamUrl(q2));
  };

  return {
    intercept: (req: PortalRequest) => notyet(req.client, req.url),
    routes: [
      { method: "GET" as const, path: p.uamServerPath, handle: uamPage },
      { method: "POST" as const, path: p.uamServerPath, handle: uamLogin },
      { method: "GET" as const, path: p.logonPath, handle: logon },
      {
        method: "GET" as const,
        path: p.logoffPath,
        handle: (req: PortalRequest) => {
          env.deauthorize(req.client);
          return redirect(uamUrl(common(req.client, "logoff", "")));
        },
      },
    ],
  };
}

export const uamChapBehaviour = defineBehaviour({
  params,
  build: (p) => ({ loginPath: p.uamServerPath, routes: (env) => hotspot(p, env) }),
});
