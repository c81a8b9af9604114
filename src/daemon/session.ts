import { hotspotError, reasonOf } from "../errors.ts";
import type { PortalInfo, SessionInfo } from "../helper-api/context.ts";
import type { JoinedNetwork } from "../helper-api/network.ts";
import type { LoadedPlugin } from "../helper-api/registry-types.ts";
import type { AuthenticateResult, SessionFacts } from "../helper-api/results.ts";
import type { SessionSummary, StateChange } from "./events.ts";
import { authenticateWithRetry } from "./login-attempts.ts";
import { MaintainTimer } from "./maintain-timer.ts";
import { PersonWait } from "./person-wait.ts";
import { loginBackoff, resumable } from "./rejoin.ts";
import { networkKey, type SessionDeps } from "./session-deps.ts";
import {
  abortableDelay,
  asHotspotError,
  DEFAULT_RETRY,
  detectPatiently,
  logoffThroughPlugin,
  type RetryPolicy,
} from "./session-steps.ts";
import { sessionSummary } from "./session-summary.ts";
import { loginBackoffMs } from "./state/records.ts";
import { canTransition, type SessionState } from "./states.ts";

export { type AuthenticateLearnt, networkKey, type SessionDeps } from "./session-deps.ts";
export { DEFAULT_RETRY, type RetryPolicy } from "./session-steps.ts";

/**
 * One Wi-Fi device's session: evaluate → authenticate → verify → maintain → logoff.
 * Every step runs under the attachment's AbortSignal, so a leave cancels whatever is in
 * flight (hooks, probes, retry waits) at once.
 */
export class DeviceSession {
  #state: SessionState = "Inactive";
  #since: number;
  #network: JoinedNetwork | undefined;
  #plugin: LoadedPlugin | undefined;
  #session: SessionInfo | undefined;
  #portal: PortalInfo | undefined;
  #attach: AbortController | undefined;
  readonly #maintain: MaintainTimer;
  readonly #personWait = new PersonWait();
  #uiUrl: string | undefined;
  #running: Promise<void> = Promise.resolve();
  #lastReason = "";

  constructor(
    readonly device: string,
    private readonly deps: SessionDeps,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
  ) {
    this.#since = this.#now();
    this.#maintain = new MaintainTimer(() => this.#now(), deps.timer);
  }

  get state(): SessionState {
    return this.#state;
  }
  get network(): JoinedNetwork | undefined {
    return this.#network;
  }
  get pluginId(): string | undefined {
    return this.#plugin?.id;
  }
  get sessionInfo(): SessionInfo | undefined {
    return this.#session;
  }
  get lastReason(): string {
    return this.#lastReason;
  }
  /** In PresentingUI: the page a person must open. */
  get uiUrl(): string | undefined {
    return this.#uiUrl;
  }

  /**
   * The network manager says connectivity changed: a person finishing a login in the portal
   * window shows up here first, so a session in PresentingUI re-probes now.
   */
  connectivityChanged(): void {
    if (this.#state === "PresentingUI") this.#personWait.nudge();
  }
  /** Resolves when the current join's work (up to Authenticated or a final state) is done. */
  idle(): Promise<void> {
    return this.#running;
  }

  /** The session as the daemon's API shows it. */
  summary(): SessionSummary {
    const n = this.#network;
    const facts = this.#session?.facts;
    return sessionSummary({
      device: this.device,
      state: this.#state,
      since: this.#since,
      reason: this.#lastReason,
      network: n,
      plugin: this.#plugin,
      session: this.#session,
      expiresAt: facts ? this.#maintain.expiresAt(facts) : undefined,
      nextMaintainAt: this.#maintain.nextAt,
      uiUrl: this.#uiUrl,
      failedLogins: n ? this.deps.failures?.get(networkKey(n))?.count : undefined,
    });
  }

  join(network: JoinedNetwork): Promise<void> {
    this.#detach("switched network");
    this.#network = network;
    const attach = new AbortController();
    this.#attach = attach;
    this.#running = this.#guard(attach.signal, () =>
      this.#evaluateAndLogin(network, attach.signal, new Set(), true),
    );
    return this.#running;
  }

