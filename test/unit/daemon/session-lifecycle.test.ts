import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { defaultUserConfig } from "../../../src/config/schema.ts";
import type { PluginCalls } from "../../../src/daemon/plugin-calls.ts";
import { DeviceSession, type SessionDeps } from "../../../src/daemon/session.ts";
import { choiceCache, memoryState } from "../../../src/daemon/state/choices.ts";
import { failureLog } from "../../../src/daemon/state/records.ts";
import { type SessionToSave, sessionRecords } from "../../../src/daemon/state/saved-sessions.ts";
import type { PortalInfo } from "../../../src/helper-api/context.ts";
import type { AuthenticateResult, MaintainResult } from "../../../src/helper-api/results.ts";
import { advance, loaded, network, ONLINE, PORTAL, quietObservers } from "./builders.ts";

interface Script {
  fingerprint?: () => string;
  portal?: () => PortalInfo;
  authenticate?: () => AuthenticateResult;
  maintain?: () => MaintainResult;
  saved?: SessionToSave;
  random?: number;
}

function harness(script: Script = {}) {
  let now = 1_000_000;
  const holder = memoryState();
  const calls: string[] = [];
  const states: string[] = [];
  const records = sessionRecords(holder, () => now);
  if (script.saved) records.save("wlan0", script.saved);
  const pluginCalls: PluginCalls = {
    plugin: (id) => (id === "gone" ? undefined : loaded(id)),
    evaluate: async (candidates) => {
      calls.push("evaluate");
      return [...candidates];
    },
    authenticate: async () => {
      calls.push("authenticate");
      return { result: script.authenticate?.() ?? { result: "success" } };
    },
    maintain: async (_p, n) => {
      calls.push(`maintain:${n.justJoined ? "justJoined" : "periodic"}`);
      return script.maintain?.() ?? { result: "success" };
    },
    logoff: async () => undefined,
  };
  const deps: SessionDeps = {
    config: defaultUserConfig(),
    calls: pluginCalls,
    detect: async () => script.portal?.() ?? PORTAL,
    verify: async () => ({ online: true, portal: ONLINE }),
    claimsFor: () => [
      { pluginId: "cafe", displayName: "Cafe", confidence: "high", priority: 0, origin: "static" },
    ],
    winners: choiceCache(holder, script.fingerprint ?? (() => "fp")),
    records,
    failures: failureLog(holder, () => now),
    random: () => script.random ?? 0,
    now: () => now,
    ...quietObservers(),
    onState: (c) => states.push(c.to),
  };
  const session = new DeviceSession("wlan0", deps, { retries: 0, minTimeoutMs: 1, maxTimeoutMs: 1 });
  return {
    session,
    calls,
    states,
    holder,
    records,
    advanceClock: (ms: number) => {
      now += ms;
    },
  };
}

const SAVED: SessionToSave = {
  ssidHex: "43616665",
  ssidText: "Cafe",
  security: "open",
  bssid: "02:00:00:00:00:01",
  pluginId: "cafe",
  authenticatedAt: 900_000,
  facts: { expiresInSeconds: 3600, bytesRemaining: 5_000 },
  factsAt: 900_000,
};

