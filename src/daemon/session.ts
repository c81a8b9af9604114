import pRetry, { AbortError } from "p-retry";
import type { UserConfig } from "../config/schema.ts";
import { HotspotError, hotspotError, isHotspotError, reasonOf } from "../errors.ts";
import type { PortalInfo, SessionInfo } from "../helper-api/context.ts";
import type { JoinedNetwork } from "../helper-api/network.ts";
import type { ClaimMatch, LoadedPlugin } from "../helper-api/registry-types.ts";
import type { AuthenticateResult, SessionFacts } from "../helper-api/results.ts";
import type { SessionSummary, StateChange } from "./events.ts";
import { planMaintain } from "./maintain-plan.ts";
import type { PluginCalls } from "./plugin-calls.ts";
import {
  abortableDelay,
  asHotspotError,
  DEFAULT_RETRY,
  detectPatiently,
  RetryableFailure,
  type RetryPolicy,
} from "./session-steps.ts";
import type { ChoiceCache } from "./state/choices.ts";
import { type FailureLog, loginBackoffMs, type SessionRecords } from "./state/records.ts";
import { canTransition, type SessionState } from "./states.ts";

export { DEFAULT_RETRY, type RetryPolicy } from "./session-steps.ts";

/** What a session needs from the daemon around it. Read live: a reload swaps config and calls. */
export interface SessionDeps {
  readonly config: UserConfig;
  readonly calls: PluginCalls;
  /** Finds the portal on the joined link (probe, RFC 8910 URI). Never throws for network trouble. */
  detect(network: JoinedNetwork, signal: AbortSignal): Promise<PortalInfo>;
  /** Re-probes after a login; true when the network is really open. */
  verify(network: JoinedNetwork, signal: AbortSignal): Promise<{ online: boolean; portal: PortalInfo }>;
  /** Claims on this network from the latest scan (static + dynamic), best first. */
  claimsFor(network: JoinedNetwork): readonly ClaimMatch[];
  /** Per-network cache of the chosen plugin (Apple's helper cache): skips evaluate on rejoin. */
  readonly winners: ChoiceCache;
  /** Saved sessions, so a restarted daemon resumes instead of logging in again. Default: none. */
  readonly records?: SessionRecords;
  /** Failed logins per network, for the backoff on the next join. Default: none kept. */
  readonly failures?: FailureLog;
  /** 0..1, spreads maintains (see planMaintain). Default: no spread. */
  random?(): number;
  /** Epoch ms. Default Date.now. */
  now?(): number;
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
  /** When the current facts arrived: their `expiresInSeconds` counts from here. */
  #factsAt = 0;
  #portal: PortalInfo | undefined;
  #attach: AbortController | undefined;
  #maintainTimer: ReturnType<typeof setTimeout> | undefined;
  #nextMaintainAt: number | undefined;
  /** Maintains run since the join: the first one tells the plugin it follows a join. */
  #maintains = 0;
  /** A renewal was due and the portal's end did not move: stop trying until it passes. */
  #renewalRefused = false;
  #uiUrl: string | undefined;
  #running: Promise<void> = Promise.resolve();
  #lastReason = "";

