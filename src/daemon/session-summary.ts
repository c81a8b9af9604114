import type { SessionInfo } from "../helper-api/context.ts";
import type { JoinedNetwork } from "../helper-api/network.ts";
import type { LoadedPlugin } from "../helper-api/registry-types.ts";
import type { SessionSummary } from "./events.ts";
import type { SessionState } from "./states.ts";

/** What a session knows, gathered for `sessionSummary`. */
export interface SummaryParts {
  readonly device: string;
  readonly state: SessionState;
  readonly since: number;
  readonly reason: string;
  readonly network: JoinedNetwork | undefined;
  readonly plugin: LoadedPlugin | undefined;
  readonly session: SessionInfo | undefined;
  readonly expiresAt: number | undefined;
  readonly nextMaintainAt: number | undefined;
  readonly uiUrl: string | undefined;
  readonly failedLogins: number | undefined;
}

/** The API's plain-data view of one session: only the fields that are known. */
export function sessionSummary(p: SummaryParts): SessionSummary {
  const n = p.network;
  const facts = p.session?.facts;
  return {
    device: p.device,
    state: p.state,
    since: p.since,
    reason: p.reason,
    ...(n ? { network: { ssid: n.ssidText, ssidHex: n.ssidHex, bssid: n.bssid } } : {}),
    ...(p.plugin ? { pluginId: p.plugin.id, provider: p.plugin.displayName } : {}),
    ...(p.session ? { authenticatedAt: p.session.authenticatedAt } : {}),
    ...(p.expiresAt === undefined ? {} : { expiresAt: p.expiresAt }),
    ...(facts?.bytesRemaining === undefined ? {} : { bytesRemaining: facts.bytesRemaining }),
    ...(facts?.canExtend === undefined ? {} : { canExtend: facts.canExtend }),
    ...(p.nextMaintainAt === undefined ? {} : { nextMaintainAt: p.nextMaintainAt }),
    ...(p.uiUrl === undefined ? {} : { uiUrl: p.uiUrl }),
    ...(p.failedLogins === undefined ? {} : { failedLogins: p.failedLogins }),
  };
}