describe("DeviceSession across restarts, rejoins and failures", () => {
  test("a saved session the portal still honours is resumed without evaluate or login, and maintained at once as just joined", async () => {
    const h = harness({ saved: SAVED, portal: () => ONLINE });
    await h.session.join(network());
    assert.deepEqual(h.calls, ["maintain:justJoined"], h.states.join(","));
    assert.deepEqual(h.states, ["Evaluating", "Authenticated", "Maintaining", "Authenticated"]);
    const summary = h.session.summary();
    assert.equal(summary.authenticatedAt, 900_000);
    assert.equal(summary.expiresAt, 900_000 + 3_600_000);
    assert.equal(summary.bytesRemaining, 5_000);
  });

  test("the first maintain after a login is marked just joined, the later ones periodic", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const h = harness();
    await h.session.join(network());
    await advance(t, h, 300_000);
    await h.session.idle();
    await advance(t, h, 300_000);
    await h.session.idle();
    assert.deepEqual(h.calls, ["evaluate", "authenticate", "maintain:justJoined", "maintain:periodic"]);
  });

  test("a saved session for another network, or whose portal holds us again, is dropped and we log in", async () => {
    const other = harness({ saved: { ...SAVED, ssidHex: "4f74686572" }, portal: () => ONLINE });
    await other.session.join(network());
    assert.deepEqual(other.calls, []);
    assert.equal(other.session.state, "Inactive");
    const held = harness({ saved: SAVED });
    await held.session.join(network());
    assert.deepEqual(held.calls, ["evaluate", "authenticate"]);
    assert.equal(held.records.get("wlan0", network())?.authenticatedAt, 1_000_000);
  });

  test("a login saves the session with its facts; leaving keeps it, logoff drops it", async () => {
    const h = harness({ authenticate: () => ({ result: "success", session: { expiresInSeconds: 900 } }) });
    await h.session.join(network());
    assert.deepEqual(h.records.get("wlan0", network())?.facts, { expiresInSeconds: 900 });
    h.session.leave("left");
    assert.ok(h.records.get("wlan0", network()));
    await h.session.join(network());
    assert.equal(await h.session.logoff(), true);
    assert.equal(h.records.get("wlan0", network()), undefined);
  });

  test("a failed login keeps the network, records why, and the next join waits out the backoff before posting again", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const h = harness({ authenticate: () => ({ result: "failure", reason: "wrong password" }) });
    await h.session.join(network());
    assert.equal(h.session.state, "Failure");
    assert.match(h.session.lastReason, /wrong password; next join waits 30 s/);
    assert.equal(h.session.summary().failedLogins, 1);
    h.session.leave("link flapped");
    const rejoin = h.session.join(network());
    await advance(t, h, 10_000);
    assert.equal(h.calls.filter((c) => c === "authenticate").length, 1);
    assert.match(
      h.session.lastReason,
      /waiting 30 s before logging in: 1 failed login\(s\), last: login failed: wrong password/,
    );
    await advance(t, h, 20_000);
    await rejoin;
    assert.equal(h.calls.filter((c) => c === "authenticate").length, 2);
    assert.equal(h.holder.state.failures["ssid:43616665"]?.count, 2);
  });

  test("a success clears the failures", async () => {
    let fail = true;
    const h = harness({
      authenticate: () => (fail ? { result: "failure", reason: "busy" } : { result: "success" }),
    });
    await h.session.join(network());
    fail = false;
    h.advanceClock(60_000);
    await h.session.join(network());
    assert.equal(h.session.state, "Authenticated");
    assert.deepEqual(h.holder.state.failures, {});
  });

  test("a renewal the portal does not grant is not retried every second until the end", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const h = harness({
      authenticate: () => ({ result: "success", session: { expiresInSeconds: 120 } }),
      maintain: () => ({ result: "success" }),
    });
    await h.session.join(network());
    await advance(t, h, 90_000);
    await h.session.idle();
    assert.equal(h.calls.filter((c) => c.startsWith("maintain")).length, 1);
    await advance(t, h, 29_000);
    assert.equal(h.calls.filter((c) => c.startsWith("maintain")).length, 1);
    await advance(t, h, 3_000);
    await h.session.idle();
    assert.equal(h.calls.filter((c) => c.startsWith("maintain")).length, 2);
  });

  test("a renewal that pushes the end back schedules the next one before the new end", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const h = harness({
      authenticate: () => ({ result: "success", session: { expiresInSeconds: 120, canExtend: true } }),
      maintain: () => ({ result: "success", session: { expiresInSeconds: 120, canExtend: true } }),
    });
    await h.session.join(network());
    await advance(t, h, 90_000);
    await h.session.idle();
    assert.equal(h.session.summary().expiresAt, 1_000_000 + 90_000 + 120_000);
    assert.equal(h.session.summary().nextMaintainAt, 1_000_000 + 90_000 + 90_000);
  });

  test("jitter from the injected random source moves the maintain earlier", async () => {
    const h = harness({ random: 1 });
    await h.session.join(network());
    assert.equal(h.session.summary().nextMaintainAt, 1_000_000 + 270_000);
  });

  test("roaming keeps the session and saves the new access point", async () => {
    const h = harness();
    await h.session.join(network());
    h.session.roam({ ...network(), bssid: "02:00:00:00:00:02", justJoined: false });
    assert.equal(h.session.state, "Authenticated");
    assert.equal(h.records.get("wlan0", network())?.bssid, "02:00:00:00:00:02");
  });

  test("a reload that keeps the plugin keeps the session; one that removes it ends the session", async () => {
    const h = harness();
    await h.session.join(network());
    assert.equal(
      h.session.rebind((id) => loaded(id)),
      true,
    );
    assert.equal(h.session.state, "Authenticated");
    assert.equal(
      h.session.rebind(() => undefined),
      false,
    );
    assert.equal(h.session.state, "Inactive");
    assert.match(h.session.lastReason, /plugin cafe is no longer loaded/);
    assert.equal(h.records.get("wlan0", network()), undefined);
  });

  test("a rejoin skips evaluate while the plugin set is unchanged, and evaluates again once it changed", async () => {
    let fingerprint = "one";
    const h = harness({ fingerprint: () => fingerprint });
    await h.session.join(network());
    h.session.leave("left");
    await h.session.join(network());
    assert.deepEqual(h.calls, ["evaluate", "authenticate", "authenticate"]);
    fingerprint = "two";
    h.session.leave("left");
    await h.session.join(network());
    assert.deepEqual(h.calls.slice(3), ["evaluate", "authenticate"]);
  });

  test("uiRequired publishes the page in the summary", async () => {
    const h = harness({ authenticate: () => ({ result: "uiRequired", url: "https://portal.test/login" }) });
    await h.session.join(network());
    assert.equal(h.session.state, "PresentingUI");
    assert.equal(h.session.summary().uiUrl, "https://portal.test/login");
  });
});
