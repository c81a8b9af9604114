import { reasonOf } from "../errors.ts";
import type { PortalInfo, SessionInfo } from "../helper-api/context.ts";
import type { JoinedNetwork } from "../helper-api/network.ts";
import type { LoadedPlugin } from "../helper-api/registry-types.ts";
import type { AuthenticateResult, SessionFacts } from "../helper-api/results.ts";
import { authenticateWithRetry } from "./login-attempts.ts";
import { loginBackoff, resumable } from "./rejoin.ts";
import type { SessionCore } from "./session-core.ts";
import { networkKey } from "./session-deps.ts";
import { type Relogin, runMaintain, scheduleMaintain } from "./session-maintain.ts";
import { abortableDelay, asHotspotError, detectPatiently } from "./session-steps.ts";
import { loginBackoffMs } from "./state/records.ts";

/**
 * The way from a join to Authenticated: evaluate (or the cached choice), back off after
 * failed logins, authenticate with retries, hand over to a person when the plugin asks,
 * then schedule maintain. Every step runs under the attachment's signal.
 */
export async function evaluateAndLogin(
  s: SessionCore,
  network: JoinedNetwork,
  signal: AbortSignal,
  excluded: Set<string>,
  justJoined = false,
): Promise<void> {
  s.to("Evaluating", excluded.size ? `re-evaluating without ${[...excluded].join(", ")}` : "joined");
  // The route must be in place before the first probe, or an off-link portal is asked
  // through whatever holds the default route (a VPN, Ethernet).
  if (justJoined && s.deps.pinLink) {
    await s.deps.pinLink(network).catch((e: unknown) => s.deps.onProblem(asHotspotError(e)));
    if (signal.aborted) return;
  }
  const portal = await detectPatiently(s.deps.detect, network, signal, s.retry, (why) =>
    s.to("Evaluating", why),
  );
  s.portal = portal;
  s.deps.onPortal(portal);
  if (portal.verdict === "online") {
    const resumed = justJoined ? resumable(s.deps, s.device, network) : undefined;
    if (resumed) return resume(s, resumed.plugin, resumed.session, resumed.factsAt, signal);
    s.to("Inactive", "no captive portal: already online");
    return;
  }
  // Held by the portal: the session saved for this network is over (other networks' stay).
  s.deps.records?.drop(s.device, network);
  const plugin = await choose(s, network, portal, signal, excluded);
  if (!plugin) return;
  s.plugin = plugin;
  if (justJoined) await backOff(s, network, signal);
  if (signal.aborted) return;
  await authenticate(s, network, plugin, signal, excluded);
}

function reloginFor(s: SessionCore): Relogin {
  return {
    authenticate: (network, plugin, signal) => authenticate(s, network, plugin, signal, new Set()),
    evaluate: (network, signal) => evaluateAndLogin(s, network, signal, new Set()),
  };
}

async function resume(
  s: SessionCore,
  plugin: LoadedPlugin,
  session: SessionInfo,
  factsAt: number,
  signal: AbortSignal,
): Promise<void> {
  s.plugin = plugin;
  s.session = session;
  s.maintain.restart(factsAt);
  s.to("Authenticated", "the portal still lets us through: session resumed", plugin.id);
  s.save();
  await runMaintain(s, signal, reloginFor(s));
}

/** After failed logins on this network, wait out the backoff before posting again. */
async function backOff(s: SessionCore, network: JoinedNetwork, signal: AbortSignal): Promise<void> {
  const backoff = loginBackoff(s.deps, network, s.now());
  if (!backoff) return;
  s.to("Evaluating", backoff.reason);
  await abortableDelay(backoff.waitMs, signal, s.deps.timer).catch(() => undefined);
}

async function choose(
  s: SessionCore,
  network: JoinedNetwork,
  portal: PortalInfo,
  signal: AbortSignal,
  excluded: Set<string>,
): Promise<LoadedPlugin | undefined> {
  const cached = s.deps.winners.get(networkKey(network));
  const candidates = s.deps
    .claimsFor(network)
    .filter((c) => !excluded.has(c.pluginId) && c.confidence !== "none");
  if (cached && !excluded.has(cached) && candidates.some((c) => c.pluginId === cached)) {
    const plugin = s.deps.calls.plugin(cached);
    if (plugin) return plugin;
  }
  if (candidates.length === 0) {
    s.to("Inactive", "no plugin claims this network");
    return undefined;
  }
  const ranked = await s.deps.calls.evaluate(candidates, network, portal, signal);
  // A leave or another join cancels evaluation, which then answers `none` for everyone:
  // that is no verdict on this network and the state now belongs to whatever came next.
  if (signal.aborted) return undefined;
  s.deps.onEvaluated(ranked);
  const best = ranked.find((c) => c.confidence !== "none");
  if (!best) {
    s.to("Inactive", "every claiming plugin declined after evaluate");
    return undefined;
  }
  return s.deps.calls.plugin(best.pluginId);
}

