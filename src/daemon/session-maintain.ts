import type { JoinedNetwork } from "../helper-api/network.ts";
import type { LoadedPlugin } from "../helper-api/registry-types.ts";
import type { SessionFacts } from "../helper-api/results.ts";
import type { SessionCore } from "./session-core.ts";
import { networkKey } from "./session-deps.ts";
import { asHotspotError } from "./session-steps.ts";

/** Why a maintain runs: the interval, a renewal before the known end, or that end passing. */
export type MaintainWhy = "interval" | "renew" | "ended";

/**
 * How a maintain that found the session gone logs in again. Passed in by the login flow
 * (session-login.ts), which itself schedules maintains: a callback keeps the two files free
 * of an import cycle.
 */
export interface Relogin {
  /** The portal forgot us (`authenticationRequired`): the same plugin logs in again. */
  authenticate(network: JoinedNetwork, plugin: LoadedPlugin, signal: AbortSignal): Promise<void>;
  /** Maintain failed: the cached choice is dropped and the network evaluated afresh. */
  evaluate(network: JoinedNetwork, signal: AbortSignal): Promise<void>;
}

/** Arms the one maintain timer for the current session (see MaintainTimer, planMaintain). */
export function scheduleMaintain(s: SessionCore, signal: AbortSignal, relogin: Relogin): void {
  const session = s.session;
  if (!session) return;
  s.maintain.schedule(session.facts, s.deps.config.maintainIntervalSeconds, s.deps.random?.() ?? 0, (why) => {
    s.running = s.guard(signal, () => runMaintain(s, signal, relogin, why));
  });
  s.deps.onSummary?.();
}

/**
 * One maintain: Authenticated → Maintaining → Authenticated on success (facts refreshed,
 * saved, next one scheduled); otherwise the saved session is dropped and we log in again.
 */
export async function runMaintain(
  s: SessionCore,
  signal: AbortSignal,
  relogin: Relogin,
  why: MaintainWhy = "interval",
): Promise<void> {
  const plugin = s.plugin;
  const network = s.network;
  const session = s.session;
  if (!plugin || !network || !session || signal.aborted || s.state !== "Authenticated") return;
  const didJustJoin = s.maintain.startRun();
  s.to("Maintaining", maintainReason(didJustJoin, why), plugin.id);
  const maintained = { ...network, justJoined: didJustJoin };
  const endBefore = s.maintain.expiresAt(session.facts);
  let result: "success" | "authenticationRequired" | "failure";
  let facts: SessionFacts | undefined;
  try {
    const portal = await s.deps.detect(maintained, signal);
    s.portal = portal;
    const answer = await s.deps.calls.maintain(plugin, maintained, portal, session, signal);
    result = answer.result;
    if (answer.result === "success" && answer.session) facts = answer.session;
  } catch (e) {
    if (signal.aborted) return;
    s.deps.onProblem(asHotspotError(e));
    result = "failure";
  }
  if (signal.aborted) return;
  s.deps.onMaintained(plugin.id, result);
  if (result === "success") {
    const current = facts ? { ...session, facts } : session;
    s.session = current;
    if (facts) s.maintain.factsArrived();
    if (why === "renew") s.maintain.renewalDone(endBefore, s.maintain.expiresAt(current.facts));
    s.to("Authenticated", "session still valid", plugin.id);
    s.save();
    scheduleMaintain(s, signal, relogin);
  } else if (result === "authenticationRequired") {
    s.session = undefined;
    s.deps.records?.drop(s.device, network);
    await relogin.authenticate(network, plugin, signal);
  } else {
    s.session = undefined;
    s.deps.records?.drop(s.device, network);
    s.deps.winners.delete(networkKey(network));
    await relogin.evaluate(network, signal);
  }
}

function maintainReason(didJustJoin: boolean, why: MaintainWhy): string {
  if (didJustJoin) return "first check since joining";
  if (why === "renew") return "renewing before the session ends";
  if (why === "ended") return "the session's announced end has passed";
  return "periodic check";
}
