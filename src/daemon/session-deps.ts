import type { UserConfig } from "../config/schema.ts";
import type { HotspotError } from "../errors.ts";
import type { PortalInfo } from "../helper-api/context.ts";
import type { JoinedNetwork } from "../helper-api/network.ts";
import type { ClaimMatch } from "../helper-api/registry-types.ts";
import type { AuthenticateResult, SessionFacts } from "../helper-api/results.ts";
import type { HookOutcome } from "../plugin-host/seam.ts";
import type { Clock } from "./clock.ts";
import type { StateChange } from "./events.ts";
import type { PluginCalls } from "./plugin-calls.ts";
import type { ChoiceCache } from "./state/choices.ts";
import type { FailureLog } from "./state/records.ts";
import type { SessionRecords } from "./state/saved-sessions.ts";

/** What an authenticate call's traffic learnt on the way (see HookOutcome). */
export type AuthenticateLearnt = Omit<HookOutcome<AuthenticateResult>, "result">;

/** What a session needs from the daemon around it. Read live: a reload swaps config and calls. */
export interface SessionDeps {
  readonly config: UserConfig;
  readonly calls: PluginCalls;
  /** Finds the portal on the joined link (probe, RFC 8910 URI). Never throws for network trouble. */
  detect(network: JoinedNetwork, signal: AbortSignal): Promise<PortalInfo>;
  /** Re-probes after a login; true when the network is really open. */
  /**
   * Confirms a login: `learnt` is what the authenticate call's own traffic saw (the RFC 8908
   * API's answer, a `checkOnline()`), which may already be the proof.
   */
  verify(
    network: JoinedNetwork,
    signal: AbortSignal,
    learnt: AuthenticateLearnt,
  ): Promise<{ online: boolean; portal: PortalInfo }>;
  /** Claims on this network from the latest scan (static + dynamic), best first. */
  claimsFor(network: JoinedNetwork): readonly ClaimMatch[];
  /** Per-network cache of the chosen plugin (Apple's helper cache): skips evaluate on rejoin. */
  readonly winners: ChoiceCache;
  /**
   * Saved sessions by device and network, so a restarted daemon, or a device back on a
   * network whose portal still remembers it, resumes instead of logging in again. Default: none.
   */
  readonly records?: SessionRecords;
  /** Failed logins per network, for the backoff on the next join. Default: none kept. */
  readonly failures?: FailureLog;
  /** 0..1, spreads maintains (see planMaintain). Default: no spread. */
  random?(): number;
  /** Epoch ms. Default Date.now. */
  now?(): number;
  /**
   * Timers on the same clock as `now`, for maintain and the login backoff. Default: the
   * global setTimeout (so node:test mock timers drive them).
   */
  timer?: Clock["timer"];
  /** Asks the network manager to re-check connectivity, so the desktop turns online at once. */
  recheckConnectivity?(): Promise<void>;
  /**
   * Steers traffic from the link's address out of its interface (policy routing), awaited
   * after a join before detection and started again on a roam. Resolves even when it could
   * not (the login then relies on the source address alone).
   */
  pinLink?(network: JoinedNetwork): Promise<void>;
  /** Undoes `pinLink`: the network was left or the daemon stops. */
  unpinLink?(): void;
  onState(change: StateChange): void;
  onPortal(portal: PortalInfo): void;
  onEvaluated(ranked: readonly ClaimMatch[]): void;
  onAuthenticated(pluginId: string, facts: SessionFacts): void;
  onUiRequired(pluginId: string, url: string): void;
  onMaintained(pluginId: string, result: "success" | "authenticationRequired" | "failure"): void;
  onLoggedOff(pluginId: string): void;
  onProblem(error: HotspotError): void;
  /** Something in `summary()` changed. */
  onSummary?(): void;
}

export function networkKey(n: { ssidHex: string }): string {
  return `ssid:${n.ssidHex}`;
}
