import pRetry, { AbortError } from "p-retry";
import type { UserConfig } from "../config/schema.ts";
import { HotspotError, hotspotError, isHotspotError, reasonOf } from "../errors.ts";
import type { PortalInfo, SessionInfo } from "../helper-api/context.ts";
import type { JoinedNetwork } from "../helper-api/network.ts";
import type { ClaimMatch, LoadedPlugin } from "../helper-api/registry-types.ts";
import type { AuthenticateResult, SessionFacts } from "../helper-api/results.ts";
import type { StateChange } from "./events.ts";
import type { PluginCalls } from "./plugin-calls.ts";
import { canTransition, type SessionState } from "./states.ts";

/** What a session needs from the daemon around it. */
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
  readonly winners: Map<string, string>;
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
}

/** Retry policy for temporaryFailure and transport errors during authenticate. */
export interface RetryPolicy {
  readonly retries: number;
  readonly minTimeoutMs: number;
  readonly maxTimeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 4, minTimeoutMs: 2_000, maxTimeoutMs: 60_000 };

/** Renew this long before the portal's announced expiry, so the session never lapses. */
const RENEW_MARGIN_S = 30;

export function networkKey(n: { ssidHex: string }): string {
  return `ssid:${n.ssidHex}`;
}

/** Internal signal that an attempt should be retried (temporaryFailure, failed verification). */
class RetryableFailure extends Error {}

/**
 * One Wi-Fi device's session: evaluate → authenticate → verify → maintain → logoff.
 * Every step runs under the attachment's AbortSignal, so a leave cancels whatever is in
 * flight (hooks, probes, retry waits) at once.
 */
export class DeviceSession {
  #state: SessionState = "Inactive";
  #network: JoinedNetwork | undefined;
  #plugin: LoadedPlugin | undefined;
  #session: SessionInfo | undefined;
  #portal: PortalInfo | undefined;
  #attach: AbortController | undefined;
  #maintainTimer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> = Promise.resolve();
  #lastReason = "";

