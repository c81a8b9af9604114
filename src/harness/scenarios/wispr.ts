import { randomBytes } from "node:crypto";
import { z } from "zod";
import { defineBehaviour } from "../fixture-schema.ts";
import { escapeHtml } from "../html.ts";
import type { PortalRequest, PortalResponse, ScenarioEnv } from "../types.ts";
import { element, MESSAGE, RESPONSE, type WisprVersion, wisprDocument, wisprPage } from "./wispr-xml.ts";

/**
 * A WISPr smart-client gateway (1.0, or 2.0 with VersionHigh/VersionLow and CDATA):
 * - a captured request gets the Redirect (100/0) in the page, or first a Proxy (110/200)
 *   with NextURL and Delay when `proxySeconds` > 0; asking NextURL before Delay has passed
 *   gets the Proxy again, so a client that ignores Delay loops;
 * - POST to LoginURL with UserName, Password, button=Login, FNAME=0 and OriginatingServer
 *   (all required when `strictForm`) gets AuthenticationReply 120 with 50 (and LogoffURL)
 *   or 100; with `pendingSeconds` > 0 it first answers 201 with LoginResultsURL and Delay,
 *   and polls of LoginResultsURL get AuthenticationPollReply 140/201 until the RADIUS
 *   answer "arrives" `pendingSeconds` later on the portal's clock, then 140/50;
 * - LogoffURL gets LogoffReply 130/150; AbortLoginURL gets AbortLoginReply 150/151.
 */

const path = z.string().startsWith("/");
const params = z
  .object({
    version: z.enum(["1.0", "2.0"]).default("1.0"),
    locationName: z.string().min(1).default("ACMEWISP,Gate_14_Terminal_C"),
    accessLocation: z.string().min(1).default("isocc=us,cc=1,ac=408,network=ACMEWISP"),
    loginPath: path.default("/wispr/login"),
    nextPath: path.default("/wispr/next"),
    resultsPath: path.default("/wispr/results"),
    logoffPath: path.default("/wispr/logoff"),
    abortPath: path.default("/wispr/abort"),
    /** > 0: answer the first captured request with Proxy 110/200 and this Delay. */
    proxySeconds: z.number().int().nonnegative().default(0),
    /** > 0: answer the login with 201 and let the client in this many seconds later. */
    pendingSeconds: z.number().int().nonnegative().default(0),
    /** Delay told to a polling client, seconds. */
    pollDelaySeconds: z.number().int().nonnegative().default(1),
    strictForm: z.boolean().default(true),
    sessionSeconds: z.number().int().nonnegative().default(0),
  })
  .strict();
type Params = z.infer<typeof params>;

interface Pending {
  readonly ticket: string;
  readonly readyAt: number;
}

function visibleForm(p: Params, loginUrl: string, orig: string): string {
  return `  <h1>${escapeHtml(p.locationName)}</h1>
  <form method="post" action="${escapeHtml(loginUrl)}">
    <input type="hidden" name="button" value="Login">
    <input type="hidden" name="FNAME" value="0">
    <input type="hidden" name="OriginatingServer" value="${escapeHtml(orig)}">
    <p><label>Username <input type="text" name="UserName"></label></p>
    <p><label>Password <input type="password" name="Password"></label></p>
    <p><input type="submit" value="Login"></p>
  </form>`;
}

