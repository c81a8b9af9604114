import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { defaultUserConfig } from "../../../src/config/schema.ts";
import type { PluginCalls } from "../../../src/daemon/plugin-calls.ts";
import { DeviceSession, type SessionDeps } from "../../../src/daemon/session.ts";
import { choiceCache, memoryState } from "../../../src/daemon/state/choices.ts";
import { failureLog } from "../../../src/daemon/state/records.ts";
import { sessionRecords } from "../../../src/daemon/state/saved-sessions.ts";
import type { JoinedNetwork } from "../../../src/helper-api/network.ts";
import type { MaintainResult } from "../../../src/helper-api/results.ts";
import { advance, loaded, network, ONLINE, PORTAL, quietObservers } from "./builders.ts";

/**
 * One device moving between networks, each claimed by its own plugin (`cafe` for Cafe,
 * `hotel` for Hotel), with a portal per network that lets the device through once it
 * logged in there until the test makes it forget.
 */
function world(maintain: (n: JoinedNetwork) => MaintainResult = () => ({ result: "success" })) {
  let now = 1_000_000;
  const holder = memoryState();
  const records = sessionRecords(holder, () => now);
  const remembers = new Set<string>();
  const calls: string[] = [];
  const pluginOf = (n: JoinedNetwork): string => n.ssidText.toLowerCase();
  const pluginCalls: PluginCalls = {
    plugin: (id) => loaded(id),
    evaluate: async (candidates) => {
      calls.push("evaluate");
      return [...candidates];
    },
    authenticate: async (p, n) => {
      calls.push(`authenticate:${p.id}`);
      remembers.add(n.ssidText);
      return { result: { result: "success", session: { expiresInSeconds: 3600 } } };
    },
    maintain: async (p, n) => {
      calls.push(`maintain:${p.id}:${n.justJoined ? "justJoined" : "periodic"}`);
      return maintain(n);
    },
    logoff: async (p, n) => {
      calls.push(`logoff:${p.id}`);
      remembers.delete(n.ssidText);
      return undefined;
    },
  };
  const deps: SessionDeps = {
    config: defaultUserConfig(),
    calls: pluginCalls,
    detect: async (n) => (remembers.has(n.ssidText) ? ONLINE : PORTAL),
    verify: async () => ({ online: true, portal: ONLINE }),
    claimsFor: (n) => [
      { pluginId: pluginOf(n), displayName: n.ssidText, confidence: "high", priority: 0, origin: "static" },
    ],
    winners: choiceCache(holder, () => "fp"),
    records,
    failures: failureLog(holder, () => now),
    random: () => 0,
    now: () => now,
    ...quietObservers(),
  };
  const session = new DeviceSession("wlan0", deps, { retries: 0, minTimeoutMs: 1, maxTimeoutMs: 1 });
  /** A → B → A: logs in on Cafe, then Hotel (Cafe's portal still remembering), then goes back to Cafe. */
  const cafeHotelCafe = async (): Promise<void> => {
    await session.join(network("Cafe"));
    session.leave("left Cafe");
    now += 600_000;
    await session.join(network("Hotel"));
    session.leave("left Hotel");
    now += 600_000;
    calls.length = 0;
    await session.join(network("Cafe"));
  };
  return {
    session,
    calls,
    records,
    remembers,
    cafeHotelCafe,
    advanceClock: (ms: number) => {
      now += ms;
    },
  };
}

describe("DeviceSession on several networks in turn", () => {
  test("A → B → A: back on a network whose portal still remembers the device, its session is resumed with its plugin and end, first maintain just joined, then periodic, and it can be logged off", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const w = world();
    await w.cafeHotelCafe();
    assert.deepEqual(w.calls, ["maintain:cafe:justJoined"]);
    assert.equal(w.session.state, "Authenticated");
    const summary = w.session.summary();
    assert.equal(summary.pluginId, "cafe");
    assert.equal(summary.authenticatedAt, 1_000_000);
    assert.equal(summary.expiresAt, 1_000_000 + 3_600_000);
    assert.equal(summary.nextMaintainAt, 1_000_000 + 1_200_000 + 300_000);
    await advance(t, w, 300_000);
    await w.session.idle();
    assert.deepEqual(w.calls, ["maintain:cafe:justJoined", "maintain:cafe:periodic"]);
    assert.equal(await w.session.logoff(), true);
    assert.deepEqual(w.calls.at(-1), "logoff:cafe");
    assert.equal(w.records.get("wlan0", network("Cafe")), undefined);
    assert.equal(w.records.get("wlan0", network("Hotel"))?.pluginId, "hotel");
  });

  test("A → B → A with A's portal having forgotten the device: the probe finds it holding us, A's saved session is dropped and its cached plugin logs in again", async () => {
    const w = world();
    await w.session.join(network("Cafe"));
    w.session.leave("left Cafe");
    w.remembers.delete("Cafe");
    await w.session.join(network("Hotel"));
    w.session.leave("left Hotel");
    w.calls.length = 0;
    await w.session.join(network("Cafe"));
    assert.deepEqual(w.calls, ["authenticate:cafe"]);
    assert.equal(w.session.state, "Authenticated");
    assert.equal(w.records.get("wlan0", network("Hotel"))?.pluginId, "hotel");
  });

  test("A → B → A with the probe open but A's first maintain answering authenticationRequired: the same plugin logs in again", async () => {
    let first = true;
    const w = world((n) => {
      if (n.ssidText !== "Cafe" || !first) return { result: "success" };
      first = false;
      return { result: "authenticationRequired" };
    });
    await w.cafeHotelCafe();
    assert.deepEqual(w.calls, ["maintain:cafe:justJoined", "authenticate:cafe"]);
    assert.equal(w.session.state, "Authenticated");
    assert.equal(w.session.summary().authenticatedAt, 1_000_000 + 1_200_000);
    assert.equal(w.records.get("wlan0", network("Cafe"))?.authenticatedAt, 1_000_000 + 1_200_000);
  });

  test("A → B → A after A's announced end: the old session is not taken up, even though the network now lets us through", async () => {
    const w = world();
    await w.session.join(network("Cafe"));
    w.session.leave("left Cafe");
    await w.session.join(network("Hotel"));
    w.session.leave("left Hotel");
    w.advanceClock(3_600_000 + 120_000);
    w.calls.length = 0;
    await w.session.join(network("Cafe"));
    assert.deepEqual(w.calls, []);
    assert.equal(w.session.state, "Inactive");
    assert.equal(w.session.pluginId, undefined);
    assert.equal(w.records.get("wlan0", network("Cafe")), undefined);
  });

  test("the same SSID with another security is another network: its saved session is not taken up there", async () => {
    const w = world();
    await w.session.join(network("Cafe"));
    w.session.leave("left Cafe");
    w.calls.length = 0;
    await w.session.join({ ...network("Cafe"), security: "wpa2-psk", isSecure: true });
    assert.deepEqual(w.calls, []);
    assert.equal(w.session.state, "Inactive");
    assert.equal(w.records.get("wlan0", network("Cafe"))?.pluginId, "cafe");
  });
});
