import { hotspotError, reasonOf } from "../errors.ts";
import type { PortalInfo, SessionInfo } from "../helper-api/context.ts";
import type { JoinedNetwork } from "../helper-api/network.ts";
import type { LoadedPlugin } from "../helper-api/registry-types.ts";
import type { StateChange } from "./events.ts";
import { MaintainTimer } from "./maintain-timer.ts";
import { PersonWait } from "./person-wait.ts";
import type { SessionDeps } from "./session-deps.ts";
import { asHotspotError, type RetryPolicy } from "./session-steps.ts";
import { canTransition, type SessionState } from "./states.ts";

/**
 * The state one DeviceSession works on, shared by the steps of its life (session-login.ts,
 * session-maintain.ts, session-logoff.ts): what is joined, which plugin holds it, the
 * portal's session, and the checked state transitions. Internal to the session: the daemon
 * and tests see only DeviceSession.
 */
export class SessionCore {
  state: SessionState = "Inactive";
  since: number;
  network: JoinedNetwork | undefined;
  plugin: LoadedPlugin | undefined;
  session: SessionInfo | undefined;
  portal: PortalInfo | undefined;
  /** Aborted by a leave, another join or a logoff: cancels whatever runs for this attachment. */
  attach: AbortController | undefined;
  readonly maintain: MaintainTimer;
  readonly personWait = new PersonWait();
  /** In PresentingUI: the page a person must open. */
  uiUrl: string | undefined;
  running: Promise<void> = Promise.resolve();
  lastReason = "";

  constructor(
    readonly device: string,
    readonly deps: SessionDeps,
    readonly retry: RetryPolicy,
  ) {
    this.since = this.now();
    this.maintain = new MaintainTimer(() => this.now(), deps.timer);
  }

  now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  to(to: SessionState, reason: string, pluginId?: string): void {
    const from = this.state;
    if (!canTransition(from, to)) {
      throw hotspotError("HH_INTERNAL", {
        reason: `session ${this.device}: illegal transition ${from} → ${to}`,
      });
    }
    this.state = to;
    this.since = this.now();
    this.lastReason = reason;
    const pid = pluginId ?? this.plugin?.id;
    const change: StateChange = {
      device: this.device,
      from,
      to,
      reason,
      ...(this.network ? { network: this.network } : {}),
      ...(pid !== undefined ? { pluginId: pid } : {}),
    };
    this.deps.onState(change);
    this.deps.onSummary?.();
  }

  /**
   * Contains anything unexpected: a bug in one session must not take the daemon down. Judged
   * by the work's own signal: an earlier join's work ending late (its abort surfacing) is not
   * a problem of the join that replaced it, and must not move that one's state.
   */
  async guard(signal: AbortSignal, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (e) {
      if (signal.aborted) return;
      this.deps.onProblem(asHotspotError(e));
      if (canTransition(this.state, "Failure")) this.to("Failure", reasonOf(e));
    }
  }

  /** Ends the current attachment: timers cleared, work in flight cancelled, nothing logged off. */
  detach(reason: string): void {
    this.maintain.clear();
    this.personWait.clear();
    if (this.attach) {
      this.attach.abort(new Error(reason));
      this.attach = undefined;
    }
    this.session = undefined;
    this.plugin = undefined;
    this.portal = undefined;
    this.uiUrl = undefined;
    if (this.state !== "Inactive") this.to("Inactive", reason);
  }

  /** Writes the running session for a restart to find. */
  save(): void {
    const { records } = this.deps;
    const network = this.network;
    const plugin = this.plugin;
    const session = this.session;
    if (!records || !network || !plugin || !session) return;
    if (this.state !== "Authenticated" && this.state !== "Maintaining") return;
    records.save(this.device, {
      ssidHex: network.ssidHex,
      ssidText: network.ssidText,
      security: network.security,
      bssid: network.bssid,
      pluginId: plugin.id,
      authenticatedAt: session.authenticatedAt,
      facts: session.facts,
      factsAt: this.maintain.factsAt,
    });
  }
}
