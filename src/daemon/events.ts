import type { HotspotError } from "../errors.ts";
import type { PortalInfo } from "../helper-api/context.ts";
import type { JoinedNetwork, ScannedNetwork } from "../helper-api/network.ts";
import type { ClaimMatch } from "../helper-api/registry-types.ts";
import type { SessionFacts } from "../helper-api/results.ts";
import type { SessionState } from "./states.ts";

export interface StateChange {
  readonly device: string;
  readonly from: SessionState;
  readonly to: SessionState;
  readonly network?: JoinedNetwork;
  readonly pluginId?: string;
  /** Why, in a few words, for the timeline and logs. Never contains secrets. */
  readonly reason: string;
}

export interface DaemonEvents {
  /** A scan was annotated with claims. */
  networks: (
    device: string,
    networks: readonly ScannedNetwork[],
    claims: readonly (readonly ClaimMatch[])[],
  ) => void;
  state: (change: StateChange) => void;
  /** The portal as detected after a join. */
  portal: (device: string, portal: PortalInfo) => void;
  /** evaluate finished: candidates best first. */
  evaluated: (device: string, ranked: readonly ClaimMatch[]) => void;
  authenticated: (device: string, pluginId: string, facts: SessionFacts) => void;
  /**
   * A person must open `url` to finish logging in (a captcha, a payment); `providerName` is
   * the plugin's display name, for the notification. The session stays in PresentingUI and
   * re-probes until the person is done.
   */
  uiRequired: (device: string, pluginId: string, url: string, providerName: string) => void;
  maintained: (
    device: string,
    pluginId: string,
    result: "success" | "authenticationRequired" | "failure",
  ) => void;
  loggedOff: (device: string, pluginId: string) => void;
  /** A contained problem (plugin error, probe failure): logged, the daemon carries on. */
  problem: (device: string | undefined, error: HotspotError) => void;
  /** Anything in a device's SessionSummary changed (state, facts, schedule, MAC). */
  session: (summary: SessionSummary) => void;
  /** Plugins and config were reloaded. */
  reloaded: (report: ReloadReport) => void;
}

/**
 * How the joined connection picks its MAC address (NetworkManager's `cloned-mac-address` of
 * the connection's 802-11-wireless settings). Portals recognise a client by its MAC.
 */
export interface MacAddressInfo {
  /** `random`, `stable`, `permanent`, `preserve`, an explicit address, or `default` when the connection leaves it to NetworkManager's global default. */
  readonly setting: string;
  /** True when the address changes on every connect: the portal will forget the session on reconnect. */
  readonly changesOnReconnect: boolean;
}

/** One device's session as the daemon's API reports it (`hotspot status`, D-Bus). Never holds secrets. */
export interface SessionSummary {
  readonly device: string;
  readonly state: SessionState;
  /** Epoch ms of the last state change. */
  readonly since: number;
  /** Why the session is in this state (redacted). */
  readonly reason: string;
  readonly network?: { readonly ssid: string; readonly ssidHex: string; readonly bssid: string };
  readonly pluginId?: string;
  /** The plugin's display name. */
  readonly provider?: string;
  /** Epoch ms of the login (or of the saved login a restarted daemon resumed). */
  readonly authenticatedAt?: number;
  /** Epoch ms when the portal said the session ends, when it said so. */
  readonly expiresAt?: number;
  readonly bytesRemaining?: number;
  readonly canExtend?: boolean;
  /** Epoch ms of the next scheduled maintain. */
  readonly nextMaintainAt?: number;
  /** In PresentingUI: the page a person must open. */
  readonly uiUrl?: string;
  /** Failed logins on this network since the last success (the next join backs off). */
  readonly failedLogins?: number;
  readonly mac?: MacAddressInfo;
}

/** What a reload (SIGHUP, the API) changed. */
export interface ReloadReport {
  readonly plugins: readonly string[];
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** Devices whose session ended because its plugin is gone. */
  readonly endedSessions: readonly string[];
}