function gateway(p: Params, env: ScenarioEnv) {
  const v: WisprVersion = p.version;
  const url = (path: string, query = "") => `${env.baseUrl}${path}${query}`;
  const proxySentAt = new Map<string, number>();
  const pastProxy = new Set<string>();
  const pending = new Map<string, Pending>();
  const reply = (title: string, name: string, fields: Parameters<typeof element>[1], visible = "") =>
    wisprPage(title, visible, wisprDocument(element(name, fields, v), v));

  const redirectPage = (orig: string): PortalResponse => {
    const loginUrl = url(p.loginPath);
    const versions =
      v === "2.0"
        ? ([
            ["VersionHigh", "2.0"],
            ["VersionLow", "1.0"],
          ] as const)
        : [];
    return reply(
      "Log in",
      "Redirect",
      [
        ["MessageType", MESSAGE.redirect],
        ["ResponseCode", RESPONSE.noError],
        ...versions,
        ["AccessProcedure", "1.0"],
        ["AccessLocation", p.accessLocation],
        ["LocationName", p.locationName],
        ["LoginURL", loginUrl],
        ["AbortLoginURL", url(p.abortPath)],
      ],
      visibleForm(p, loginUrl, orig),
    );
  };
  const proxyPage = (client: string, orig: string): PortalResponse => {
    if (!proxySentAt.has(client)) proxySentAt.set(client, env.now());
    return reply("Please wait", "Proxy", [
      ["MessageType", MESSAGE.proxy],
      ["ResponseCode", RESPONSE.proxyDetection],
      ["NextURL", url(p.nextPath, `?orig=${encodeURIComponent(orig)}`)],
      ["Delay", p.proxySeconds],
    ]);
  };
  const authReply = (code: number, extra: Parameters<typeof element>[1]) =>
    reply(code === RESPONSE.loginSucceeded ? "Logged in" : "Login", "AuthenticationReply", [
      ["MessageType", MESSAGE.authNotification],
      ["ResponseCode", code],
      ...extra,
    ]);
  const letIn = (client: string, type: number): PortalResponse => {
    env.authorize(client, p.sessionSeconds > 0 ? { seconds: p.sessionSeconds } : {});
    const fields = [
      ["MessageType", type],
      ["ResponseCode", RESPONSE.loginSucceeded],
      ["ReplyMessage", "Login succeeded"],
      ["LogoffURL", url(p.logoffPath)],
    ] as const;
    return type === MESSAGE.authPollReply
      ? reply("Logged in", "AuthenticationPollReply", fields)
      : reply("Logged in", "AuthenticationReply", fields);
  };

  const login = (req: PortalRequest): PortalResponse => {
    const f = req.form;
    const missing = [
      "UserName",
      "Password",
      ...(p.strictForm ? ["button", "FNAME", "OriginatingServer"] : []),
    ].filter((k) => (f.get(k) ?? "") === "");
    if (missing.length > 0) {
      return authReply(RESPONSE.loginFailed, [
        ["ReplyMessage", `Missing login field(s): ${missing.join(", ")}`],
      ]);
    }
    if (p.strictForm && (f.get("button") !== "Login" || f.get("FNAME") !== "0")) {
      return authReply(RESPONSE.loginFailed, [["ReplyMessage", "Malformed login request"]]);
    }
    if (f.get("UserName") !== env.credentials.username || f.get("Password") !== env.credentials.password) {
      return authReply(RESPONSE.loginFailed, [["ReplyMessage", "Invalid username or password"]]);
    }
    if (p.pendingSeconds === 0) return letIn(req.client, MESSAGE.authNotification);
    const ticket = randomBytes(12).toString("base64url");
    pending.set(req.client, { ticket, readyAt: env.now() + p.pendingSeconds * 1000 });
    return authReply(RESPONSE.authPending, [
      ["ReplyMessage", "Authentication pending"],
      ["LoginResultsURL", url(p.resultsPath, `?ticket=${ticket}`)],
      ["Delay", p.pollDelaySeconds],
    ]);
  };

  const poll = (req: PortalRequest): PortalResponse => {
    const entry = pending.get(req.client);
    if (!entry || req.query.get("ticket") !== entry.ticket) {
      return reply("Login", "AuthenticationPollReply", [
        ["MessageType", MESSAGE.authPollReply],
        ["ResponseCode", RESPONSE.loginFailed],
        ["ReplyMessage", "No login in progress"],
      ]);
    }
    if (env.now() < entry.readyAt) {
      return reply("Please wait", "AuthenticationPollReply", [
        ["MessageType", MESSAGE.authPollReply],
        ["ResponseCode", RESPONSE.authPending],
        ["ReplyMessage", "Authentication pending"],
        ["Delay", p.pollDelaySeconds],
      ]);
    }
    pending.delete(req.client);
    return letIn(req.client, MESSAGE.authPollReply);
  };

  const next = (req: PortalRequest): PortalResponse => {
    const orig = req.query.get("orig") ?? "";
    const sent = proxySentAt.get(req.client);
    if (p.proxySeconds > 0 && !pastProxy.has(req.client)) {
      if (sent === undefined || env.now() < sent + p.proxySeconds * 1000) return proxyPage(req.client, orig);
      pastProxy.add(req.client);
    }
    return redirectPage(orig);
  };

  return {
    intercept: (req: PortalRequest) =>
      p.proxySeconds > 0 && !pastProxy.has(req.client)
        ? proxyPage(req.client, req.url)
        : redirectPage(req.url),
    routes: [
      {
        method: "GET" as const,
        path: p.loginPath,
        handle: (req: PortalRequest) => redirectPage(req.query.get("orig") ?? ""),
      },
      { method: "POST" as const, path: p.loginPath, handle: login },
      { method: "GET" as const, path: p.nextPath, handle: next },
      { method: "GET" as const, path: p.resultsPath, handle: poll },
      {
        method: "*" as const,
        path: p.logoffPath,
        handle: (req: PortalRequest) => {
          env.deauthorize(req.client);
          pastProxy.delete(req.client);
          proxySentAt.delete(req.client);
          return reply("Logged off", "LogoffReply", [
            ["MessageType", MESSAGE.logoffNotification],
            ["ResponseCode", RESPONSE.logoffSucceeded],
          ]);
        },
      },
      {
        method: "*" as const,
        path: p.abortPath,
        handle: (req: PortalRequest) => {
          pending.delete(req.client);
          return reply("Login aborted", "AbortLoginReply", [
            ["MessageType", MESSAGE.abortLoginReply],
            ["ResponseCode", RESPONSE.loginAborted],
          ]);
        },
      },
    ],
  };
}

export const wisprBehaviour = defineBehaviour({
  params,
  build: (p) => ({ loginPath: p.loginPath, routes: (env) => gateway(p, env) }),
});
