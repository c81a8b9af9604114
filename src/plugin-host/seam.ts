import type { CaptivePortalApiInfo, PortalInfo, SessionInfo } from "../helper-api/context.ts";
import type { JoinedNetwork, ScannedNetwork } from "../helper-api/network.ts";
import type { HookName } from "../helper-api/plugin.ts";

/**
 * What crosses the seam between the host (deadlines, validation, arbitration, the daemon's
 * state) and the plugin's side (the plugin's code and the capabilities built for it). Only
 * plain data crosses, in both directions: a request naming the hook and carrying the
 * network, the portal as detected and the session; an answer carrying the hook's raw value
 * and what the plugin's traffic learnt on the way (the RFC 8908 API's latest answer). So the
 * plugin side can move into a worker or a child process by sending these over a channel;
 * nothing a plugin author wrote changes. See docs/plugin-host.md.
 */

/** One hook call, as plain data. */
export type HookRequest =
  | { readonly hook: "filterScanList"; readonly networks: readonly ScannedNetwork[] }
  | {
      readonly hook: "evaluate" | "authenticate";
      readonly network: JoinedNetwork;
      readonly portal: PortalInfo;
    }
  | {
      readonly hook: "maintain" | "logoff";
      readonly network: JoinedNetwork;
      readonly portal: PortalInfo;
      readonly session: SessionInfo;
    };

/** What the plugin side hands back: the hook's value (validated by the host) and side facts. */
export interface HookAnswer {
  /** Whatever the hook returned; the host checks it against the hook's result schema. */
  readonly value: unknown;
  /**
   * The last valid RFC 8908 answer the plugin's `capport` helper received during the call.
   * The daemon may take a fresh `captive: false` as the login's verification.
   */
  readonly capport?: CaptivePortalApiInfo;
  /** The last answer of the hook's `checkOnline()` (the engine's own detection on the link). */
  readonly checked?: PortalInfo;
}

/** A hook's validated result, with the side facts of the call that produced it. */
export interface HookOutcome<T> {
  readonly result: T;
  readonly capport?: CaptivePortalApiInfo;
  readonly checked?: PortalInfo;
}

export type { HookName };
