import assert from "node:assert/strict";
import { describe, type TestContext, test } from "node:test";
import { setImmediate as tick } from "node:timers/promises";
import { defaultUserConfig } from "../../../src/config/schema.ts";
import type { StateChange } from "../../../src/daemon/events.ts";
import type { PluginCalls } from "../../../src/daemon/plugin-calls.ts";
import { DeviceSession, type SessionDeps } from "../../../src/daemon/session.ts";
import { hotspotError } from "../../../src/errors.ts";
import type { PortalInfo } from "../../../src/helper-api/context.ts";
import type { ClaimMatch } from "../../../src/helper-api/registry-types.ts";
import type { AuthenticateResult, MaintainResult } from "../../../src/helper-api/results.ts";
import { loaded, network, ONLINE, PORTAL, quietObservers } from "./builders.ts";

const BUSY: PortalInfo = {
  verdict: "unreachable",
  probeUrl: PORTAL.probeUrl,
  status: 503,
  reason: "HTTP 503",
};
const RESET: PortalInfo = { verdict: "unreachable", probeUrl: PORTAL.probeUrl, reason: "read ECONNRESET" };

function claim(pluginId: string, confidence: ClaimMatch["confidence"] = "high"): ClaimMatch {
  return { pluginId, displayName: pluginId, confidence, priority: 0, origin: "static" };
}

interface Script {
  claims?: ClaimMatch[];
  evaluate?: (candidates: readonly ClaimMatch[]) => ClaimMatch[];
  authenticate?: (pluginId: string, attempt: number, signal: AbortSignal) => Promise<AuthenticateResult>;
  maintain?: (pluginId: string) => Promise<MaintainResult>;
  portals?: PortalInfo[];
  verifyOnline?: boolean[];
}

function harness(script: Script = {}) {
  const changes: StateChange[] = [];
  const calls: string[] = [];
  const uiUrls: string[] = [];
  const problems: string[] = [];
  const winners = new Map<string, string>();
  const portals = [...(script.portals ?? [PORTAL])];
  const verifies = [...(script.verifyOnline ?? [true])];
  let attempts = 0;
  let detections = 0;
  const pluginCalls: PluginCalls = {
    plugin: (id) => loaded(id),
    evaluate: async (candidates) => {
      calls.push(`evaluate:${candidates.map((c) => c.pluginId).join(",")}`);
      return script.evaluate ? script.evaluate(candidates) : [...candidates];
    },
    authenticate: async (plugin, _n, _p, signal) => {
      attempts++;
      calls.push(`authenticate:${plugin.id}`);
      return {
        result: script.authenticate
          ? await script.authenticate(plugin.id, attempts, signal)
          : { result: "success" },
      };
    },
    maintain: async (plugin) => {
      calls.push(`maintain:${plugin.id}`);
      return script.maintain ? script.maintain(plugin.id) : { result: "success" };
    },
    logoff: async (plugin) => {
      calls.push(`logoff:${plugin.id}`);
      return undefined;
    },
  };
  const deps: SessionDeps = {
    config: { ...defaultUserConfig(), maintainIntervalSeconds: 300 },
    calls: pluginCalls,
    detect: async () => {
      detections++;
      return portals.length > 1 ? portals.shift()! : portals[0]!;
    },
    verify: async () => {
      const online = verifies.length > 1 ? verifies.shift()! : verifies[0]!;
      return { online, portal: online ? ONLINE : PORTAL };
    },
    claimsFor: () => script.claims ?? [claim("cafe")],
    winners,
    ...quietObservers(),
    onState: (c) => changes.push(c),
    onUiRequired: (_id, url) => uiUrls.push(url),
    onMaintained: (id, r) => calls.push(`maintained:${id}:${r}`),
    onProblem: (e) => problems.push(e.code),
  };
  const session = new DeviceSession("wlan0", deps, { retries: 2, minTimeoutMs: 1000, maxTimeoutMs: 4000 });
  const states = () => changes.map((c) => c.to);
  return { session, changes, calls, uiUrls, problems, winners, states, detections: () => detections };
}

async function advance(t: TestContext, ms: number): Promise<void> {
  for (let i = 0; i < 20; i++) await tick();
  t.mock.timers.tick(ms);
  for (let i = 0; i < 20; i++) await tick();
}

