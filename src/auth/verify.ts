import type { PortalInfo } from "../helper-api/context.ts";
import { pause } from "../util/pause.ts";
import { type DetectOptions, detectPortal } from "./detect.ts";

/**
 * After a plugin says it logged in, believe the network, not the plugin: detect again (probe,
 * and the RFC 8908 API when there is one) until the answer is online. Portals often open the walled garden a moment after the
 * "welcome" page (the gateway learns of the login asynchronously), so a few attempts with
 * a short, doubling delay are made; the total is bounded by attempts × (timeout + delay).
 */

export interface VerifyOptions extends DetectOptions {
  /** Probes to make at most; default 3. */
  readonly attempts?: number;
  /** Delay before the second probe, doubling after each; default 250 ms. */
  readonly delayMs?: number;
  /** Cap for the doubling delay; default 2 000 ms. */
  readonly maxDelayMs?: number;
  /** How to wait between attempts (tests record the delays instead); default a timer that the signal cuts short. */
  readonly sleep?: (ms: number, signal: AbortSignal | undefined) => Promise<void>;
}

export interface VerifyResult {
  readonly online: boolean;
  /** The last probe's answer. */
  readonly portal: PortalInfo;
  /** How many probes were made. */
  readonly attempts: number;
}

/** Re-probes `probeUrl` until it answers online or the attempts run out. Never throws for network problems. */
export async function verifyOnline(probeUrl: string, opts: VerifyOptions = {}): Promise<VerifyResult> {
  const attempts = Math.max(1, Math.floor(opts.attempts ?? 3));
  const maxDelay = opts.maxDelayMs ?? 2_000;
  let delay = opts.delayMs ?? 250;
  let portal: PortalInfo = { verdict: "unreachable", probeUrl, reason: "not probed" };
  for (let i = 1; i <= attempts; i++) {
    // With an RFC 8908 API the API is re-queried alongside the probe (in parallel: no extra round trip).
    portal = await detectPortal(probeUrl, opts);
    if (portal.verdict === "online") return { online: true, portal, attempts: i };
    if (i === attempts || opts.signal?.aborted) return { online: false, portal, attempts: i };
    await (opts.sleep ?? pause)(Math.min(delay, maxDelay), opts.signal);
    delay *= 2;
  }
  return { online: false, portal, attempts };
}
