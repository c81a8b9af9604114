import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { setImmediate as tick } from "node:timers/promises";
import { defaultUserConfig } from "../../../src/config/schema.ts";
import type { StateChange } from "../../../src/daemon/events.ts";
import type { PluginCalls } from "../../../src/daemon/plugin-calls.ts";
import { DeviceSession, type SessionDeps } from "../../../src/daemon/session.ts";
import type { PortalInfo } from "../../../src/helper-api/context.ts";
import type { JoinedNetwork } from "../../../src/helper-api/network.ts";
import type { ClaimMatch } from "../../../src/helper-api/registry-types.ts";
import type { MaintainResult } from "../../../src/helper-api/results.ts";
import { loaded, network, PORTAL, quietObservers } from "./builders.ts";

const CLAIM: ClaimMatch = {
  pluginId: "cafe",
  displayName: "cafe",
  confidence: "high",
  priority: 0,
  origin: "static",
};

interface Overrides {
  detect?: (network: JoinedNetwork, signal: AbortSignal) => Promise<PortalInfo>;
  evaluate?: (network: JoinedNetwork, signal: AbortSignal) => Promise<readonly ClaimMatch[]>;
  maintain?: (signal: AbortSignal) => Promise<MaintainResult>;
}

function harness(o: Overrides = {}) {
  const changes: StateChange[] = [];
  const problems: string[] = [];
  const calls: PluginCalls = {
    plugin: (id) => loaded(id),
    evaluate: (candidates, n, _p, signal) =>
      o.evaluate ? o.evaluate(n, signal) : Promise.resolve(candidates),
    authenticate: async () => ({ result: { result: "success" } }),
    maintain: (_pl, _n, _p, _s, signal) =>
      o.maintain ? o.maintain(signal) : Promise.resolve({ result: "success" }),
    logoff: async () => undefined,
  };
  const deps: SessionDeps = {
    config: { ...defaultUserConfig(), maintainIntervalSeconds: 300 },
    calls,
    detect: (n, signal) => (o.detect ? o.detect(n, signal) : Promise.resolve(PORTAL)),
    verify: async () => ({ online: true, portal: PORTAL }),
    claimsFor: () => [CLAIM],
    winners: new Map(),
    ...quietObservers(),
    onState: (c) => changes.push(c),
    onProblem: (e) => problems.push(`${e.code}: ${e.message}`),
  };
  const session = new DeviceSession("wlan0", deps, { retries: 0, minTimeoutMs: 1000, maxTimeoutMs: 1000 });
  return { session, changes, problems, states: () => changes.map((c) => c.to) };
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe("DeviceSession when work of an earlier join finishes late", () => {
  test("a probe of the old network answering after a switch neither reports a problem nor fails the new network", async () => {
    const oldProbe = deferred<PortalInfo>();
    const h = harness({
      detect: (n) => (n.ssidText === "Old" ? oldProbe.promise : Promise.resolve(PORTAL)),
    });
    const first = h.session.join(network("Old"));
    await tick();
    const second = h.session.join(network("New"));
    oldProbe.resolve(PORTAL);
    await Promise.all([first, second]);
    assert.deepEqual(h.problems, []);
    assert.equal(h.session.state, "Authenticated");
    assert.equal(h.session.network?.ssidText, "New");
    assert.ok(!h.states().includes("Failure"));
  });

  test("an evaluation of the old network cancelled by a switch does not move the new network's session", async () => {
    const oldEvaluation = deferred<readonly ClaimMatch[]>();
    const newProbe = deferred<PortalInfo>();
    let evaluating = false;
    const h = harness({
      detect: (n) => (n.ssidText === "Old" ? Promise.resolve(PORTAL) : newProbe.promise),
      evaluate: (n, signal) => {
        if (n.ssidText !== "Old") return Promise.resolve([CLAIM]);
        evaluating = true;
        signal.addEventListener("abort", () => oldEvaluation.resolve([]));
        return oldEvaluation.promise;
      },
    });
    const first = h.session.join(network("Old"));
    while (!evaluating) await tick();
    const second = h.session.join(network("New"));
    await first;
    assert.equal(h.session.state, "Evaluating");
    newProbe.resolve(PORTAL);
    await second;
    assert.deepEqual(h.problems, []);
    assert.equal(h.session.state, "Authenticated");
  });

  test("logoff while a maintain is in flight cancels the maintain and ends Inactive without an internal error", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    let maintainSignal: AbortSignal | undefined;
    const answer = deferred<MaintainResult>();
    const h = harness({
      maintain: (signal) => {
        maintainSignal = signal;
        return answer.promise;
      },
    });
    await h.session.join(network("Cafe"));
    t.mock.timers.tick(300_000);
    while (!maintainSignal) await tick();
    assert.equal(h.session.state, "Maintaining");
    const loggedOff = h.session.logoff();
    answer.resolve({ result: "success" });
    assert.equal(await loggedOff, true);
    await h.session.idle();
    assert.equal(maintainSignal.aborted, true);
    assert.deepEqual(h.problems, []);
    assert.equal(h.session.state, "Inactive");
    assert.deepEqual(h.states().slice(-3), ["Maintaining", "LoggingOff", "Inactive"]);
  });
});