describe("DeviceSession", () => {
  test("join on a portal evaluates, authenticates, verifies and ends Authenticated", async () => {
    const h = harness();
    await h.session.join(network());
    assert.deepEqual(h.states(), ["Evaluating", "Authenticating", "Authenticated"]);
    assert.deepEqual(h.calls, ["evaluate:cafe", "authenticate:cafe"]);
    assert.equal(h.session.pluginId, "cafe");
    assert.equal(h.winners.get("ssid:43616665"), "cafe");
  });

  test("join on an open network calls no plugin and goes back to Inactive", async () => {
    const h = harness({ portals: [ONLINE] });
    await h.session.join(network());
    assert.deepEqual(h.states(), ["Evaluating", "Inactive"]);
    assert.deepEqual(h.calls, []);
  });

  test("no claiming plugin leaves the session Inactive", async () => {
    const h = harness({ claims: [] });
    await h.session.join(network());
    assert.deepEqual(h.states(), ["Evaluating", "Inactive"]);
    assert.match(h.session.lastReason, /no plugin claims/);
  });

  test("evaluate answering none for everyone leaves the session Inactive", async () => {
    const h = harness({ evaluate: (cs) => cs.map((c) => ({ ...c, confidence: "none" })) });
    await h.session.join(network());
    assert.equal(h.session.state, "Inactive");
    assert.deepEqual(h.calls, ["evaluate:cafe"]);
  });

  test("unsupportedNetwork re-evaluates without that plugin and the next one logs in", async () => {
    const h = harness({
      claims: [claim("first"), claim("second", "low")],
      authenticate: async (id) => (id === "first" ? { result: "unsupportedNetwork" } : { result: "success" }),
    });
    await h.session.join(network());
    assert.deepEqual(h.calls, [
      "evaluate:first,second",
      "authenticate:first",
      "evaluate:second",
      "authenticate:second",
    ]);
    assert.equal(h.session.state, "Authenticated");
    assert.equal(h.session.pluginId, "second");
  });

  test("failure ends in Failure without retrying", async () => {
    const h = harness({ authenticate: async () => ({ result: "failure", reason: "bad password" }) });
    await h.session.join(network());
    assert.equal(h.session.state, "Failure");
    assert.deepEqual(h.calls, ["evaluate:cafe", "authenticate:cafe"]);
    assert.match(h.session.lastReason, /bad password/);
  });

  test("uiRequired presents the URL and waits", async () => {
    const h = harness({
      authenticate: async () => ({ result: "uiRequired", url: "https://portal.test/captcha" }),
    });
    await h.session.join(network());
    assert.equal(h.session.state, "PresentingUI");
    assert.deepEqual(h.uiUrls, ["https://portal.test/captcha"]);
  });

  test("in PresentingUI the session re-probes on a growing backoff and takes over once online", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const h = harness({
      authenticate: async () => ({ result: "uiRequired", url: "https://portal.test/captcha" }),
      // join's detection, then two re-probes still held, then the person is done.
      portals: [PORTAL, PORTAL, PORTAL, ONLINE],
    });
    await h.session.join(network());
    assert.equal(h.session.state, "PresentingUI");
    assert.equal(h.session.summary().uiUrl, "https://portal.test/captcha");
    assert.equal(h.detections(), 1);
    await advance(t, 2_999);
    assert.equal(h.detections(), 1, "no re-probe before the first 3 s");
    await advance(t, 1);
    assert.equal(h.detections(), 2);
    assert.equal(h.session.state, "PresentingUI");
    await advance(t, 5_999);
    assert.equal(h.detections(), 2, "the second wait is longer (6 s)");
    await advance(t, 1);
    assert.equal(h.detections(), 3);
    await advance(t, 12_000);
    assert.equal(h.detections(), 4);
    await h.session.idle();
    assert.equal(h.session.state, "Authenticated");
    assert.equal(h.session.pluginId, "cafe");
    assert.equal(h.session.summary().uiUrl, undefined);
    assert.match(h.session.lastReason, /person logged in/);
    assert.equal(h.winners.get("ssid:43616665"), "cafe");
    // Taken over: the maintain schedule runs the plugin's maintain.
    await advance(t, 300_000);
    assert.ok(h.calls.includes("maintain:cafe"), h.calls.join(" "));
  });

  test("in PresentingUI a connectivity change re-probes at once; elsewhere it does nothing", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const h = harness({
      authenticate: async () => ({ result: "uiRequired", url: "https://portal.test/pay" }),
      portals: [PORTAL, PORTAL, ONLINE],
    });
    await h.session.join(network());
    h.session.connectivityChanged();
    await h.session.idle();
    assert.equal(h.detections(), 2);
    assert.equal(h.session.state, "PresentingUI");
    h.session.connectivityChanged();
    await h.session.idle();
    assert.equal(h.detections(), 3);
    assert.equal(h.session.state, "Authenticated");
    h.session.connectivityChanged();
    await advance(t, 60_000);
    assert.equal(h.detections(), 3, "no re-probes once authenticated (maintain owns the link)");
  });

  test("the wait caps at 60 s between re-probes and ends when the network is left", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const h = harness({
      authenticate: async () => ({ result: "uiRequired", url: "https://portal.test/sms" }),
    });
    await h.session.join(network());
    // 3 + 6 + 12 + 24 + 48 s, then every 60 s.
    for (const step of [3_000, 6_000, 12_000, 24_000, 48_000, 60_000, 60_000]) await advance(t, step);
    assert.equal(h.detections(), 8);
    await advance(t, 59_000);
    assert.equal(h.detections(), 8);
    h.session.leave("disconnected");
    await advance(t, 600_000);
    assert.equal(h.detections(), 8);
    assert.equal(h.session.state, "Inactive");
  });

  test("temporaryFailure is retried with backoff and then succeeds", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const h = harness({
      authenticate: async (_id, attempt) =>
        attempt < 3 ? { result: "temporaryFailure", reason: "busy" } : { result: "success" },
    });
    const done = h.session.join(network());
    await advance(t, 10_000);
    await advance(t, 10_000);
    await done;
    assert.equal(h.session.state, "Authenticated");
    assert.equal(h.calls.filter((c) => c === "authenticate:cafe").length, 3);
  });

  test("a login the re-probe does not confirm is retried, then ends in Failure", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const h = harness({ verifyOnline: [false] });
    const done = h.session.join(network());
    await advance(t, 10_000);
    await advance(t, 10_000);
    await done;
    assert.equal(h.session.state, "Failure");
    assert.equal(h.calls.filter((c) => c === "authenticate:cafe").length, 3);
    assert.match(h.session.lastReason, /still portal/);
  });

  test("a hook timeout counts as a transient failure and is retried", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const h = harness({
      authenticate: async (id, attempt) => {
        if (attempt === 1)
          throw hotspotError("HH_PLUGIN_HOOK_TIMEOUT", { plugin: id, hook: "authenticate", ms: 45000 });
        return { result: "success" };
      },
    });
    const done = h.session.join(network());
    await advance(t, 10_000);
    await done;
    assert.equal(h.session.state, "Authenticated");
    assert.deepEqual(h.problems, ["HH_PLUGIN_HOOK_TIMEOUT"]);
  });

  test("a probe answered with a 503 or a reset is made again with backoff, then the login goes ahead", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const h = harness({ portals: [BUSY, RESET, PORTAL] });
    const done = h.session.join(network());
    await advance(t, 10_000);
    await advance(t, 10_000);
    await done;
    assert.equal(h.detections(), 3);
    assert.deepEqual(h.states(), [
      "Evaluating",
      "Evaluating",
      "Evaluating",
      "Authenticating",
      "Authenticated",
    ]);
    assert.match(h.changes[1]?.reason ?? "", /HTTP 503; probing again/);
    assert.deepEqual(h.calls, ["evaluate:cafe", "authenticate:cafe"]);
  });

  test("a network that never answers is probed a bounded number of times, then decided on the last answer", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const h = harness({ portals: [RESET], evaluate: (cs) => cs.map((c) => ({ ...c, confidence: "none" })) });
    const done = h.session.join(network());
    for (let i = 0; i < 4; i++) await advance(t, 10_000);
    await done;
    assert.equal(h.detections(), 3);
    assert.equal(h.session.state, "Inactive");
    assert.deepEqual(h.calls, ["evaluate:cafe"]);
  });

  test("a broken proxy's empty 200 is a verdict, not probed again", async () => {
    const h = harness({
      portals: [{ verdict: "unreachable", probeUrl: PORTAL.probeUrl, status: 200, reason: "broken proxy" }],
      evaluate: (cs) => cs.map((c) => ({ ...c, confidence: "none" })),
    });
    await h.session.join(network());
    assert.equal(h.detections(), 1);
  });

  test("leaving while waiting to probe again stops at once, with no further probe", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const h = harness({ portals: [BUSY] });
    const done = h.session.join(network());
    for (let i = 0; i < 20; i++) await tick();
    h.session.leave("left");
    await done;
    await advance(t, 60_000);
    assert.equal(h.detections(), 1);
    assert.equal(h.session.state, "Inactive");
    assert.deepEqual(h.calls, []);
  });

  test("leaving during authenticate aborts the hook and never reaches Authenticated", async () => {
    let seen: AbortSignal | undefined;
    const h = harness({
      authenticate: (_id, _a, signal) =>
        new Promise((_resolve, reject) => {
          seen = signal;
          signal.addEventListener("abort", () => reject(signal.reason));
        }),
    });
    const done = h.session.join(network());
    while (!seen) await tick();
    h.session.leave("left Cafe");
    await done;
    assert.equal(seen.aborted, true);
    assert.equal(h.session.state, "Inactive");
    assert.ok(!h.states().includes("Authenticated"));
  });

  test("maintain runs at the interval and keeps the session", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const h = harness();
    await h.session.join(network());
    await advance(t, 299_000);
    assert.ok(!h.calls.includes("maintain:cafe"));
    await advance(t, 1_000);
    await h.session.idle();
    assert.ok(h.calls.includes("maintained:cafe:success"));
    assert.deepEqual(h.states().slice(-2), ["Maintaining", "Authenticated"]);
  });

  test("maintain runs before an announced expiry", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const h = harness({
      authenticate: async () => ({ result: "success", session: { expiresInSeconds: 120 } }),
    });
    await h.session.join(network());
    await advance(t, 90_000);
    await h.session.idle();
    assert.ok(h.calls.includes("maintain:cafe"));
  });

  test("maintain answering authenticationRequired logs in again", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const h = harness({ maintain: async () => ({ result: "authenticationRequired" }) });
    await h.session.join(network());
    await advance(t, 300_000);
    await h.session.idle();
    assert.deepEqual(h.calls, [
      "evaluate:cafe",
      "authenticate:cafe",
      "maintain:cafe",
      "maintained:cafe:authenticationRequired",
      "authenticate:cafe",
    ]);
    assert.equal(h.session.state, "Authenticated");
  });

  test("maintain failure forgets the cached winner and re-evaluates", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const h = harness({ maintain: async () => ({ result: "failure" }) });
    await h.session.join(network());
    await advance(t, 300_000);
    await h.session.idle();
    assert.deepEqual(h.calls.slice(3), ["maintained:cafe:failure", "evaluate:cafe", "authenticate:cafe"]);
  });

  test("a rejoin uses the cached winner and skips evaluate", async () => {
    const h = harness();
    await h.session.join(network());
    h.session.leave("left");
    await h.session.join(network());
    assert.deepEqual(h.calls, ["evaluate:cafe", "authenticate:cafe", "authenticate:cafe"]);
  });

  test("logoff runs the plugin's logoff and returns to Inactive", async () => {
    const h = harness();
    await h.session.join(network());
    assert.equal(await h.session.logoff(), true);
    assert.deepEqual(h.states().slice(-2), ["LoggingOff", "Inactive"]);
    assert.ok(h.calls.includes("logoff:cafe"));
    assert.equal(await h.session.logoff(), false);
  });

  test("logoff runs only on request: not before login, not when the network is left", async () => {
    const h = harness();
    assert.equal(await h.session.logoff(), false);
    await h.session.join(network());
    assert.equal(h.session.state, "Authenticated");
    h.session.leave("network left");
    assert.equal(await h.session.logoff(), false);
    await h.session.join(network());
    h.session.leave("daemon stopping");
    assert.ok(!h.calls.some((c) => c.startsWith("logoff:")), h.calls.join(" "));
  });

  test("logoff of a plugin without a logoff hook ends the session without calling it", async () => {
    const h = harness({ claims: [claim("nologoff-terms")] });
    await h.session.join(network());
    assert.equal(await h.session.logoff(), true);
    assert.equal(h.session.state, "Inactive");
    assert.ok(!h.calls.some((c) => c.startsWith("logoff:")));
    assert.match(h.session.lastReason, /has no logoff/);
  });

  test("an attempt that timed out after the portal opened is taken as logged in on retry", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const h = harness({
      portals: [PORTAL, ONLINE],
      authenticate: async (id, attempt) => {
        if (attempt === 1)
          throw hotspotError("HH_PLUGIN_HOOK_TIMEOUT", { plugin: id, hook: "authenticate", ms: 45000 });
        return { result: "failure", reason: "should not be called again" };
      },
    });
    const done = h.session.join(network());
    await advance(t, 10_000);
    await done;
    assert.equal(h.session.state, "Authenticated");
    assert.equal(h.calls.filter((c) => c === "authenticate:cafe").length, 1);
  });

  test("roaming to another BSSID keeps the session", async () => {
    const h = harness();
    await h.session.join(network());
    h.session.roam({ ...network(), bssid: "02:00:00:00:00:02" });
    assert.equal(h.session.state, "Authenticated");
    assert.equal(h.session.network?.bssid, "02:00:00:00:00:02");
  });
});
