import { z } from "zod";
import { hotspotError, isHotspotError, reasonOf } from "../errors.ts";
import type { CaptivePortalApiInfo, HttpClient } from "../helper-api/context.ts";
import type { LinkTransport } from "./link.ts";
import { forwarded, sendRaw, TransportError } from "./transport.ts";

/**
 * The RFC 8908 Captive Portal API client. The URI comes from RFC 8910 (DHCP option 114,
 * DHCPv6 103, RA 37); the API must be HTTPS with a certificate valid for its host (Node's
 * default verification), unless the network is explicitly a test network. The JSON is
 * validated with zod; unknown keys are ignored, as the RFC says.
 */

export const CAPPORT_UNRESTRICTED = "urn:ietf:params:capport:unrestricted";
/**
 * An RFC 8910 API URI as a network announced it, cleaned: surrounding whitespace and
 * trailing NULs removed (DHCP option 114 is sometimes sent as a NUL-terminated C string,
 * and config/NetworkManager values can carry stray whitespace). Undefined when nothing is left.
 */
export function cleanCapportUri(uri: string | undefined): string | undefined {
  const cleaned = uri?.replace(/^\s+|[\s\0]+$/g, "");
  return cleaned === undefined || cleaned === "" ? undefined : cleaned;
}

/**
 * Whether an announced URI (cleaned here, so callers need not) is RFC 8910's "no captive
 * portal" URN. RFC 8141 makes the `urn:` prefix and the NID case-insensitive; the NSS is
 * compared case-insensitively too, since no other URN in the capport namespace exists that
 * a different case could mean.
 */
export function isCapportUnrestricted(uri: string | undefined): boolean {
  return cleanCapportUri(uri)?.toLowerCase() === CAPPORT_UNRESTRICTED;
}

export const CAPPORT_MEDIA_TYPE = "application/captive+json";
/** Android's cap on the API's body; a real answer is a few hundred bytes. */
export const CAPPORT_MAX_BODY_BYTES = 4096;
export const CAPPORT_TIMEOUT_MS = 5_000;

const https = (allowHttp: boolean) =>
  z.url().refine((u) => u.startsWith("https:") || (allowHttp && u.startsWith("http:")), "not an HTTPS URL");

function isWebUrl(u: string): boolean {
  const scheme = u.slice(0, u.indexOf(":") + 1).toLowerCase();
  return scheme === "http:" || scheme === "https:";
}

function buildApiSchema(allowHttp: boolean) {
  // A wrong optional field costs that field, not the whole answer: only `captive` is required.
  const optional = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);
  return z.object({
    captive: z.boolean(),
    "user-portal-url": optional(https(allowHttp)),
    // A page for a person to open: a javascript:, data: or file: "venue page" is dropped.
    "venue-info-url": optional(z.url().refine(isWebUrl, "not an http(s) URL")),
    "can-extend-session": optional(z.boolean()),
    "seconds-remaining": optional(z.number().nonnegative().finite()),
    "bytes-remaining": optional(z.number().nonnegative().finite()),
  });
}

// Built once: zod compiles an object schema on its first parse, which costs more than the parse.
const API_SCHEMAS = { https: buildApiSchema(false), testNetwork: buildApiSchema(true) };
const apiSchema = (allowHttp: boolean) => (allowHttp ? API_SCHEMAS.testNetwork : API_SCHEMAS.https);

/** Whether `uri` may be used as an API URI (HTTPS, or HTTP on a test network). */
export function capportUriProblem(uri: string, allowHttp: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return "not a URL";
  }
  if (url.protocol === "https:") return undefined;
  if (url.protocol === "http:" && allowHttp) return undefined;
  return url.protocol === "http:"
    ? "the API must be HTTPS (plain HTTP only on a network marked as a test network)"
    : `unsupported scheme ${url.protocol}`;
}

/**
 * Validates an API answer.
 * @throws HH_CAPPORT_API_INVALID naming the URI and what was wrong (never the body).
 */
