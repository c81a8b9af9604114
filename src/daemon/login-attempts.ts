import pRetry, { AbortError } from "p-retry";
import { HotspotError, hotspotError, isHotspotError } from "../errors.ts";
import type { PortalInfo } from "../helper-api/context.ts";
import type { JoinedNetwork } from "../helper-api/network.ts";
import type { LoadedPlugin } from "../helper-api/registry-types.ts";
import type { AuthenticateResult } from "../helper-api/results.ts";
import type { SessionDeps } from "./session-deps.ts";
import { asHotspotError, RetryableFailure, type RetryPolicy } from "./session-steps.ts";

export interface LoginAttempts {
  readonly deps: SessionDeps;
  readonly plugin: LoadedPlugin;
  readonly network: JoinedNetwork;
  readonly signal: AbortSignal;
  readonly retry: RetryPolicy;
  /** What detection found before the first attempt, if anything. */
  readonly portal: PortalInfo | undefined;
  /** Each fresh detection, so the session knows the portal as last seen. */
  onPortal(portal: PortalInfo): void;
  /** An attempt failed; `retriesLeft` 0 means that was the last. */
  onFailed(reason: string, error: unknown, retriesLeft: number): void;
}

/**
 * Runs authenticate under the retry policy (backoff with jitter, cut short by the signal)
 * and verifies a `success` with the daemon's own probe. temporaryFailure, a hook that
 * timed out or threw, and a login the probe does not confirm are retried; an answer that
 * fails validation is not (the plugin is broken, not the portal). Resolves with the final
 * answer (success verified, uiRequired, unsupportedNetwork or failure); rejects when the
 * attempts run out.
 */
export function authenticateWithRetry(a: LoginAttempts): Promise<AuthenticateResult> {
  const { deps, plugin, network, signal } = a;
  let portalSeen = a.portal;
  return pRetry(
    async (attempt) => {
      const portal = attempt === 1 && portalSeen ? portalSeen : await deps.detect(network, signal);
      portalSeen = portal;
      a.onPortal(portal);
      // An earlier attempt may have got through before failing (a timeout after the
      // portal accepted the form): if the probe is no longer intercepted, we are in.
      if (attempt > 1 && portal.verdict === "online") return { result: "success" } as const;
      const { result, ...learnt } = await deps.calls
        .authenticate(plugin, network, portal, signal)
        .catch((e: unknown) => {
          const err = asHotspotError(e);
          if (isHotspotError(err, "HH_PLUGIN_RESULT_INVALID")) throw new AbortError(err);
          throw err;
        });
      if (result.result === "temporaryFailure")
        throw new RetryableFailure(result.reason ?? "temporary failure");
      if (result.result !== "success") return result;
      const verified = await deps.verify(network, signal, learnt);
      if (!verified.online) {
        throw new RetryableFailure(
          hotspotError("HH_PORTAL_VERIFY_FAILED", { verdict: verified.portal.verdict }).message,
        );
      }
      return result;
    },
    {
      retries: a.retry.retries,
      minTimeout: a.retry.minTimeoutMs,
      maxTimeout: a.retry.maxTimeoutMs,
      randomize: true,
      signal,
      onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
        if (signal.aborted) return;
        if (error instanceof HotspotError) deps.onProblem(error);
        a.onFailed(`attempt ${attemptNumber} failed: ${error.message}`, error, retriesLeft);
      },
    },
  );
}
