import { hotspotError } from "../../errors.ts";
import type {
  HttpClient,
  HttpResponse,
  PortalInfo,
  WisprClient,
  WisprGatewayInfo,
  WisprLoginOutcome,
  WisprLoginRequest,
} from "../../helper-api/context.ts";
import type { AuthenticateResult } from "../../helper-api/results.ts";
import { pause } from "../../util/pause.ts";
import { MESSAGE_TYPE, RESPONSE_CODE, readWisprMessage } from "./messages.ts";

/**
 * The WISPr 1.0 smart client, with what WISPr 2.0 adds short of EAP: Proxy notifications
 * (110) followed through NextURL after Delay, the login POST, authentication-pending (201)
 * polling of LoginResultsURL after Delay with a cap, every response code mapped to a hook
 * result, LogoffURL kept for logoff, and version negotiation. ConnMan's client ignores
 * NextURL, Delay and LoginResultsURL and never logs off; we do all of them.
 *
 * All traffic goes through the plugin's HttpClient, so the credential guard decides
 * whether the gateway's LoginURL may receive the password (declared host, TLS).
 */

export interface WisprClientOptions {
  /** Proxy notifications followed at most. */
  readonly maxProxyHops?: number;
  /** LoginResultsURL polls at most. */
  readonly maxPolls?: number;
  /** Cap on one Delay the gateway asks for, seconds. */
  readonly maxDelaySeconds?: number;
  /** Waits `ms` (cut short by the signal); injectable so tests need not sleep. */
  readonly sleep?: (ms: number, signal: AbortSignal | undefined) => Promise<void>;
  readonly signal?: AbortSignal;
}

export const WISPR_MAX_PROXY_HOPS = 5;
export const WISPR_MAX_POLLS = 10;
export const WISPR_MAX_DELAY_SECONDS = 30;
/** Redirects followed when looking for a gateway message behind a page. */
const DISCOVER_HOPS = 3;

