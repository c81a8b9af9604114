import type { LookupFunction } from "node:net";
import { reasonOf } from "../errors.ts";
import type { PortalInfo } from "../helper-api/context.ts";
import { createCookieJar } from "./cookies.ts";
import { firstLink, pageTarget } from "./intercept-page.ts";
import { captivePortalLink } from "./link-header.ts";
import { forwarded, sendRaw, TransportError } from "./transport.ts";
import { readWisprMessage } from "./wispr/messages.ts";

/**
 * Captive-portal detection by one HTTP probe, classified the way Android does
 * (NetworkMonitor): 204 means online; any other 200-399 means a portal, whose login page
 * is the redirect's Location (or the probe URL itself when the page was served in place);
 * a 200 with an empty or tiny body is a broken transparent proxy, not a portal.
 * An intercepted answer is also searched for a WISPr gateway message (the XML smart
 * clients read), so a WISPr login needs no further request to find the gateway.
 */

export interface ProbeOptions {
  /** Whole exchange; default 10 000 ms (Android's socket timeout). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Source address, so the probe leaves through the joined interface. */
  readonly localAddress?: string;
  /** RFC 8910 API URI from DHCP, copied into the result. */
  readonly apiUri?: string;
  /**
   * A 200 whose body starts with this (after trimming) counts as online, for probe URLs
   * that answer a known page instead of 204 (NetworkManager's "NetworkManager is online",
   * Apple's Success page).
   */
  readonly onlineBody?: string;
  /** Name resolution override (see transport). */
  readonly lookup?: LookupFunction;
  /** Extra trusted CA certificates for https probe URLs. */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  /** Connection set-up limit; default 5 000 ms. */
  readonly connectTimeoutMs?: number;
  /** The configured User-Agent (default: the transport's, which says "wispr"). */
  readonly userAgent?: string;
}

export const DEFAULT_PROBE_TIMEOUT_MS = 10_000;
export const DEFAULT_PROBE_CONNECT_TIMEOUT_MS = 5_000;
/** Enough for any portal page's first screen; we only look at status, Location and size. */
export const PROBE_BODY_CAP_BYTES = 64 * 1024;
/** Cookies kept from one intercepted answer; a real gateway sets one or two. */
const MAX_PROBE_COOKIES = 16;
/** Android: Content-Length ≤ 4 on a 200 means a broken proxy, not a portal. */
const BROKEN_PROXY_MAX_BYTES = 4;

/** Probes `url` once without following redirects. Never throws: failures are `unreachable` with a reason. */
export async function probe(url: string, opts: ProbeOptions = {}): Promise<PortalInfo> {
  const base = { probeUrl: url, ...(opts.apiUri === undefined ? {} : { apiUri: opts.apiUri }) };
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return { ...base, verdict: "unreachable", reason: "invalid probe URL" };
  }
  if (target.protocol !== "http:" && target.protocol !== "https:") {
    return { ...base, verdict: "unreachable", reason: `unsupported probe scheme ${target.protocol}` };
  }
  try {
    const res = await sendRaw({
      url: target,
      method: "GET",
      headers: { Accept: "*/*", "Cache-Control": "no-cache" },
      ...forwarded(opts),
      timeoutMs: opts.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS,
      connectTimeoutMs: opts.connectTimeoutMs ?? DEFAULT_PROBE_CONNECT_TIMEOUT_MS,
      maxBodyBytes: PROBE_BODY_CAP_BYTES,
      overflow: "truncate",
    });
    const info = classify(target, res.status, res.headers, res.body, opts.onlineBody, base);
    if (info.verdict !== "portal") return info;
    return withWispr(withCookies(withLinkApi(info, res.headers, target), res.setCookie, target), res.body);
  } catch (e) {
    const reason = e instanceof TransportError ? e.message : String(e);
    return { ...base, verdict: "unreachable", reason };
  }
}

type Base = { probeUrl: string; apiUri?: string };

function classify(
  target: URL,
  status: number,
  headers: Readonly<Record<string, string>>,
  body: Buffer,
  onlineBody: string | undefined,
  base: Base,
): PortalInfo {
  if (status === 204) return { ...base, verdict: "online", status };
  if (status === 200) {
    // NetworkManager's check servers mark a genuine answer with this header; a portal never sends it.
    if (headers["x-networkmanager-status"]?.trim().toLowerCase() === "online") {
      return { ...base, verdict: "online", status };
    }
    if (onlineBody !== undefined && body.toString("utf8").trim().startsWith(onlineBody.trim())) {
      return { ...base, verdict: "online", status };
    }
    // A compressed body's declared length is not what the page holds: judge a decoded one by its size.
    const declared =
      headers["content-length"] === undefined || headers["content-encoding"] !== undefined
        ? Number.NaN
        : Number(headers["content-length"]);
    const size = Number.isFinite(declared) ? declared : body.length;
    if (size <= BROKEN_PROXY_MAX_BYTES) {
      return { ...base, verdict: "unreachable", status, reason: "broken proxy" };
    }
  }
  if (status === 511) {
    // RFC 6585 §6: the portal's own way of saying "log in first"; the body names the page.
    const html = body.toString("utf8");
    const loginUrl = pageTarget(html, target.href)?.url ?? firstLink(html, target.href);
    return { ...base, verdict: "portal", status, shape: "status-511", ...(loginUrl ? { loginUrl } : {}) };
  }
  if (status >= 200 && status <= 399) {
    if (status >= 300) {
      const location = headers.location;
      if (location === undefined) return { ...base, verdict: "portal", status, shape: "redirect" };
      try {
        return {
          ...base,
          verdict: "portal",
          status,
          shape: "redirect",
          loginUrl: new URL(location, target).href,
        };
      } catch {
        return { ...base, verdict: "portal", status, shape: "redirect" };
      }
    }
    const moved = pageTarget(body.toString("utf8"), target.href);
    if (moved) return { ...base, verdict: "portal", status, shape: moved.shape, loginUrl: moved.url };
    return { ...base, verdict: "portal", status, shape: "in-place", loginUrl: target.href };
  }
  return { ...base, verdict: "unreachable", status, reason: `HTTP ${status}` };
}

/** RFC 8908 §2: an intercept may name the API in a Link header; DHCP's announcement wins when both exist. */
function withLinkApi(info: PortalInfo, headers: Readonly<Record<string, string>>, target: URL): PortalInfo {
  if (info.apiUri !== undefined) return { ...info, apiSource: "dhcp" };
  const api = captivePortalLink(headers.link, target.href);
  return api === undefined ? info : { ...info, apiUri: api, apiSource: "link-header" };
}

/** Cookies the intercept set, so the login page gets them back (some gateways key the session on one). */
function withCookies(info: PortalInfo, setCookie: readonly string[], target: URL): PortalInfo {
  if (setCookie.length === 0) return info;
  const jar = createCookieJar();
  jar.setCookies(setCookie.slice(0, MAX_PROBE_COOKIES), target);
  const cookies = jar.list();
  return cookies.length === 0 ? info : { ...info, cookies };
}

/** Adds the WISPr message of an intercepted page (or why it could not be read). */
function withWispr(info: PortalInfo, body: Buffer): PortalInfo {
  try {
    const wispr = readWisprMessage(body.toString("utf8"));
    return wispr === undefined ? info : { ...info, wispr };
  } catch (e) {
    return { ...info, wisprError: reasonOf(e) };
  }
}
