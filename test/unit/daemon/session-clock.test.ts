import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { defaultUserConfig } from "../../../src/config/schema.ts";
import type { PluginCalls } from "../../../src/daemon/plugin-calls.ts";
import { DeviceSession, type SessionDeps } from "../../../src/daemon/session.ts";
import { choiceCache, memoryState } from "../../../src/daemon/state/choices.ts";
import { failureLog } from "../../../src/daemon/state/records.ts";
import { sessionRecords } from "../../../src/daemon/state/saved-sessions.ts";
import type { AuthenticateResult } from "../../../src/helper-api/results.ts";
import { SimulatedClock } from "../../soak/clock.ts";
import { loaded, network, PORTAL, quietObservers } from "./builders.ts";

function session(clock: SimulatedClock, answers: AuthenticateResult[]) {
  const holder = memoryState();
  const calls: string[] = [];
  const pluginCalls: PluginCalls = {
    plugin: (id) => loaded(id),
    evaluate: async (candidates) => [...candidates],
    authenticate: async () => {
      calls.push("authenticate");
      return { result: answers.shift() ?? { result: "success" } };
    },
    maintain: async () => {
      calls.push("maintain");
      return { result: "success" };
    },
    logoff: async () => undefined,
  };
  const deps: SessionDeps = {
    config: defaultUserConfig(),
    calls: pluginCalls,
    detect: async () => PORTAL,
    verify: async () => ({ online: true, portal: { ...PORTAL, verdict: "online" } }),
    claimsFor: () => [
      { pluginId: "cafe", displayName: "Cafe", confidence: "high", priority: 0, origin: "static" },
    ],
    winners: choiceCache(
      holder,
      () => "fp",
      () => clock.now(),
    ),
    records: sessionRecords(holder, () => clock.now()),
    failures: failureLog(holder, () => clock.now()),
    now: () => clock.now(),
    timer: (ms, fire) => clock.timer(ms, fire),
    ...quietObservers(),
  };
  const s = new DeviceSession("wlan0", deps, { retries: 0, minTimeoutMs: 1, maxTimeoutMs: 1 });
  return { s, calls };
}

describe("DeviceSession on an injected clock", () => {
  test("maintain waits on the clock's timer: one while logged in, run when the clock reaches it, none after leaving", async () => {
    const clock = new SimulatedClock();
    const { s, calls } = session(clock, []);
    await s.join(network());
    assert.equal(clock.pending, 1);
    const next = s.summary().nextMaintainAt ?? 0;
    assert.ok(next > clock.now() && next <= clock.now() + 300_000);
    assert.equal(await clock.advance(next - clock.now() - 1, () => s.idle()), 0);
    assert.equal(await clock.advance(1, () => s.idle()), 1);
    assert.deepEqual(calls, ["authenticate", "maintain"]);
    assert.equal(clock.pending, 1);
    s.leave("left");
    assert.equal(clock.pending, 0);
  });

  test("the backoff after a failed login waits on the clock, and a leave cancels it", async () => {
    const clock = new SimulatedClock();
    const { s, calls } = session(clock, [{ result: "failure", reason: "wrong password" }]);
    await s.join(network());
    assert.equal(s.state, "Failure");
    assert.equal(clock.pending, 0);
    s.leave("flap");
    const rejoin = s.join(network());
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(clock.pending, 1);
    s.leave("gone again");
    assert.equal(clock.pending, 0);
    await rejoin;
    const third = s.join(network());
    await new Promise((resolve) => setImmediate(resolve));
    await clock.advance(30_000, () => Promise.resolve());
    await third;
    assert.equal(s.state, "Authenticated");
    assert.deepEqual(calls, ["authenticate", "authenticate"]);
  });
});