export function parseCapportAnswer(
  uri: string,
  status: number,
  contentType: string | undefined,
  body: string,
  allowHttp = false,
): CaptivePortalApiInfo {
  const bad = (reason: string) => hotspotError("HH_CAPPORT_API_INVALID", { url: uri, reason });
  if (status !== 200) throw bad(`HTTP ${status}`);
  const type = (contentType ?? "").split(";")[0]?.trim().toLowerCase();
  // RFC 8908 names application/captive+json; plain application/json is tolerated (some deployments send it).
  if (type !== CAPPORT_MEDIA_TYPE && type !== "application/json") {
    throw bad(`media type ${type || "(none)"}, expected ${CAPPORT_MEDIA_TYPE}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    throw bad("not valid JSON");
  }
  const parsed = apiSchema(allowHttp).safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw bad(`${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`);
  }
  const a = parsed.data;
  const info: { -readonly [K in keyof CaptivePortalApiInfo]: CaptivePortalApiInfo[K] } = {
    uri,
    captive: a.captive,
  };
  if (a["user-portal-url"] !== undefined) info.userPortalUrl = a["user-portal-url"];
  if (a["venue-info-url"] !== undefined) info.venueInfoUrl = a["venue-info-url"];
  if (a["can-extend-session"] !== undefined) info.canExtendSession = a["can-extend-session"];
  if (a["seconds-remaining"] !== undefined) info.secondsRemaining = a["seconds-remaining"];
  if (a["bytes-remaining"] !== undefined) info.bytesRemaining = a["bytes-remaining"];
  return Object.freeze(info);
}

export interface CapportFetchOptions extends LinkTransport {
  /** Accept an http:// API (test networks only). */
  readonly allowHttp?: boolean;
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
  /** The configured User-Agent (default: the transport's). */
  readonly userAgent?: string;
}

const REQUEST_HEADERS = {
  accept: CAPPORT_MEDIA_TYPE,
  "cache-control": "no-cache",
} as const;

/**
 * Queries the API once, on the link (daemon side: detection and verification).
 * @throws HH_CAPPORT_API_INVALID for a refused URI, a transport failure or a bad answer.
 */
export async function fetchCapportApi(
  uri: string,
  opts: CapportFetchOptions = {},
): Promise<CaptivePortalApiInfo> {
  const allowHttp = opts.allowHttp === true;
  const problem = capportUriProblem(uri, allowHttp);
  if (problem) throw hotspotError("HH_CAPPORT_API_INVALID", { url: uri, reason: problem });
  try {
    const res = await sendRaw({
      url: new URL(uri),
      method: "GET",
      headers: REQUEST_HEADERS,
      timeoutMs: opts.timeoutMs ?? CAPPORT_TIMEOUT_MS,
      connectTimeoutMs: Math.min(opts.timeoutMs ?? CAPPORT_TIMEOUT_MS, 3_000),
      maxBodyBytes: CAPPORT_MAX_BODY_BYTES,
      overflow: "error",
      ...forwarded(opts),
    });
    return parseCapportAnswer(
      uri,
      res.status,
      res.headers["content-type"],
      res.body.toString("utf8"),
      allowHttp,
    );
  } catch (e) {
    if (isHotspotError(e)) throw e;
    const reason = e instanceof TransportError ? e.message : reasonOf(e);
    throw hotspotError("HH_CAPPORT_API_INVALID", { url: uri, reason }, { cause: e });
  }
}

/** The API through a plugin's HttpClient (plugin side: the `capport` context helper). */
export async function queryCapportApi(
  http: HttpClient,
  uri: string,
  allowHttp = false,
): Promise<CaptivePortalApiInfo> {
  const problem = capportUriProblem(uri, allowHttp);
  if (problem) throw hotspotError("HH_CAPPORT_API_INVALID", { url: uri, reason: problem });
  let res: Awaited<ReturnType<HttpClient["get"]>>;
  try {
    res = await http.get(uri, {
      headers: REQUEST_HEADERS,
      maxBodyBytes: CAPPORT_MAX_BODY_BYTES,
      timeoutMs: CAPPORT_TIMEOUT_MS,
    });
  } catch (e) {
    throw hotspotError("HH_CAPPORT_API_INVALID", { url: uri, reason: reasonOf(e) }, { cause: e });
  }
  return parseCapportAnswer(uri, res.status, res.headers["content-type"], res.body, allowHttp);
}