  constructor(
    readonly device: string,
    private readonly deps: SessionDeps,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
  ) {}

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
  }

  leave(reason: string): void {
    this.#detach(reason);
    if (this.#network) this.deps.unpinLink?.();
    this.#network = undefined;
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
    const portal = await this.#detectPatiently(network, signal);
    this.#portal = portal;
    this.deps.onPortal(portal);
    if (portal.verdict === "online") {
      this.#to("Inactive", "no captive portal: already online");
      return;
    }
    const plugin = await this.#choose(network, portal, signal, excluded);
    if (!plugin) return;
    this.#plugin = plugin;
    await this.#authenticate(network, plugin, signal, excluded);
  }

  /**
   * Detection after a join, tried again under the retry policy (backoff with jitter, bounded,
   * cut short by a leave) while the answer looks like a portal having a bad moment rather
   * than a verdict: no HTTP answer at all (reset, timeout, refused) or a 5xx. An overloaded
   * controller answers the first probes with 503s; deciding on those would leave every plugin
   * declining a network it could log in to. Out of attempts, the last answer stands.
   */
  async #detectPatiently(network: JoinedNetwork, signal: AbortSignal): Promise<PortalInfo> {
    let last: PortalInfo | undefined;
    try {
      return await pRetry(
        async () => {
          last = await this.deps.detect(network, signal);
          if (passingTrouble(last)) throw new RetryableFailure(`probe: ${last.reason ?? "unreachable"}`);
          return last;
        },
        {
          retries: this.retry.retries,
          minTimeout: this.retry.minTimeoutMs,
          maxTimeout: this.retry.maxTimeoutMs,
          randomize: true,
          signal,
          onFailedAttempt: ({ error, retriesLeft }) => {
            if (!signal.aborted && retriesLeft > 0) this.#to("Evaluating", `${error.message}; probing again`);
          },
        },
      );
    } catch (e) {
      if (signal.aborted || last === undefined) throw e;
      return last;
    }
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
      this.#to("Failure", `authentication did not succeed: ${reasonOf(e)}`, plugin.id);
      return;
    }
    if (signal.aborted) return;
    switch (outcome.result) {
      case "success":
        return this.#authenticated(plugin, outcome.session ?? {}, signal, "login verified");
      case "uiRequired":
        this.#to("PresentingUI", `a person must open ${outcome.url}`, plugin.id);
        this.deps.onUiRequired(plugin.id, outcome.url);
        return;
      case "unsupportedNetwork":
        excluded.add(plugin.id);
        this.deps.winners.delete(networkKey(network));
        return this.#evaluateAndLogin(network, signal, excluded);
      case "failure":
        this.#to("Failure", `login failed: ${outcome.reason ?? "no reason given"}`, plugin.id);
        return;
    }
  }

  async #authenticated(plugin: LoadedPlugin, facts: SessionFacts, signal: AbortSignal, reason: string) {
    const network = this.#network;
    if (!network) return;
    this.#session = { authenticatedAt: Date.now(), facts };
    this.deps.winners.set(networkKey(network), plugin.id);
    this.#to("Authenticated", reason, plugin.id);
    this.deps.onAuthenticated(plugin.id, facts);
    if (this.deps.recheckConnectivity) {
      await this.deps.recheckConnectivity().catch((e: unknown) => this.deps.onProblem(asHotspotError(e)));
    }
    if (!signal.aborted) this.#scheduleMaintain(facts, signal);
  }

  /** Next maintain: the plugin's interval or the default, and earlier when the session expires sooner. */
  maintainDelayMs(facts: SessionFacts): number {
    let seconds = facts.maintainIntervalSeconds ?? this.deps.config.maintainIntervalSeconds;
    if (facts.expiresInSeconds !== undefined) {
      seconds = Math.min(seconds, Math.max(1, facts.expiresInSeconds - RENEW_MARGIN_S));
    }
    return Math.round(seconds * 1000);
  }

  #scheduleMaintain(facts: SessionFacts, signal: AbortSignal): void {
    this.#clearMaintain();
    this.#maintainTimer = setTimeout(() => {
      this.#maintainTimer = undefined;
      this.#running = this.#guard(signal, () => this.#maintain(signal));
    }, this.maintainDelayMs(facts));
    // The source and the bus keep a daemon alive; a pending maintain alone should not.
    this.#maintainTimer.unref?.();
  }

  async #maintain(signal: AbortSignal): Promise<void> {
    const plugin = this.#plugin;
    const network = this.#network;
    const session = this.#session;
    if (!plugin || !network || !session || signal.aborted || this.#state !== "Authenticated") return;
    this.#to("Maintaining", "periodic check", plugin.id);
    const maintained = { ...network, justJoined: false };
    let result: "success" | "authenticationRequired" | "failure";
    let facts = session.facts;
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
      this.#session = { ...session, facts };
      this.#to("Authenticated", "session still valid", plugin.id);
      this.#scheduleMaintain(facts, signal);
    } else if (result === "authenticationRequired") {
      this.#session = undefined;
      await this.#authenticate(network, plugin, signal, new Set());
    } else {
      this.#session = undefined;
      this.deps.winners.delete(networkKey(network));
      await this.#evaluateAndLogin(network, signal, new Set());
    }
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
    if (this.#state !== "Inactive") this.#to("Inactive", reason);
  }

  #clearMaintain(): void {
    if (this.#maintainTimer) clearTimeout(this.#maintainTimer);
    this.#maintainTimer = undefined;
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
  }
}

/** An unreachable verdict worth probing again: no HTTP answer, or a server error (not a broken proxy's 200). */
function passingTrouble(portal: PortalInfo): boolean {
  if (portal.verdict !== "unreachable" || portal.decidedBy === "dhcp") return false;
  return portal.status === undefined || portal.status >= 500;
}

function asHotspotError(e: unknown): HotspotError {
  if (e instanceof HotspotError) return e;
  if (e instanceof AbortError) return asHotspotError(e.originalError);
  return hotspotError("HH_INTERNAL", { reason: reasonOf(e) }, { cause: e });
}
