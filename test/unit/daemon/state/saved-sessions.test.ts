import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { memoryState } from "../../../../src/daemon/state/choices.ts";
import {
  EXPIRY_GRACE_MS,
  MAX_SESSION_AGE_MS,
  MAX_SESSION_DEVICES,
  MAX_SESSIONS_PER_DEVICE,
  type SavedNetwork,
  type SessionToSave,
  sessionRecords,
} from "../../../../src/daemon/state/saved-sessions.ts";
import { emptyState } from "../../../../src/daemon/state/schema.ts";
import type { Security } from "../../../../src/helper-api/network.ts";

const hex = (text: string): string => Buffer.from(text).toString("hex");

function net(ssid: string, security: Security = "open"): SavedNetwork {
  return { ssidHex: hex(ssid), security };
}

function session(ssid: string, at: number, extra: Partial<SessionToSave> = {}): SessionToSave {
  return {
    ssidHex: hex(ssid),
    ssidText: ssid,
    security: "open",
    bssid: "02:00:00:00:00:01",
    pluginId: `plugin-${ssid}`,
    authenticatedAt: at,
    facts: {},
    factsAt: at,
    ...extra,
  };
}

function harness() {
  let now = 10_000_000;
  const holder = memoryState();
  const records = sessionRecords(holder, () => now);
  return {
    holder,
    records,
    at: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe("saved sessions by device and network", () => {
  test("sessions of several networks on one device are kept side by side; a drop ends only that network's", () => {
    const h = harness();
    h.records.save("wlan0", session("Hotel", h.at()));
    h.records.save("wlan0", session("Cafe", h.at()));
    h.records.save("wlan1", session("Hotel", h.at(), { bssid: "02:00:00:00:00:09" }));
    assert.equal(h.records.get("wlan0", net("Hotel"))?.pluginId, "plugin-Hotel");
    assert.equal(h.records.get("wlan0", net("Cafe"))?.pluginId, "plugin-Cafe");
    assert.equal(h.records.get("wlan1", net("Hotel"))?.bssid, "02:00:00:00:00:09");
    h.records.drop("wlan0", net("Hotel"));
    assert.equal(h.records.get("wlan0", net("Hotel")), undefined);
    assert.equal(h.records.get("wlan0", net("Cafe"))?.pluginId, "plugin-Cafe");
    assert.equal(h.records.get("wlan1", net("Hotel"))?.pluginId, "plugin-Hotel");
    h.records.drop("wlan0", net("Cafe"));
    assert.deepEqual(Object.keys(h.holder.state.sessions), ["wlan1"]);
  });

  test("the same SSID with another security is another network", () => {
    const h = harness();
    h.records.save("wlan0", session("Hotel", h.at()));
    assert.equal(h.records.get("wlan0", net("Hotel", "wpa2-psk")), undefined);
    h.records.save("wlan0", session("Hotel", h.at(), { security: "wpa2-psk", pluginId: "secure" }));
    assert.equal(h.records.get("wlan0", net("Hotel"))?.pluginId, "plugin-Hotel");
    assert.equal(h.records.get("wlan0", net("Hotel", "wpa2-psk"))?.pluginId, "secure");
  });

  test("saving again replaces the network's session and stamps when it was seen alive", () => {
    const h = harness();
    h.records.save("wlan0", session("Hotel", h.at()));
    h.advance(60_000);
    h.records.save("wlan0", session("Hotel", h.at() - 60_000, { bssid: "02:00:00:00:00:02" }));
    const byNetwork = h.holder.state.sessions.wlan0 ?? {};
    assert.equal(Object.keys(byNetwork).length, 1);
    assert.equal(h.records.get("wlan0", net("Hotel"))?.bssid, "02:00:00:00:00:02");
    assert.equal(h.records.get("wlan0", net("Hotel"))?.savedAt, h.at());
  });

  test("a session from a version-1 file (no security) is found for its SSID whatever the security, and replaced by the next save", () => {
    const state = emptyState();
    const { security: _, ...v1 } = { ...session("Hotel", 5_000), savedAt: 5_000 };
    state.sessions.wlan0 = { [`ssid:${hex("Hotel")}`]: v1 };
    const now = 6_000;
    const holder = memoryState(state);
    const records = sessionRecords(holder, () => now);
    assert.equal(records.get("wlan0", net("Hotel", "wpa2-psk"))?.pluginId, "plugin-Hotel");
    assert.equal(records.get("wlan0", net("Cafe")), undefined);
    records.save("wlan0", session("Hotel", now, { security: "wpa2-psk" }));
    assert.deepEqual(Object.keys(holder.state.sessions.wlan0 ?? {}), [`ssid:${hex("Hotel")}|wpa2-psk`]);
    records.drop("wlan0", net("Hotel", "wpa2-psk"));
    assert.deepEqual(holder.state.sessions, {});
  });

  test("a session past its announced end is gone once the grace for the portal's rounding has passed, and pruned by the next save", () => {
    const h = harness();
    h.records.save("wlan0", session("Day Pass", h.at(), { facts: { expiresInSeconds: 1800 } }));
    h.advance(1_800_000 + EXPIRY_GRACE_MS);
    assert.ok(h.records.get("wlan0", net("Day Pass")));
    h.advance(1);
    assert.equal(h.records.get("wlan0", net("Day Pass")), undefined);
    assert.ok(h.holder.state.sessions.wlan0?.[`ssid:${hex("Day Pass")}|open`]);
    h.records.save("wlan0", session("Cafe", h.at()));
    assert.deepEqual(Object.keys(h.holder.state.sessions.wlan0 ?? {}), [`ssid:${hex("Cafe")}|open`]);
  });

  test("a session without a known end is kept until it has not been seen alive for the age bound", () => {
    const h = harness();
    h.records.save("wlan0", session("Hotel", h.at()));
    h.advance(MAX_SESSION_AGE_MS);
    assert.ok(h.records.get("wlan0", net("Hotel")));
    h.advance(1);
    assert.equal(h.records.get("wlan0", net("Hotel")), undefined);
    h.records.save("wlan1", session("Cafe", h.at()));
    assert.deepEqual(Object.keys(h.holder.state.sessions), ["wlan1"]);
  });

  test(`a device keeps its ${MAX_SESSIONS_PER_DEVICE} most recently seen sessions`, () => {
    const h = harness();
    const ssids = Array.from({ length: MAX_SESSIONS_PER_DEVICE + 3 }, (_, i) => `Net ${i}`);
    for (const ssid of ssids) {
      h.records.save("wlan0", session(ssid, h.at()));
      h.advance(1_000);
    }
    h.records.save("wlan0", session("Net 0", h.at()));
    const kept = Object.values(h.holder.state.sessions.wlan0 ?? {}).map((s) => s.ssidText);
    assert.equal(kept.length, MAX_SESSIONS_PER_DEVICE);
    assert.ok(kept.includes("Net 0"));
    for (const gone of ["Net 1", "Net 2", "Net 3"]) assert.ok(!kept.includes(gone), gone);
    for (let i = 4; i < ssids.length; i++) assert.ok(kept.includes(`Net ${i}`), `Net ${i}`);
  });

  test(`sessions of at most ${MAX_SESSION_DEVICES} devices are kept, the least recently seen device's go first`, () => {
    const h = harness();
    for (let d = 0; d <= MAX_SESSION_DEVICES; d++) {
      h.records.save(`wlx${d}`, session("Hotel", h.at()));
      h.advance(1_000);
    }
    const devices = Object.keys(h.holder.state.sessions);
    assert.equal(devices.length, MAX_SESSION_DEVICES);
    assert.ok(!devices.includes("wlx0"));
    assert.ok(devices.includes(`wlx${MAX_SESSION_DEVICES}`));
  });
});
