import { detectPortal } from "../auth/detect.ts";
import { type LinkTransport, linkTransport } from "../auth/link.ts";
import { verifyOnline } from "../auth/verify.ts";
import type { UserConfig } from "../config/schema.ts";
import type { CaptivePortalApiInfo, PortalInfo } from "../helper-api/context.ts";
import type { JoinedNetwork } from "../helper-api/network.ts";
import type { AuthenticateResult } from "../helper-api/results.ts";
import type { HookOutcome } from "../plugin-host/seam.ts";

/** How recent an API answer must be to stand for verification. */
const FRESH_API_ANSWER_MS = 2_000;

export interface LinkChecksOptions {
  /** The config in force (read live: a reload may change the probe URL or User-Agent). */
  config(): UserConfig;
  probeUrlFor?(network: JoinedNetwork): string;
  connectivityCheckUri?(): string | undefined;
  transportFor?(network: JoinedNetwork, signal: AbortSignal): LinkTransport;
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  readonly testNetwork?: boolean;
  readonly verifyAttempts?: number;
  readonly verifyDelayMs?: number;
}

/**
 * The daemon's own look at a joined link: which probe URL, how traffic is pinned to the
 * link, portal detection, and verification after a login. Engine code, never plugin code.
 */
export class LinkChecks {
  readonly #o: LinkChecksOptions;
  /** The RFC 8908 answer the last authenticate's traffic got on each link, from the host's outcome (see verify). */
  readonly #capportSeen = new Map<string, { readonly info: CaptivePortalApiInfo; readonly at: number }>();
  /** The last `checkOnline()` answer the last authenticate got on each link, from the host's outcome (see verify). */
  readonly #detectedByHook = new Map<string, { readonly portal: PortalInfo; readonly at: number }>();

  constructor(o: LinkChecksOptions) {
    this.#o = o;
  }

  probeUrl(network: JoinedNetwork): string {
    return this.#o.probeUrlFor?.(network) ?? this.#o.connectivityCheckUri?.() ?? this.#o.config().probeUrl;
  }

  transport(network: JoinedNetwork, signal: AbortSignal): LinkTransport {
    return this.#o.transportFor ? this.#o.transportFor(network, signal) : linkTransport(network, { signal });
  }

  detect(network: JoinedNetwork, signal: AbortSignal): Promise<PortalInfo> {
    return detectPortal(this.probeUrl(network), this.#detectOptions(network, signal));
  }

  /** What an authenticate call saw on its link, for `verify`. */
  noteLogin(network: JoinedNetwork, outcome: HookOutcome<AuthenticateResult>): void {
    const at = performance.now();
    if (outcome.capport) this.#capportSeen.set(linkKey(network), { info: outcome.capport, at });
    if (outcome.checked) this.#detectedByHook.set(linkKey(network), { portal: outcome.checked, at });
  }

  /**
   * Verification after a login. RFC 8908 asks clients to re-query the API after logging in;
   * when the engine's own capport client (src/auth, not plugin code) did that moments ago
   * and the API said `captive: false`, that answer is the verification and another round
   * trip would only repeat it. Otherwise detect again (probe, and the API in parallel).
   * When plugins move out of process this shortcut must go with the helper's answers.
   */
  async verify(
    network: JoinedNetwork,
    signal: AbortSignal,
  ): Promise<{ online: boolean; portal: PortalInfo }> {
    const key = linkKey(network);
    const seen = this.#capportSeen.get(key);
    this.#capportSeen.delete(key);
    // Likewise a hook's checkOnline() is the daemon's own detection (engine code, same link):
    // an `online` from it a moment ago is the verification.
    const detected = this.#detectedByHook.get(key);
    this.#detectedByHook.delete(key);
    if (detected?.portal.verdict === "online" && performance.now() - detected.at < FRESH_API_ANSWER_MS) {
      return { online: true, portal: detected.portal };
    }
    if (seen && !seen.info.captive && performance.now() - seen.at < FRESH_API_ANSWER_MS) {
      const portal: PortalInfo = {
        verdict: "online",
        probeUrl: this.probeUrl(network),
        apiUri: seen.info.uri,
        api: seen.info,
        decidedBy: "api",
      };
      return { online: true, portal };
    }
    return verifyOnline(this.probeUrl(network), {
      ...this.#detectOptions(network, signal),
      attempts: this.#o.verifyAttempts ?? 3,
      delayMs: this.#o.verifyDelayMs ?? 500,
    });
  }

  /** Probe and RFC 8908 API options for one detection on the joined link. */
  #detectOptions(network: JoinedNetwork, signal: AbortSignal) {
    const link = this.transport(network, signal);
    const config = this.#o.config();
    return {
      signal,
      ...(network.captivePortalUri ? { apiUri: network.captivePortalUri } : {}),
      ...(link.localAddress === undefined ? {} : { localAddress: link.localAddress }),
      ...(link.lookup === undefined ? {} : { lookup: link.lookup }),
      ...(this.#o.ca === undefined ? {} : { ca: this.#o.ca }),
      ...(this.#o.testNetwork === true ? { allowHttpApi: true } : {}),
      ...(config.userAgent === undefined ? {} : { userAgent: config.userAgent }),
      ...(config.httpsProbeUrl === undefined ? {} : { httpsProbeUrl: config.httpsProbeUrl }),
    };
  }
}

function linkKey(n: JoinedNetwork): string {
  return `${n.interface}|${n.ssidHex}`;
}
