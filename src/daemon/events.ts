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
  /** A person must open `url` to finish logging in. */
  uiRequired: (device: string, pluginId: string, url: string) => void;
  maintained: (
    device: string,
    pluginId: string,
    result: "success" | "authenticationRequired" | "failure",
  ) => void;
  loggedOff: (device: string, pluginId: string) => void;
  /** A contained problem (plugin error, probe failure): logged, the daemon carries on. */
  problem: (device: string | undefined, error: HotspotError) => void;
}
