import { performance } from "node:perf_hooks";
import { isHotspotError, reasonOf } from "../errors.ts";
import type { PortalInfo } from "../helper-api/context.ts";
import type { JoinedNetwork } from "../helper-api/network.ts";
import type { ClaimMatch, LoadedPlugin, PluginRegistry } from "../helper-api/registry-types.ts";
import type { SessionFacts } from "../helper-api/results.ts";
import type { PluginHost } from "../plugin-host/host.ts";
import { redact, secretLeaves } from "../util/redact.ts";

/**
 * The steps of `hotspot plugin test`, each judged on what the portal and a fresh probe
 * say, not only on what the plugin claims: authenticate passes when the plugin said
 * success AND the probe is online afterwards; logoff passes when the probe is intercepted
 * again. A step that throws fails with the error; later steps that need a session are
 * skipped after a failed login.
 *
 * Like the daemon, an evaluate answer of `none` ends the run: authenticate, maintain and
 * logoff are skipped (unless `force`). With `expect: "declined"` the plugin passes by
 * refusing: evaluate `none`, or authenticate `unsupportedNetwork` or `failure`; a
 * `success` there fails, since it logged in where it should not have.
 */

export type PluginStep = "claim" | "evaluate" | "authenticate" | "maintain" | "logoff" | "credentials";

export interface StepResult {
  readonly step: PluginStep;
  readonly status: "pass" | "fail" | "skip";
  /** One line for people; never contains the plugin's credentials. */
  readonly detail: string;
  readonly ms: number;
}

export interface StepInput {
  readonly plugin: LoadedPlugin;
  readonly registry: PluginRegistry;
  readonly host: PluginHost;
  readonly network: JoinedNetwork;
  /** The scenario lets everyone through (logoff cannot capture the client again). */
  readonly open: boolean;
  /** `login`: the plugin must log in; `declined`: it must refuse (evaluate none, or authenticate unsupportedNetwork/failure). */
  readonly expect: "login" | "declined";
  /** Go on to authenticate after evaluate answered `none` (the daemon would stop there). */
  readonly force: boolean;
  /** Probes the portal as the daemon would after joining. */
  detect(): Promise<PortalInfo>;
}

const describeApi = (p: PortalInfo): string =>
  p.api
    ? ` (RFC 8908 API: ${p.api.captive ? "captive" : "not captive"})`
    : p.apiError
      ? ` (RFC 8908 API unusable: ${p.apiError})`
      : "";

const describePortal = (p: PortalInfo): string =>
  (p.verdict === "portal"
    ? `portal${p.loginUrl ? ` at ${p.loginUrl}` : ""}`
    : p.verdict === "unreachable"
      ? `unreachable (${p.reason ?? "?"})`
      : "online") + describeApi(p);

