import pRetry, { AbortError } from "p-retry";
import { HotspotError, hotspotError, reasonOf } from "../errors.ts";
import type { PortalInfo, SessionInfo } from "../helper-api/context.ts";
import type { JoinedNetwork } from "../helper-api/network.ts";
import type { LoadedPlugin } from "../helper-api/registry-types.ts";
import type { Clock } from "./clock.ts";
import type { SessionDeps } from "./session-deps.ts";

/** Retry policy for temporaryFailure and transport errors during authenticate. */
export interface RetryPolicy {
  readonly retries: number;
  readonly minTimeoutMs: number;
  readonly maxTimeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 4, minTimeoutMs: 2_000, maxTimeoutMs: 60_000 };

/** Internal signal that an attempt should be retried (temporaryFailure, failed verification). */
export class RetryableFailure extends Error {}

/**
 * Detection after a join, tried again under the retry policy (backoff with jitter, bounded,
 * cut short by a leave) while the answer looks like a portal having a bad moment rather
 * than a verdict: no HTTP answer at all (reset, timeout, refused) or a 5xx. An overloaded
 * controller answers the first probes with 503s; deciding on those would leave every plugin
 * declining a network it could log in to. Out of attempts, the last answer stands.
 */
export async function detectPatiently(
  detect: (network: JoinedNetwork, signal: AbortSignal) => Promise<PortalInfo>,
  network: JoinedNetwork,
  signal: AbortSignal,
  retry: RetryPolicy,
  onRetry: (reason: string) => void,
): Promise<PortalInfo> {
  let last: PortalInfo | undefined;
  try {
    return await pRetry(
      async () => {
        last = await detect(network, signal);
        if (passingTrouble(last)) throw new RetryableFailure(`probe: ${last.reason ?? "unreachable"}`);
        return last;
      },
      {
        retries: retry.retries,
        minTimeout: retry.minTimeoutMs,
        maxTimeout: retry.maxTimeoutMs,
        randomize: true,
        signal,
        onFailedAttempt: ({ error, retriesLeft }) => {
          if (!signal.aborted && retriesLeft > 0) onRetry(`${error.message}; probing again`);
        },
      },
    );
  } catch (e) {
    if (signal.aborted || last === undefined) throw e;
    return last;
  }
}

/** An unreachable verdict worth probing again: no HTTP answer, or a server error (not a broken proxy's 200). */
function passingTrouble(portal: PortalInfo): boolean {
  if (portal.verdict !== "unreachable" || portal.decidedBy === "dhcp") return false;
  return portal.status === undefined || portal.status >= 500;
}

/**
 * Waits `ms`, or rejects at once with the signal's reason when it fires. On `timer` when
 * given (the daemon's clock), else on a plain, ref'd `setTimeout`.
 */
export function abortableDelay(ms: number, signal: AbortSignal, timer?: Clock["timer"]): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      cancel();
      reject(signal.reason);
    };
    const done = (): void => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    };
    let cancel: () => void;
    if (timer) cancel = timer(ms, done);
    else {
      const t = setTimeout(done, ms);
      cancel = () => clearTimeout(t);
    }
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Runs the plugin's logoff (detecting the portal first when nothing is known of it). A
 * `failure` answer or an error is reported, not thrown: the session ends either way. An
 * error after the signal fired is the leave that cancelled it, not a problem.
 */
export async function logoffThroughPlugin(
  deps: SessionDeps,
  plugin: LoadedPlugin,
  network: JoinedNetwork,
  known: PortalInfo | undefined,
  session: SessionInfo,
  signal: AbortSignal,
): Promise<void> {
  try {
    const portal = known ?? (await deps.detect(network, signal));
    const answer = await deps.calls.logoff(plugin, network, portal, session, signal);
    if (answer?.result === "failure") {
      deps.onProblem(
        hotspotError("HH_PLUGIN_HOOK_ANSWERED_FAILURE", {
          plugin: plugin.id,
          hook: "logoff",
          reason: answer.reason ?? "no reason given",
        }),
      );
    } else {
      deps.onLoggedOff(plugin.id);
    }
  } catch (e) {
    if (!signal.aborted) deps.onProblem(asHotspotError(e));
  }
}

export function asHotspotError(e: unknown): HotspotError {
  if (e instanceof HotspotError) return e;
  if (e instanceof AbortError) return asHotspotError(e.originalError);
  return hotspotError("HH_INTERNAL", { reason: reasonOf(e) }, { cause: e });
}
