import type { JoinedNetwork } from "../helper-api/network.ts";
import type { LoadedPlugin } from "../helper-api/registry-types.ts";
import type { SessionSummary } from "./events.ts";
import { SessionCore } from "./session-core.ts";
import { networkKey, type SessionDeps } from "./session-deps.ts";
import { evaluateAndLogin } from "./session-login.ts";
import { logoffSession } from "./session-logoff.ts";
import { asHotspotError, DEFAULT_RETRY, type RetryPolicy } from "./session-steps.ts";
import { sessionSummary } from "./session-summary.ts";
import type { SessionState } from "./states.ts";

export { type AuthenticateLearnt, networkKey, type SessionDeps } from "./session-deps.ts";
export { DEFAULT_RETRY, type RetryPolicy } from "./session-steps.ts";

/**
 * One Wi-Fi device's session: evaluate → authenticate → verify → maintain → logoff.
 * Every step runs under the attachment's AbortSignal, so a leave cancels whatever is in
 * flight (hooks, probes, retry waits) at once. The steps live in session-login.ts,
 * session-maintain.ts and session-logoff.ts; this class is what the daemon drives.
 */
export class DeviceSession {
  readonly #s: SessionCore;

  constructor(
    readonly device: string,
    deps: SessionDeps,
    retry: RetryPolicy = DEFAULT_RETRY,
  ) {
    this.#s = new SessionCore(device, deps, retry);
  }

  get state(): SessionState {
    return this.#s.state;
  }
  get network(): JoinedNetwork | undefined {
    return this.#s.network;
  }
  get pluginId(): string | undefined {
    return this.#s.plugin?.id;
  }
  get lastReason(): string {
    return this.#s.lastReason;
  }
  /** In PresentingUI: the page a person must open. */
  get uiUrl(): string | undefined {
    return this.#s.uiUrl;
  }

  /**
   * The network manager says connectivity changed: a person finishing a login in the portal
   * window shows up here first, so a session in PresentingUI re-probes now.
   */
  connectivityChanged(): void {
    if (this.#s.state === "PresentingUI") this.#s.personWait.nudge();
  }
  /** Resolves when the current join's work (up to Authenticated or a final state) is done. */
  idle(): Promise<void> {
    return this.#s.running;
  }

  /** The session as the daemon's API shows it. */
  summary(): SessionSummary {
    const s = this.#s;
    const n = s.network;
    const facts = s.session?.facts;
    return sessionSummary({
      device: this.device,
      state: s.state,
      since: s.since,
      reason: s.lastReason,
      network: n,
      plugin: s.plugin,
      session: s.session,
      expiresAt: facts ? s.maintain.expiresAt(facts) : undefined,
      nextMaintainAt: s.maintain.nextAt,
      uiUrl: s.uiUrl,
      failedLogins: n ? s.deps.failures?.get(networkKey(n))?.count : undefined,
    });
  }

  join(network: JoinedNetwork): Promise<void> {
    const s = this.#s;
    s.detach("switched network");
    s.network = network;
    const attach = new AbortController();
    s.attach = attach;
    s.running = s.guard(attach.signal, () => evaluateAndLogin(s, network, attach.signal, new Set(), true));
    return s.running;
  }

  /**
   * Same SSID, new BSSID: the portal session belongs to the SSID, so it carries over. The
   * link pin follows (a no-op unless the address or gateway changed with the access point).
   */
  roam(network: JoinedNetwork): void {
    const s = this.#s;
    if (!s.network) return;
    s.network = network;
    s.deps.pinLink?.(network).catch((e: unknown) => s.deps.onProblem(asHotspotError(e)));
    s.save();
    s.deps.onSummary?.();
  }

  /**
   * The network is gone (or the daemon stops): work in flight is cancelled and nothing is
   * logged off. The saved session stays: a rejoin or a restart that finds the portal still
   * letting us through resumes it; one that finds the portal holding us drops it.
   */
  leave(reason: string): void {
    const s = this.#s;
    s.detach(reason);
    if (s.network) s.deps.unpinLink?.();
    s.network = undefined;
  }

  /**
   * Plugins were reloaded: keep running on the new copy of our plugin (new config,
   * credentials), or end the session when the plugin is gone. Returns false when it ended.
   */
  rebind(lookup: (id: string) => LoadedPlugin | undefined): boolean {
    const s = this.#s;
    const current = s.plugin;
    if (!current) return true;
    const next = lookup(current.id);
    if (next) {
      s.plugin = next;
      return true;
    }
    if (s.network) s.deps.records?.drop(this.device, s.network);
    s.detach(`plugin ${current.id} is no longer loaded`);
    return false;
  }

  /** Log off on request: runs the plugin's logoff, then Inactive. */
  logoff(): Promise<boolean> {
    return logoffSession(this.#s);
  }
}