  /**
   * Same SSID, new BSSID: the portal session belongs to the SSID, so it carries over. The
   * link pin follows (a no-op unless the address or gateway changed with the access point).
   */
  roam(network: JoinedNetwork): void {
    if (!this.#network) return;
    this.#network = network;
    this.deps.pinLink?.(network).catch((e: unknown) => this.deps.onProblem(asHotspotError(e)));
    this.#save();
    this.deps.onSummary?.();
  }

  /**
   * The network is gone (or the daemon stops): work in flight is cancelled and nothing is
   * logged off. The saved session stays: a rejoin or a restart that finds the portal still
   * letting us through resumes it; one that finds the portal holding us drops it.
   */
  leave(reason: string): void {
    this.#detach(reason);
    if (this.#network) this.deps.unpinLink?.();
    this.#network = undefined;
  }

  /**
   * Plugins were reloaded: keep running on the new copy of our plugin (new config,
   * credentials), or end the session when the plugin is gone. Returns false when it ended.
   */
  rebind(lookup: (id: string) => LoadedPlugin | undefined): boolean {
    const current = this.#plugin;
    if (!current) return true;
    const next = lookup(current.id);
    if (next) {
      this.#plugin = next;
      return true;
    }
    this.#detach(`plugin ${current.id} is no longer loaded`);
    this.deps.records?.drop(this.device);
    return false;
  }

  /** Log off on request: runs the plugin's logoff, then Inactive. */
  async logoff(): Promise<boolean> {
    const plugin = this.#plugin;
    const network = this.#network;
    const session = this.#session;
    const previous = this.#attach;
    if (
      !plugin ||
      !network ||
      !session ||
      !previous ||
      !["Authenticated", "Maintaining"].includes(this.#state)
    ) {
      return false;
    }
    this.#maintain.clear();
    this.deps.records?.drop(this.device);
    // A maintain in flight would otherwise answer into LoggingOff (or Inactive) and try to put
    // the session back to Authenticated: cancel it and run the logoff under a signal of its own.
    previous.abort(new Error("logoff requested"));
    const attach = new AbortController();
    this.#attach = attach;
    if (!plugin.definition.logoff) {
      // Nothing to call: the portal ends the session on its own (idle or time limit).
      this.#session = undefined;
      this.#to("Inactive", `${plugin.id} has no logoff; the portal will end the session itself`);
      return true;
    }
    this.#to("LoggingOff", "logoff requested");
    await logoffThroughPlugin(this.deps, plugin, network, this.#portal, session, attach.signal);
    // Left or switched networks meanwhile: that already ended this session.
    if (attach.signal.aborted) return true;
    this.#session = undefined;
    this.#to("Inactive", "logged off");
    return true;
  }

  async #evaluateAndLogin(
    network: JoinedNetwork,
    signal: AbortSignal,
    excluded: Set<string>,
    justJoined = false,
  ): Promise<void> {
    this.#to("Evaluating", excluded.size ? `re-evaluating without ${[...excluded].join(", ")}` : "joined");
    // The route must be in place before the first probe, or an off-link portal is asked
    // through whatever holds the default route (a VPN, Ethernet).
    if (justJoined && this.deps.pinLink) {
      await this.deps.pinLink(network).catch((e: unknown) => this.deps.onProblem(asHotspotError(e)));
      if (signal.aborted) return;
    }
    const portal = await detectPatiently(this.deps.detect, network, signal, this.retry, (why) =>
      this.#to("Evaluating", why),
    );
    this.#portal = portal;
    this.deps.onPortal(portal);
    if (portal.verdict === "online") {
      const resumed = justJoined ? resumable(this.deps, this.device, network) : undefined;
      if (resumed) return this.#resume(resumed.plugin, resumed.session, resumed.factsAt, signal);
      this.#to("Inactive", "no captive portal: already online");
      return;
    }
    // Held by the portal: whatever session was saved for this device is over.
    this.deps.records?.drop(this.device);
    const plugin = await this.#choose(network, portal, signal, excluded);
    if (!plugin) return;
    this.#plugin = plugin;
    if (justJoined) await this.#backOff(network, signal);
    if (signal.aborted) return;
    await this.#authenticate(network, plugin, signal, excluded);
  }

  async #resume(plugin: LoadedPlugin, session: SessionInfo, factsAt: number, signal: AbortSignal) {
    this.#plugin = plugin;
    this.#session = session;
    this.#maintain.restart(factsAt);
    this.#to("Authenticated", "the portal still lets us through: session resumed", plugin.id);
    this.#save();
    await this.#runMaintain(signal);
  }

  /** After failed logins on this network, wait out the backoff before posting again. */
  async #backOff(network: JoinedNetwork, signal: AbortSignal): Promise<void> {
    const backoff = loginBackoff(this.deps, network, this.#now());
    if (!backoff) return;
    this.#to("Evaluating", backoff.reason);
    await abortableDelay(backoff.waitMs, signal, this.deps.timer).catch(() => undefined);
  }

  async #choose(
    network: JoinedNetwork,
    portal: PortalInfo,
    signal: AbortSignal,
    excluded: Set<string>,
  ): Promise<LoadedPlugin | undefined> {
    const cached = this.deps.winners.get(networkKey(network));
    const candidates = this.deps
      .claimsFor(network)
      .filter((c) => !excluded.has(c.pluginId) && c.confidence !== "none");
    if (cached && !excluded.has(cached) && candidates.some((c) => c.pluginId === cached)) {
      const plugin = this.deps.calls.plugin(cached);
      if (plugin) return plugin;
    }
    if (candidates.length === 0) {
      this.#to("Inactive", "no plugin claims this network");
      return undefined;
    }
    const ranked = await this.deps.calls.evaluate(candidates, network, portal, signal);
    // A leave or another join cancels evaluation, which then answers `none` for everyone:
    // that is no verdict on this network and the state now belongs to whatever came next.
    if (signal.aborted) return undefined;
    this.deps.onEvaluated(ranked);
    const best = ranked.find((c) => c.confidence !== "none");
    if (!best) {
      this.#to("Inactive", "every claiming plugin declined after evaluate");
      return undefined;
    }
    return this.deps.calls.plugin(best.pluginId);
  }

  async #authenticate(
    network: JoinedNetwork,
    plugin: LoadedPlugin,
    signal: AbortSignal,
    excluded: Set<string>,
  ) {
    this.#to("Authenticating", `${plugin.id} chosen`, plugin.id);
    let outcome: AuthenticateResult;
    try {
      outcome = await authenticateWithRetry({
        deps: this.deps,
        plugin,
        network,
        signal,
        retry: this.retry,
        portal: this.#portal,
        onPortal: (portal) => {
          this.#portal = portal;
        },
        onFailed: (reason, _error, retriesLeft) => {
          this.#lastReason = reason;
          if (retriesLeft > 0) this.#to("Authenticating", `${reason}; retrying`, plugin.id);
        },
      });
    } catch (e) {
      if (signal.aborted) return;
      this.#failed(network, plugin, `authentication did not succeed: ${reasonOf(e)}`);
      return;
    }
    if (signal.aborted) return;
    switch (outcome.result) {
      case "success":
        return this.#authenticated(plugin, outcome.session ?? {}, signal, "login verified");
      case "uiRequired":
        this.#uiUrl = outcome.url;
        this.#to("PresentingUI", `a person must open ${outcome.url}`, plugin.id);
        this.deps.onUiRequired(plugin.id, outcome.url);
        this.#waitForPerson(network, plugin, signal);
        return;
      case "unsupportedNetwork":
        excluded.add(plugin.id);
        this.deps.winners.delete(networkKey(network));
        return this.#evaluateAndLogin(network, signal, excluded);
      case "failure":
        this.#failed(network, plugin, `login failed: ${outcome.reason ?? "no reason given"}`);
        return;
    }
  }

