import { createHash } from "node:crypto";
import { hotspotError } from "../errors.ts";
import type { HttpClient, PortalInfo, UamClient, UamLoginOutcome, UamParams } from "../helper-api/context.ts";
import type { AuthenticateResult } from "../helper-api/results.ts";

/**
 * UAM login as CoovaChilli (and ChilliSpot before it) define it. The gateway redirects a
 * captured client to its UAM server with `res=notyet&uamip=…&uamport=…&challenge=…` in
 * the query; the client logs in at `http://uamip:uamport/logon` with the username and a
 * CHAP response, MD5(0x00 ‖ password ‖ challenge), where the challenge is first hashed
 * with the UAM secret when the operator set one (hotspotlogin.cgi: MD5(challenge ‖ secret)).
 * The password itself never crosses the network. Chilli answers with a redirect whose
 * `res` says how it went: success, already (logged in), failed (with `reply`), notyet.
 */

const md5 = (data: Buffer): Buffer => createHash("md5").update(data).digest();

/** The CHAP response in hex for `password` and the gateway's hex `challenge`. */
export function chapResponse(password: string, challengeHex: string, uamSecret?: string): string {
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(challengeHex)) {
    throw hotspotError("HH_UAM_INVALID", { reason: "the challenge is not hex" });
  }
  let challenge: Buffer = Buffer.from(challengeHex, "hex");
  if (uamSecret !== undefined && uamSecret !== "") {
    challenge = md5(Buffer.concat([challenge, Buffer.from(uamSecret, "utf8")]));
  }
  return md5(Buffer.concat([Buffer.from([0]), Buffer.from(password, "utf8"), challenge])).toString("hex");
}

/** The UAM parameters in a login URL's query, or undefined when it is not a UAM redirect. */
export function uamParams(url: string | undefined): UamParams | undefined {
  if (url === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const q = parsed.searchParams;
  const uamip = q.get("uamip");
  const uamport = q.get("uamport");
  const challenge = q.get("challenge");
  if (!uamip || !uamport || !challenge || !/^\d{1,5}$/.test(uamport)) return undefined;
  const out: { -readonly [K in keyof UamParams]: UamParams[K] } = {
    loginUrl: url,
    uamip,
    uamport,
    challenge,
  };
  for (const key of ["res", "userurl", "called", "mac", "ip", "nasid", "sessionid"] as const) {
    const v = q.get(key);
    if (v !== null) out[key] = v;
  }
  return Object.freeze(out);
}

function gatewayBase(p: UamParams): string {
  const host = p.uamip.includes(":") ? `[${p.uamip}]` : p.uamip;
  return `http://${host}:${p.uamport}`;
}

/** Chilli's verdict from where it sent us (`res=` in the Location, or in the final URL). */
function verdict(res: string | null, reply: string | null, logoffUrl: string): AuthenticateResult {
  const said = reply ? `: ${reply}` : "";
  switch (res) {
    case "success":
    case "already":
      return { result: "success", session: { logoffUrl } };
    case "failed":
      return { result: "failure", reason: `the gateway rejected the login${said}` };
    case "notyet":
      return { result: "temporaryFailure", reason: `the gateway has not let us in yet${said}` };
    default:
      return { result: "temporaryFailure", reason: `unexpected UAM answer res=${res ?? "(none)"}` };
  }
}

export function createUamClient(http: HttpClient, portal: PortalInfo): UamClient {
  return {
    params: (url) => uamParams(url ?? portal.loginUrl),
    async login(req): Promise<UamLoginOutcome> {
      const params = req.params ?? uamParams(portal.loginUrl);
      if (!params) {
        return {
          result: { result: "unsupportedNetwork", reason: "the login URL carries no UAM parameters" },
        };
      }
      const base = gatewayBase(params);
      const logon = new URL(`${base}/logon`);
      logon.searchParams.set("username", req.username);
      logon.searchParams.set("response", chapResponse(req.password, params.challenge, req.uamSecret));
      if (params.userurl !== undefined) logon.searchParams.set("userurl", params.userurl);
      const logoffUrl = `${base}/logoff`;
      const res = await http.get(logon);
      let where: URL | undefined;
      try {
        where =
          res.headers.location === undefined ? new URL(res.url) : new URL(res.headers.location, res.url);
      } catch {
        where = undefined;
      }
      const answer = where?.searchParams.get("res") ?? null;
      if (answer === null && res.status >= 500) {
        return {
          params,
          result: { result: "temporaryFailure", reason: `the gateway answered ${res.status}` },
        };
      }
      return {
        params,
        logoffUrl,
        result: verdict(answer, where?.searchParams.get("reply") ?? null, logoffUrl),
      };
    },
  };
}
