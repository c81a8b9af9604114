import type { PortalInfo } from "../helper-api/context.ts";
import { DEFAULT_PROBE_CONNECT_TIMEOUT_MS, DEFAULT_PROBE_TIMEOUT_MS, type ProbeOptions } from "./probe.ts";
import { forwarded, sendRaw, TransportError } from "./transport.ts";

/**
 * The HTTPS probe Android runs next to the plain one. On a captive network a TLS request is
 * either dropped or answered by the portal with a certificate for its own name (or a
 * self-signed one), which fails verification: that failure is evidence of a portal, so it
 * is reported as `portal` with the certificate's complaint, not as `unreachable`. It only
 * informs: the plain-HTTP probe still decides, because a certificate can fail for reasons
 * that have nothing to do with a portal (a clock far off, an intercepting company proxy).
 */

export type HttpsProbeResult = NonNullable<PortalInfo["httpsProbe"]>;

/** OpenSSL and Node error codes that mean "the certificate did not verify". */
const CERTIFICATE_CODE =
  /^(?:ERR_TLS_CERT_ALTNAME_INVALID|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(?:_LOCALLY)?|CERT_[A-Z_]+|HOSTNAME_MISMATCH)$/;

function certificateCode(e: unknown): string | undefined {
  const cause = e instanceof TransportError ? e.cause : e;
  if (!(cause instanceof Error) || !("code" in cause) || typeof cause.code !== "string") return undefined;
  return CERTIFICATE_CODE.test(cause.code) ? cause.code : undefined;
}

export async function httpsProbe(url: string, opts: ProbeOptions = {}): Promise<HttpsProbeResult> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return { url, verdict: "unreachable", reason: "invalid HTTPS probe URL" };
  }
  if (target.protocol !== "https:") return { url, verdict: "unreachable", reason: "not an https:// URL" };
  try {
    const res = await sendRaw({
      url: target,
      method: "GET",
      headers: { Accept: "*/*", "Cache-Control": "no-cache" },
      timeoutMs: opts.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS,
      connectTimeoutMs: opts.connectTimeoutMs ?? DEFAULT_PROBE_CONNECT_TIMEOUT_MS,
      maxBodyBytes: 4096,
      overflow: "truncate",
      ...forwarded(opts),
    });
    if (res.status === 204) return { url, verdict: "online" };
    if (res.status >= 200 && res.status < 400)
      return { url, verdict: "portal", reason: `HTTP ${res.status}` };
    if (res.status === 511) return { url, verdict: "portal", reason: "HTTP 511" };
    return { url, verdict: "unreachable", reason: `HTTP ${res.status}` };
  } catch (e) {
    const code = certificateCode(e);
    const reason = e instanceof Error ? e.message : String(e);
    if (code !== undefined)
      return { url, verdict: "portal", reason: `certificate did not verify: ${reason}` };
    return { url, verdict: "unreachable", reason };
  }
}
