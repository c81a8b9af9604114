import { reasonOf } from "../errors.ts";
import type { CaptivePortalApiInfo, PortalInfo } from "../helper-api/context.ts";
import { cleanCapportUri, fetchCapportApi, isCapportUnrestricted } from "./capport.ts";
import { httpsProbe } from "./https-probe.ts";
import { followLoginChain } from "./login-chain.ts";
import { DEFAULT_PROBE_TIMEOUT_MS, type ProbeOptions, probe } from "./probe.ts";
import { forwarded } from "./transport.ts";

/**
 * Detection: one PortalInfo from the probe and, when the network announced one (RFC 8910),
 * the RFC 8908 API, queried in parallel so the API costs no extra round trip. WISPr XML in
 * the intercepted page is read by the probe.
 *
 * How the answers combine: the API is the portal's own word, so `captive: true` means a
 * portal even when the probe host happens to be let through, and its user-portal-url is
 * the login page. `captive: false` means online unless the probe is still intercepted
 * (then we believe what we see). An API that is unusable (not HTTPS, down, malformed) is
 * noted in `apiError` and the probe decides alone. `urn:ietf:params:capport:unrestricted`
 * means there is no portal at all: nothing is probed.
 */

export interface DetectOptions extends ProbeOptions {
  /** Accept an http:// API URI: only for networks explicitly marked as test networks. */
  readonly allowHttpApi?: boolean;
  /**
   * An HTTPS probe run alongside the plain one (Android runs both). Its certificate failing
   * on a captive network is the portal intercepting TLS: reported in `httpsProbe`, never
   * deciding the verdict.
   */
  readonly httpsProbeUrl?: string;
}

export async function detectPortal(probeUrl: string, opts: DetectOptions = {}): Promise<PortalInfo> {
  const apiUri = cleanCapportUri(opts.apiUri);
  if (apiUri !== undefined && isCapportUnrestricted(apiUri)) {
    return {
      verdict: "online",
      probeUrl,
      apiUri,
      decidedBy: "dhcp",
      reason: "the network announced no captive portal (RFC 8910 unrestricted)",
    };
  }
  const apiOptions = {
    allowHttp: opts.allowHttpApi === true,
    ...forwarded(opts),
  };
  const queryApi = (uri: string): Promise<CaptivePortalApiInfo | Error> =>
    fetchCapportApi(uri, apiOptions).catch((e: unknown) => (e instanceof Error ? e : new Error(reasonOf(e))));
  const httpsQuery = opts.httpsProbeUrl === undefined ? undefined : httpsProbe(opts.httpsProbeUrl, opts);
  const [probed, dhcpApi] = await Promise.all([
    probe(probeUrl, { ...opts, ...(apiUri === undefined ? {} : { apiUri }) }),
    apiUri === undefined ? undefined : queryApi(apiUri),
  ]);
  // An API named only by the intercept's Link header is queried once the probe has seen it.
  const api =
    dhcpApi ??
    (probed.apiSource === "link-header" && probed.apiUri !== undefined
      ? await queryApi(probed.apiUri)
      : undefined);
  const combined = combine(probed, api);
  const walked = await walkToLoginPage(combined, opts);
  if (httpsQuery === undefined || opts.httpsProbeUrl === undefined) return walked;
  // The HTTPS probe only informs: it may not hold up a verdict the HTTP side already has.
  const https = await settledWithin(httpsQuery, HTTPS_GRACE_MS);
  return {
    ...walked,
    httpsProbe: https ?? {
      url: opts.httpsProbeUrl,
      verdict: "unreachable",
      reason: `no answer within ${HTTPS_GRACE_MS} ms of the HTTP probe's verdict`,
    },
  };
}

/** How long detection waits for the HTTPS probe once the HTTP side has decided. */
const HTTPS_GRACE_MS = 500;

function settledWithin<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** Page moves (and a 511's named page) lead on to the login page: walk them unless the API already named it. */
async function walkToLoginPage(info: PortalInfo, opts: DetectOptions): Promise<PortalInfo> {
  const movedOn =
    info.shape === "meta-refresh" || info.shape === "script-redirect" || info.shape === "status-511";
  if (info.verdict !== "portal" || !movedOn || info.loginUrl === undefined) return info;
  if (info.decidedBy === "api" && info.api?.userPortalUrl !== undefined) return info;
  const walk = await followLoginChain(info.loginUrl, {
    timeoutMs: opts.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS,
    ...(opts.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: opts.connectTimeoutMs }),
    ...forwarded(opts),
    ...(info.cookies === undefined ? {} : { cookies: info.cookies }),
  });
  return {
    ...info,
    loginUrl: walk.loginUrl,
    loginChain: walk.chain,
    ...(walk.cookies.length === 0 ? {} : { cookies: walk.cookies }),
    ...(walk.error === undefined ? {} : { loginChainError: walk.error }),
  };
}

/** The single PortalInfo from a probe result and an API answer (or its failure). */
export function combine(probed: PortalInfo, api: CaptivePortalApiInfo | Error | undefined): PortalInfo {
  if (api === undefined) return { ...probed, decidedBy: "probe" };
  if (api instanceof Error) return { ...probed, apiError: api.message, decidedBy: "probe" };
  if (api.captive) {
    const { reason: _unused, ...rest } = probed;
    return {
      ...rest,
      verdict: "portal",
      api,
      decidedBy: "api",
      ...(api.userPortalUrl !== undefined ? { loginUrl: api.userPortalUrl } : {}),
    };
  }
  if (probed.verdict === "portal") return { ...probed, api, decidedBy: "probe" };
  const { reason: _unused, loginUrl: _none, ...rest } = probed;
  return { ...rest, verdict: "online", api, decidedBy: "api" };
}