export async function runSteps(input: StepInput): Promise<StepResult[]> {
  const { plugin, registry, host, open, expect } = input;
  const declining = expect === "declined";
  const secrets = secretLeaves(plugin.credentials);
  const results: StepResult[] = [];
  const step = async (
    name: PluginStep,
    body: () => Promise<{ ok: boolean | "skip"; detail: string }>,
  ): Promise<boolean> => {
    const started = performance.now();
    let outcome: { ok: boolean | "skip"; detail: string };
    try {
      outcome = await body();
    } catch (e) {
      // A coded error already says what happened (timed out, threw, invalid result); only a
      // bare exception needs the word.
      outcome = { ok: false, detail: isHotspotError(e) ? e.message : `threw: ${reasonOf(e)}` };
    }
    const status = outcome.ok === "skip" ? "skip" : outcome.ok ? "pass" : "fail";
    results.push({
      step: name,
      status,
      detail: redact(outcome.detail, secrets),
      ms: performance.now() - started,
    });
    return outcome.ok === true;
  };

  let claim: ClaimMatch | undefined;
  let declined = false;
  let authenticated = false;
  await step("claim", async () => {
    const [matches] = await registry.filterScanList([input.network]);
    claim = matches?.find((m) => m.pluginId === plugin.id);
    const ssid = JSON.stringify(input.network.ssidText);
    return claim && claim.confidence !== "none"
      ? { ok: true, detail: `${claim.confidence} (${claim.origin}) on ${ssid}` }
      : { ok: false, detail: `no claim on ${ssid} (${input.network.bssid})` };
  });

  const portal = await input.detect();
  await step("evaluate", async () => {
    const candidate: ClaimMatch = claim ?? {
      pluginId: plugin.id,
      displayName: plugin.displayName,
      confidence: "low",
      priority: plugin.priority,
      origin: "static",
    };
    const { ranked, outcomes } = await host.evaluate([candidate], input.network, portal, { registry });
    const mine = ranked.find((m) => m.pluginId === plugin.id);
    const failure = outcomes.find((o) => o.pluginId === plugin.id)?.error;
    const hook = plugin.definition.evaluate ? "" : " (no evaluate hook: the claim stands)";
    declined = mine === undefined;
    if (mine) return { ok: true, detail: `${mine.confidence}${hook}; probe: ${describePortal(portal)}` };
    // A hook that failed counts as none in the daemon, but it is not a refusal.
    if (failure) return { ok: false, detail: `none (${failure.message}); probe: ${describePortal(portal)}` };
    return {
      ok: declining,
      detail: `none${declining ? " (declined, as expected)" : ""}; probe: ${describePortal(portal)}`,
    };
  });
  const stopped = declined && !input.force;
  const afterNone = "evaluate answered none: the daemon would not log in with this plugin (--force runs it)";

  let facts: SessionFacts | undefined;
  await step("authenticate", async () => {
    if (stopped) return { ok: "skip", detail: afterNone };
    const { result } = await host.authenticate(plugin, input.network, portal);
    const why = "reason" in result && result.reason ? `: ${result.reason}` : "";
    if (declining) {
      const refused = result.result === "unsupportedNetwork" || result.result === "failure";
      if (refused) return { ok: true, detail: `${result.result}${why} (declined, as expected)` };
      return { ok: false, detail: `${result.result}${why}: expected the plugin to refuse` };
    }
    if (result.result !== "success") {
      const url = result.result === "uiRequired" ? ` (${result.url})` : "";
      return { ok: false, detail: `${result.result}${why}${url}` };
    }
    facts = result.session ?? {};
    const after = await input.detect();
    authenticated = after.verdict === "online";
    return { ok: authenticated, detail: `success; probe after: ${describePortal(after)}` };
  });

  const session = () => ({ authenticatedAt: Date.now(), facts: facts ?? {} });
  const maintained = { ...input.network, justJoined: false };
  await step("maintain", async () => {
    if (stopped) return { ok: "skip", detail: afterNone };
    if (!authenticated) return { ok: "skip", detail: declining ? "declined: no session" : "not logged in" };
    const now = await input.detect();
    const { result } = await host.maintain(plugin, maintained, now, session());
    const hook = plugin.definition.maintain ? "" : " (no maintain hook: the probe decides)";
    const why = "reason" in result && result.reason ? `: ${result.reason}` : "";
    return { ok: result.result === "success", detail: `${result.result}${why}${hook}` };
  });

  await step("logoff", async () => {
    if (!plugin.definition.logoff) return { ok: "skip", detail: "no logoff hook" };
    if (stopped) return { ok: "skip", detail: afterNone };
    if (!authenticated) return { ok: "skip", detail: declining ? "declined: no session" : "not logged in" };
    const now = await input.detect();
    const { result } = await host.logoff(plugin, maintained, now, session());
    if (result && result.result !== "success")
      return { ok: false, detail: `failure: ${result.reason ?? "?"}` };
    const after = await input.detect();
    if (open) return { ok: true, detail: "success (an open network cannot capture the client again)" };
    return { ok: after.verdict === "portal", detail: `success; probe after: ${describePortal(after)}` };
  });

  return results;
}