/** WISPr version numbers as numbers (`"2.0"` → 2); undefined when absent or garbage. */
function version(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number.parseFloat(v);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Where a gateway's redirect points. A Location that is not a URL (`http://[bad`) is the
 * gateway's fault: it becomes HH_WISPR_INVALID rather than URL's bare TypeError.
 */
function redirectTarget(location: string, base: string): URL {
  try {
    return new URL(location, base);
  } catch (e) {
    const shown = JSON.stringify(location.length > 200 ? `${location.slice(0, 200)}…` : location);
    throw hotspotError(
      "HH_WISPR_INVALID",
      { reason: `the redirect's Location ${shown} is not a URL` },
      { cause: e },
    );
  }
}

/** Maps an authentication or poll reply's code to the hook result (201 is handled by polling). */
export function wisprResult(msg: WisprGatewayInfo): AuthenticateResult {
  const said = msg.replyMessage ? `: ${msg.replyMessage}` : "";
  switch (msg.responseCode) {
    case RESPONSE_CODE.loginSucceeded:
      return { result: "success", ...(msg.logoffUrl ? { session: { logoffUrl: msg.logoffUrl } } : {}) };
    case RESPONSE_CODE.loginFailed:
      return { result: "failure", reason: `the gateway rejected the login (100)${said}` };
    case RESPONSE_CODE.radiusError:
      return {
        result: "temporaryFailure",
        reason: `the gateway's RADIUS server failed or timed out (102)${said}`,
      };
    case RESPONSE_CODE.networkAdminError:
      return { result: "temporaryFailure", reason: `network administrator error (105)${said}` };
    case RESPONSE_CODE.loginAborted:
      return { result: "failure", reason: `the login was aborted (151)${said}` };
    case RESPONSE_CODE.eapMoreRounds:
      return {
        result: "unsupportedNetwork",
        reason: "the gateway wants EAP authentication (WISPr 2.0, code 10)",
      };
    case RESPONSE_CODE.mtuTooBig:
      return { result: "failure", reason: `AAA MTU too big (253)${said}` };
    case RESPONSE_CODE.protocolError:
      return { result: "failure", reason: `the gateway reported a protocol error (254)${said}` };
    case RESPONSE_CODE.gatewayInternalError:
      return { result: "temporaryFailure", reason: `access gateway internal error (255)${said}` };
    case RESPONSE_CODE.authenticationPending:
      return {
        result: "temporaryFailure",
        reason: "authentication still pending after the polling cap (201)",
      };
    default:
      return { result: "failure", reason: `unexpected WISPr response code ${msg.responseCode}${said}` };
  }
}

/** The WISPr client on a plugin's context, bound to its HttpClient and the detected portal. */
export function createWisprClient(
  http: HttpClient,
  portal: PortalInfo,
  opts: WisprClientOptions = {},
): WisprClient {
  const maxHops = opts.maxProxyHops ?? WISPR_MAX_PROXY_HOPS;
  const maxPolls = opts.maxPolls ?? WISPR_MAX_POLLS;
  const maxDelay = opts.maxDelaySeconds ?? WISPR_MAX_DELAY_SECONDS;
  const sleep = opts.sleep ?? pause;
  const wait = (seconds: number | undefined) =>
    sleep(Math.min(Math.max(seconds ?? 0, 0), maxDelay) * 1000, opts.signal);

  /** The message in a response, or behind its redirects (a gateway may answer with a 302 to a results page). */
  const messageIn = async (res: HttpResponse): Promise<WisprGatewayInfo | undefined> => {
    let current = res;
    for (let hop = 0; ; hop++) {
      const found = readWisprMessage(current.body);
      if (found) return found;
      const location = current.headers.location;
      if (hop >= DISCOVER_HOPS || current.status < 300 || current.status > 399 || location === undefined)
        return undefined;
      current = await http.get(redirectTarget(location, current.url));
    }
  };

  /** Follows Proxy notifications (110) until a Redirect (100) or something else. */
  const throughProxies = async (first: WisprGatewayInfo): Promise<WisprGatewayInfo> => {
    let msg = first;
    for (let hop = 0; msg.messageType === MESSAGE_TYPE.proxy; hop++) {
      if (hop >= maxHops || msg.nextUrl === undefined) return msg;
      await wait(msg.delaySeconds);
      const next = await messageIn(await http.get(msg.nextUrl));
      if (!next) return msg;
      msg = next;
    }
    return msg;
  };

  const discover = async (url?: string): Promise<WisprGatewayInfo | undefined> => {
    if (url === undefined && portal.wispr) return throughProxies(portal.wispr);
    const start = url ?? portal.loginUrl ?? portal.probeUrl;
    const found = await messageIn(await http.get(start));
    return found ? throughProxies(found) : undefined;
  };

  const poll = async (first: WisprGatewayInfo): Promise<WisprGatewayInfo> => {
    let msg = first;
    for (let i = 0; i < maxPolls && msg.responseCode === RESPONSE_CODE.authenticationPending; i++) {
      const url = msg.loginResultsUrl ?? first.loginResultsUrl;
      if (url === undefined) return msg;
      await wait(msg.delaySeconds ?? 1);
      const next = await messageIn(await http.get(url));
      if (!next) return msg;
      // Poll replies may omit LoginResultsURL and LogoffURL: keep what we had.
      msg = {
        ...next,
        ...(next.loginResultsUrl === undefined ? { loginResultsUrl: url } : {}),
        ...(next.logoffUrl === undefined && msg.logoffUrl !== undefined ? { logoffUrl: msg.logoffUrl } : {}),
      };
    }
    return msg;
  };

  const login = async (req: WisprLoginRequest): Promise<WisprLoginOutcome> => {
    const gateway = req.gateway ? await throughProxies(req.gateway) : await discover();
    if (!gateway)
      return { result: { result: "unsupportedNetwork", reason: "no WISPr gateway message found" } };
    if (gateway.messageType !== MESSAGE_TYPE.redirect || gateway.loginUrl === undefined) {
      return {
        gateway,
        result: {
          result: "unsupportedNetwork",
          reason: `the gateway sent message ${gateway.messageType}, not a redirect with a LoginURL`,
        },
      };
    }
    // A Redirect is (100, 0) (MESSAGE_TYPE and RESPONSE_CODE in messages.ts): any other code means the gateway is not
    // inviting a login, and posting the password anyway would be guessing.
    if (gateway.responseCode !== RESPONSE_CODE.noError) {
      throw hotspotError("HH_WISPR_INVALID", {
        reason: `the Redirect carries ResponseCode ${gateway.responseCode}, not 0`,
      });
    }
    const low = version(gateway.versionLow);
    const high = version(gateway.versionHigh);
    if (low !== undefined && low > 2) {
      return {
        gateway,
        result: { result: "unsupportedNetwork", reason: `the gateway needs WISPr ${gateway.versionLow}` },
      };
    }
    const form = new URLSearchParams({
      UserName: req.username,
      Password: req.password,
      button: "Login",
      FNAME: "0",
      OriginatingServer: req.originatingServer ?? portal.probeUrl,
    });
    // WISPr 2.0: say which version we speak when the gateway offers 2.0 (no EAP: we post credentials).
    if (high !== undefined && high >= 2) form.set("WISPrVersion", "2.0");
    const reply = await messageIn(
      await http.post(gateway.loginUrl, form, req.realm === undefined ? {} : { realm: req.realm }),
    );
    if (!reply)
      return {
        gateway,
        result: {
          result: "temporaryFailure",
          reason: "the gateway answered the login without a WISPr reply",
        },
      };
    const final = reply.responseCode === RESPONSE_CODE.authenticationPending ? await poll(reply) : reply;
    const outcome: WisprLoginOutcome = { gateway, reply: final, result: wisprResult(final) };
    return final.logoffUrl === undefined ? outcome : { ...outcome, logoffUrl: final.logoffUrl };
  };

  const logoff = async (logoffUrl: string) => {
    const res = await http.get(logoffUrl, { followRedirects: true });
    let reply: WisprGatewayInfo | undefined;
    try {
      reply = readWisprMessage(res.body);
    } catch {
      reply = undefined;
    }
    if (reply === undefined) return { ok: res.status < 400 };
    return { ok: reply.responseCode === RESPONSE_CODE.logoffSucceeded, responseCode: reply.responseCode };
  };

  return { discover, login, logoff };
}