  /**
   * The person logs in themselves, in the portal window; the session takes over once the
   * probe says we are online. Re-probes on a backoff and on connectivity changes.
   */
  #waitForPerson(network: JoinedNetwork, plugin: LoadedPlugin, signal: AbortSignal): void {
    const check = (): void => {
      this.#running = this.#guard(signal, () => this.#checkPerson(network, plugin, signal));
    };
    this.#personWait.start(check);
  }

  async #checkPerson(network: JoinedNetwork, plugin: LoadedPlugin, signal: AbortSignal): Promise<void> {
    if (signal.aborted || this.#state !== "PresentingUI") return;
    const portal = await this.deps.detect(network, signal).catch((e: unknown) => {
      if (!signal.aborted) this.deps.onProblem(asHotspotError(e));
      return undefined;
    });
    if (signal.aborted || this.#state !== "PresentingUI") return;
    if (portal) this.#portal = portal;
    if (portal?.verdict !== "online") {
      this.#personWait.again();
      return;
    }
    this.#personWait.clear();
    // The portal gave no facts (the person logged in, not the plugin): maintain finds them.
    await this.#authenticated(plugin, {}, signal, "online after the person logged in through the portal");
  }

  /** Unlike Apple, a failure leaves auto-join alone: it is recorded and the next join backs off. */
  #failed(network: JoinedNetwork, plugin: LoadedPlugin, reason: string): void {
    const record = this.deps.failures?.record(networkKey(network), reason);
    const next = record ? `; next join waits ${loginBackoffMs(record.count) / 1000} s` : "";
    this.#to("Failure", `${reason}${next}`, plugin.id);
  }

  async #authenticated(plugin: LoadedPlugin, facts: SessionFacts, signal: AbortSignal, reason: string) {
    const network = this.#network;
    if (!network) return;
    this.#session = { authenticatedAt: this.#now(), facts };
    this.#maintain.restart(this.#now());
    this.#uiUrl = undefined;
    this.deps.winners.set(networkKey(network), plugin.id);
    this.deps.failures?.clear(networkKey(network));
    this.#to("Authenticated", reason, plugin.id);
    this.#save();
    this.deps.onAuthenticated(plugin.id, facts);
    if (this.deps.recheckConnectivity) {
      await this.deps.recheckConnectivity().catch((e: unknown) => this.deps.onProblem(asHotspotError(e)));
    }
    if (!signal.aborted) this.#scheduleMaintain(signal);
  }

  #scheduleMaintain(signal: AbortSignal): void {
    const session = this.#session;
    if (!session) return;
    this.#maintain.schedule(
      session.facts,
      this.deps.config.maintainIntervalSeconds,
      this.deps.random?.() ?? 0,
      (why) => {
        this.#running = this.#guard(signal, () => this.#runMaintain(signal, why));
      },
    );
    this.deps.onSummary?.();
  }

  async #runMaintain(signal: AbortSignal, why: "interval" | "renew" | "ended" = "interval"): Promise<void> {
    const plugin = this.#plugin;
    const network = this.#network;
    const session = this.#session;
    if (!plugin || !network || !session || signal.aborted || this.#state !== "Authenticated") return;
    const didJustJoin = this.#maintain.startRun();
    this.#to("Maintaining", maintainReason(didJustJoin, why), plugin.id);
    const maintained = { ...network, justJoined: didJustJoin };
    const endBefore = this.#maintain.expiresAt(session.facts);
    let result: "success" | "authenticationRequired" | "failure";
    let facts: SessionFacts | undefined;
    try {
      const portal = await this.deps.detect(maintained, signal);
      this.#portal = portal;
      const answer = await this.deps.calls.maintain(plugin, maintained, portal, session, signal);
      result = answer.result;
      if (answer.result === "success" && answer.session) facts = answer.session;
    } catch (e) {
      if (signal.aborted) return;
      this.deps.onProblem(asHotspotError(e));
      result = "failure";
    }
    if (signal.aborted) return;
    this.deps.onMaintained(plugin.id, result);
    if (result === "success") {
      const current = facts ? { ...session, facts } : session;
      this.#session = current;
      if (facts) this.#maintain.factsArrived();
      if (why === "renew") this.#maintain.renewalDone(endBefore, this.#maintain.expiresAt(current.facts));
      this.#to("Authenticated", "session still valid", plugin.id);
      this.#save();
      this.#scheduleMaintain(signal);
    } else if (result === "authenticationRequired") {
      this.#session = undefined;
      this.deps.records?.drop(this.device);
      await this.#authenticate(network, plugin, signal, new Set());
    } else {
      this.#session = undefined;
      this.deps.records?.drop(this.device);
      this.deps.winners.delete(networkKey(network));
      await this.#evaluateAndLogin(network, signal, new Set());
    }
  }

  /** Writes the running session for a restart to find. */
  #save(): void {
    const { records } = this.deps;
    const network = this.#network;
    const plugin = this.#plugin;
    const session = this.#session;
    if (!records || !network || !plugin || !session) return;
    if (this.#state !== "Authenticated" && this.#state !== "Maintaining") return;
    records.save(this.device, {
      ssidHex: network.ssidHex,
      ssidText: network.ssidText,
      bssid: network.bssid,
      pluginId: plugin.id,
      authenticatedAt: session.authenticatedAt,
      facts: session.facts,
      factsAt: this.#maintain.factsAt,
    });
  }

  #detach(reason: string): void {
    this.#maintain.clear();
    this.#personWait.clear();
    if (this.#attach) {
      this.#attach.abort(new Error(reason));
      this.#attach = undefined;
    }
    this.#session = undefined;
    this.#plugin = undefined;
    this.#portal = undefined;
    this.#uiUrl = undefined;
    if (this.#state !== "Inactive") this.#to("Inactive", reason);
  }

  #now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  /**
   * Contains anything unexpected: a bug in one session must not take the daemon down. Judged
   * by the work's own signal: an earlier join's work ending late (its abort surfacing) is not
   * a problem of the join that replaced it, and must not move that one's state.
   */
  async #guard(signal: AbortSignal, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (e) {
      if (signal.aborted) return;
      this.deps.onProblem(asHotspotError(e));
      if (canTransition(this.#state, "Failure")) this.#to("Failure", reasonOf(e));
    }
  }

  #to(to: SessionState, reason: string, pluginId?: string): void {
    const from = this.#state;
    if (!canTransition(from, to)) {
      throw hotspotError("HH_INTERNAL", {
        reason: `session ${this.device}: illegal transition ${from} → ${to}`,
      });
    }
    this.#state = to;
    this.#since = this.#now();
    this.#lastReason = reason;
    const pid = pluginId ?? this.#plugin?.id;
    const change: StateChange = {
      device: this.device,
      from,
      to,
      reason,
      ...(this.#network ? { network: this.#network } : {}),
      ...(pid !== undefined ? { pluginId: pid } : {}),
    };
    this.deps.onState(change);
    this.deps.onSummary?.();
  }
}

function maintainReason(didJustJoin: boolean, why: "interval" | "renew" | "ended"): string {
  if (didJustJoin) return "first check since joining";
  if (why === "renew") return "renewing before the session ends";
  if (why === "ended") return "the session's announced end has passed";
  return "periodic check";
}