  constructor(
    readonly device: string,
    private readonly deps: SessionDeps,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
  ) {
    this.#since = this.#now();
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
  /** Resolves when the current join's work (up to Authenticated or a final state) is done. */
  idle(): Promise<void> {
    return this.#running;
  }

  /** The session as the daemon's API shows it. */
  summary(): SessionSummary {
    const n = this.#network;
    const facts = this.#session?.facts;
    const expiresAt = facts ? this.#expiresAt(facts) : undefined;
    const failures = n ? this.deps.failures?.get(networkKey(n)) : undefined;
    return {
      device: this.device,
      state: this.#state,
      since: this.#since,
      reason: this.#lastReason,
      ...(n ? { network: { ssid: n.ssidText, ssidHex: n.ssidHex, bssid: n.bssid } } : {}),
      ...(this.#plugin ? { pluginId: this.#plugin.id, provider: this.#plugin.displayName } : {}),
      ...(this.#session ? { authenticatedAt: this.#session.authenticatedAt } : {}),
      ...(expiresAt === undefined ? {} : { expiresAt }),
      ...(facts?.bytesRemaining === undefined ? {} : { bytesRemaining: facts.bytesRemaining }),
      ...(facts?.canExtend === undefined ? {} : { canExtend: facts.canExtend }),
      ...(this.#nextMaintainAt === undefined ? {} : { nextMaintainAt: this.#nextMaintainAt }),
      ...(this.#uiUrl === undefined ? {} : { uiUrl: this.#uiUrl }),
      ...(failures ? { failedLogins: failures.count } : {}),
    };
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
    this.#clearMaintain();
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
    try {
      const portal = this.#portal ?? (await this.deps.detect(network, attach.signal));
      const answer = await this.deps.calls.logoff(plugin, network, portal, session, attach.signal);
      if (answer?.result === "failure") {
        this.deps.onProblem(
          hotspotError("HH_PLUGIN_HOOK_ANSWERED_FAILURE", {
            plugin: plugin.id,
            hook: "logoff",
            reason: answer.reason ?? "no reason given",
          }),
        );
      } else {
        this.deps.onLoggedOff(plugin.id);
      }
    } catch (e) {
      if (!attach.signal.aborted) this.deps.onProblem(asHotspotError(e));
    }
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
      const resumed = justJoined ? this.#resumable(network) : undefined;
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

  /**
   * Online right after a join, with a session saved on this device for this network: one a
   * restarted daemon finds, or one the portal kept across a reconnect (it knows us by MAC
   * address, so this works with a stable address, not a random one). Apple's rejoin from
   * cache: no evaluate, no login, a maintain to confirm.
   */
  #resumable(
    network: JoinedNetwork,
  ): { plugin: LoadedPlugin; session: SessionInfo; factsAt: number } | undefined {
    const saved = this.deps.records?.get(this.device);
    if (!saved || saved.ssidHex !== network.ssidHex) return undefined;
    const plugin = this.deps.calls.plugin(saved.pluginId);
    if (!plugin) return undefined;
    return {
      plugin,
      session: { authenticatedAt: saved.authenticatedAt, facts: saved.facts },
      factsAt: saved.factsAt,
    };
  }

  async #resume(plugin: LoadedPlugin, session: SessionInfo, factsAt: number, signal: AbortSignal) {
    this.#plugin = plugin;
    this.#session = session;
    this.#factsAt = factsAt;
    this.#maintains = 0;
    this.#renewalRefused = false;
    this.#to("Authenticated", "the portal still lets us through: session resumed", plugin.id);
    this.#save();
    await this.#maintain(signal);
  }

  /** After failed logins on this network, wait out the backoff before posting again. */
  async #backOff(network: JoinedNetwork, signal: AbortSignal): Promise<void> {
    const failed = this.deps.failures?.get(networkKey(network));
    if (!failed) return;
    const wait = failed.lastAt + loginBackoffMs(failed.count) - this.#now();
    if (wait <= 0) return;
    this.#to(
      "Evaluating",
      `waiting ${Math.ceil(wait / 1000)} s before logging in: ${failed.count} failed login(s), last: ${failed.reason}`,
    );
    await abortableDelay(wait, signal).catch(() => undefined);
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
      outcome = await pRetry(
        async (attempt) => {
          const portal =
            attempt === 1 && this.#portal ? this.#portal : await this.deps.detect(network, signal);
          this.#portal = portal;
          // An earlier attempt may have got through before failing (a timeout after the
          // portal accepted the form): if the probe is no longer intercepted, we are in.
          if (attempt > 1 && portal.verdict === "online") return { result: "success" } as const;
          const result = await this.deps.calls
            .authenticate(plugin, network, portal, signal)
            .catch((e: unknown) => {
              const err = asHotspotError(e);
              // A hook that times out or throws may have hit a transient portal problem: retry.
              if (isHotspotError(err, "HH_PLUGIN_RESULT_INVALID")) throw new AbortError(err);
              throw err;
            });
          if (result.result === "temporaryFailure")
            throw new RetryableFailure(result.reason ?? "temporary failure");
          if (result.result !== "success") return result;
          const verified = await this.deps.verify(network, signal);
          if (!verified.online) {
            throw new RetryableFailure(
              hotspotError("HH_PORTAL_VERIFY_FAILED", { verdict: verified.portal.verdict }).message,
            );
          }
          return result;
        },
        {
          retries: this.retry.retries,
          minTimeout: this.retry.minTimeoutMs,
          maxTimeout: this.retry.maxTimeoutMs,
          randomize: true,
          signal,
          onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
            if (signal.aborted) return;
            this.#lastReason = `attempt ${attemptNumber} failed: ${error.message}`;
            if (error instanceof HotspotError) this.deps.onProblem(error);
            if (retriesLeft > 0) this.#to("Authenticating", `${this.#lastReason}; retrying`, plugin.id);
          },
        },
      );
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
    this.#factsAt = this.#now();
    this.#maintains = 0;
    this.#renewalRefused = false;
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

  /** Next maintain delay for these facts, as if they had just arrived, without jitter. */
  maintainDelayMs(facts: SessionFacts): number {
    return planMaintain({
      facts,
      factsAgeMs: 0,
      intervalSeconds: this.deps.config.maintainIntervalSeconds,
      jitter: 0,
    }).delayMs;
  }

  #scheduleMaintain(signal: AbortSignal): void {
    this.#clearMaintain();
    const session = this.#session;
    if (!session) return;
    const facts = this.#renewalRefused ? { ...session.facts, canExtend: false } : session.facts;
    const plan = planMaintain({
      facts,
      factsAgeMs: this.#now() - this.#factsAt,
      intervalSeconds: this.deps.config.maintainIntervalSeconds,
      jitter: this.deps.random?.() ?? 0,
    });
    this.#nextMaintainAt = this.#now() + plan.delayMs;
    this.#maintainTimer = setTimeout(() => {
      this.#maintainTimer = undefined;
      this.#nextMaintainAt = undefined;
      this.#running = this.#guard(signal, () => this.#maintain(signal, plan.why));
    }, plan.delayMs);
    // The source and the bus keep a daemon alive; a pending maintain alone should not.
    this.#maintainTimer.unref?.();
    this.deps.onSummary?.();
  }

  async #maintain(signal: AbortSignal, why: "interval" | "renew" | "ended" = "interval"): Promise<void> {
    const plugin = this.#plugin;
    const network = this.#network;
    const session = this.#session;
    if (!plugin || !network || !session || signal.aborted || this.#state !== "Authenticated") return;
    const didJustJoin = this.#maintains === 0;
    this.#maintains++;
    this.#to("Maintaining", maintainReason(didJustJoin, why), plugin.id);
    const maintained = { ...network, justJoined: didJustJoin };
    const endBefore = this.#expiresAt(session.facts);
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
      if (facts) {
        this.#session = { ...session, facts };
        this.#factsAt = this.#now();
      }
      const endAfter = this.#session ? this.#expiresAt(this.#session.facts) : undefined;
      if (why === "renew") this.#renewalRefused = endAfter !== undefined && endAfter <= (endBefore ?? 0);
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

  /** Epoch ms the portal said the session ends, if it said. */
  #expiresAt(facts: SessionFacts): number | undefined {
    if (facts.expiresInSeconds === undefined) return undefined;
    return this.#factsAt + Math.round(facts.expiresInSeconds * 1000);
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
      factsAt: this.#factsAt,
    });
  }

  #detach(reason: string): void {
    this.#clearMaintain();
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

  #clearMaintain(): void {
    if (this.#maintainTimer) clearTimeout(this.#maintainTimer);
    this.#maintainTimer = undefined;
    this.#nextMaintainAt = undefined;
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