async function authenticate(
  s: SessionCore,
  network: JoinedNetwork,
  plugin: LoadedPlugin,
  signal: AbortSignal,
  excluded: Set<string>,
): Promise<void> {
  s.to("Authenticating", `${plugin.id} chosen`, plugin.id);
  let outcome: AuthenticateResult;
  try {
    outcome = await authenticateWithRetry({
      deps: s.deps,
      plugin,
      network,
      signal,
      retry: s.retry,
      portal: s.portal,
      onPortal: (portal) => {
        s.portal = portal;
      },
      onFailed: (reason, _error, retriesLeft) => {
        s.lastReason = reason;
        if (retriesLeft > 0) s.to("Authenticating", `${reason}; retrying`, plugin.id);
      },
    });
  } catch (e) {
    if (signal.aborted) return;
    failed(s, network, plugin, `authentication did not succeed: ${reasonOf(e)}`);
    return;
  }
  if (signal.aborted) return;
  switch (outcome.result) {
    case "success":
      return authenticated(s, plugin, outcome.session ?? {}, signal, "login verified");
    case "uiRequired":
      s.uiUrl = outcome.url;
      s.to("PresentingUI", `a person must open ${outcome.url}`, plugin.id);
      s.deps.onUiRequired(plugin.id, outcome.url);
      waitForPerson(s, network, plugin, signal);
      return;
    case "unsupportedNetwork":
      excluded.add(plugin.id);
      s.deps.winners.delete(networkKey(network));
      return evaluateAndLogin(s, network, signal, excluded);
    case "failure":
      failed(s, network, plugin, `login failed: ${outcome.reason ?? "no reason given"}`);
      return;
  }
}

/**
 * The person logs in themselves, in the portal window; the session takes over once the
 * probe says we are online. Re-probes on a backoff and on connectivity changes.
 */
function waitForPerson(s: SessionCore, network: JoinedNetwork, plugin: LoadedPlugin, signal: AbortSignal) {
  const check = (): void => {
    s.running = s.guard(signal, () => checkPerson(s, network, plugin, signal));
  };
  s.personWait.start(check);
}

async function checkPerson(
  s: SessionCore,
  network: JoinedNetwork,
  plugin: LoadedPlugin,
  signal: AbortSignal,
): Promise<void> {
  if (signal.aborted || s.state !== "PresentingUI") return;
  const portal = await s.deps.detect(network, signal).catch((e: unknown) => {
    if (!signal.aborted) s.deps.onProblem(asHotspotError(e));
    return undefined;
  });
  if (signal.aborted || s.state !== "PresentingUI") return;
  if (portal) s.portal = portal;
  if (portal?.verdict !== "online") {
    s.personWait.again();
    return;
  }
  s.personWait.clear();
  // The portal gave no facts (the person logged in, not the plugin): maintain finds them.
  await authenticated(s, plugin, {}, signal, "online after the person logged in through the portal");
}

/** Unlike Apple, a failure leaves auto-join alone: it is recorded and the next join backs off. */
function failed(s: SessionCore, network: JoinedNetwork, plugin: LoadedPlugin, reason: string): void {
  const record = s.deps.failures?.record(networkKey(network), reason);
  const next = record ? `; next join waits ${loginBackoffMs(record.count) / 1000} s` : "";
  s.to("Failure", `${reason}${next}`, plugin.id);
}

async function authenticated(
  s: SessionCore,
  plugin: LoadedPlugin,
  facts: SessionFacts,
  signal: AbortSignal,
  reason: string,
): Promise<void> {
  const network = s.network;
  if (!network) return;
  s.session = { authenticatedAt: s.now(), facts };
  s.maintain.restart(s.now());
  s.uiUrl = undefined;
  s.deps.winners.set(networkKey(network), plugin.id);
  s.deps.failures?.clear(networkKey(network));
  s.to("Authenticated", reason, plugin.id);
  s.save();
  s.deps.onAuthenticated(plugin.id, facts);
  if (s.deps.recheckConnectivity) {
    await s.deps.recheckConnectivity().catch((e: unknown) => s.deps.onProblem(asHotspotError(e)));
  }
  if (!signal.aborted) scheduleMaintain(s, signal, reloginFor(s));
}
