import { type LinkTransport, linkTransport } from "../auth/link.ts";
import type { UserConfig } from "../config/schema.ts";
import type { PortalInfo } from "../helper-api/context.ts";
import type { JoinedNetwork } from "../helper-api/network.ts";
import type { AuthenticateLearnt } from "./session-deps.ts";

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
 *
 * The detection engine (probes, the RFC 8908 client, WISPr and page parsing, HTTP(S) with
 * its TLS and decompression) is not imported at start: it is some twenty modules and an
 * HTML parser that a daemon waiting for a network does not need before it tells systemd it
 * is ready, nor keeps in memory while no network it could log in to is in range. It is
 * imported ahead of a join (`preload`, when a scan shows a claimed network), or else by
 * the first join itself, which then waits some 100 ms for it.
 */
export class LinkChecks {
  readonly #o: LinkChecksOptions;
  #engine: Promise<void> | undefined;

  constructor(o: LinkChecksOptions) {
    this.#o = o;
  }

  probeUrl(network: JoinedNetwork): string {
    return this.#o.probeUrlFor?.(network) ?? this.#o.connectivityCheckUri?.() ?? this.#o.config().probeUrl;
  }

  transport(network: JoinedNetwork, signal: AbortSignal): LinkTransport {
    return this.#o.transportFor ? this.#o.transportFor(network, signal) : linkTransport(network, { signal });
  }

  /**
   * Imports the detection and verification engine now, so the next join does not wait for
   * it. Resolves once loaded when this call started the import; undefined when an earlier
   * call did. A failure here is left for the join's own import to report.
   */
  preload(): Promise<void> | undefined {
    if (this.#engine) return undefined;
    this.#engine = Promise.all([import("../auth/detect.ts"), import("../auth/verify.ts")]).then(
      () => undefined,
      () => undefined,
    );
    return this.#engine;
  }

  async detect(network: JoinedNetwork, signal: AbortSignal): Promise<PortalInfo> {
    const { detectPortal } = await import("../auth/detect.ts");
    return detectPortal(this.probeUrl(network), this.#detectOptions(network, signal));
  }

  /**
   * Verification after a login. RFC 8908 asks clients to re-query the API after logging in;
   * when the engine's capport helper (src/auth, not plugin code) did that during the
   * authenticate call that just returned and the API said `captive: false`, that answer,
   * carried in the call's outcome (`learnt`), is the verification and another round trip
   * would only repeat it; likewise an `online` from the call's checkOnline() (the engine's
   * own detection on the same link). Otherwise detect again (probe, and the API in
   * parallel). Once the plugin side runs in another process these answers come from there,
   * and must be re-checked or produced by helpers the host runs itself.
   */
  async verify(
    network: JoinedNetwork,
    signal: AbortSignal,
    learnt: AuthenticateLearnt = {},
  ): Promise<{ online: boolean; portal: PortalInfo }> {
    if (learnt.checked?.verdict === "online") return { online: true, portal: learnt.checked };
    const api = learnt.capport;
    if (api && !api.captive) {
      const portal: PortalInfo = {
        verdict: "online",
        probeUrl: this.probeUrl(network),
        apiUri: api.uri,
        api,
        decidedBy: "api",
      };
      return { online: true, portal };
    }
    const { verifyOnline } = await import("../auth/verify.ts");
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
