import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  choiceCache,
  MAX_CHOICES,
  memoryState,
  pluginSetFingerprint,
} from "../../../../src/daemon/state/choices.ts";
import { failureLog, loginBackoffMs, MAX_FAILURES } from "../../../../src/daemon/state/records.ts";
import { loaded } from "../builders.ts";

describe("plugin choice cache", () => {
  test("the fingerprint changes when a plugin is added, upgraded or reconfigured, not when credentials change", () => {
    const a = loaded("a");
    const b = loaded("b");
    const base = pluginSetFingerprint([a, b]);
    assert.equal(pluginSetFingerprint([b, a]), base);
    assert.notEqual(pluginSetFingerprint([a]), base);
    assert.notEqual(pluginSetFingerprint([a, { ...b, version: "1.0.1" }]), base);
    assert.notEqual(pluginSetFingerprint([a, { ...b, config: { ssids: ["X"] } }]), base);
    assert.equal(pluginSetFingerprint([a, { ...b, credentials: { password: "new" } }]), base);
  });

  test("a choice made under another plugin set is ignored, so the network is evaluated again", () => {
    const holder = memoryState();
    let fingerprint = "one";
    const cache = choiceCache(holder, () => fingerprint);
    cache.set("ssid:43616665", "cafe");
    assert.equal(cache.get("ssid:43616665"), "cafe");
    fingerprint = "two";
    assert.equal(cache.get("ssid:43616665"), undefined);
    cache.set("ssid:43616665", "other");
    assert.deepEqual(holder.state.choices["ssid:43616665"]?.fingerprint, "two");
    cache.delete("ssid:43616665");
    assert.deepEqual(holder.state.choices, {});
  });
});

describe("failed logins", () => {
  test("are counted per network with the last reason, and cleared", () => {
    let now = 1_000;
    const log = failureLog(memoryState(), () => now);
    log.record("ssid:01", "bad password");
    now = 2_000;
    assert.deepEqual(log.record("ssid:01", "bad password again"), {
      count: 2,
      lastAt: 2_000,
      reason: "bad password again",
    });
    assert.equal(log.get("ssid:02"), undefined);
    log.clear("ssid:01");
    assert.equal(log.get("ssid:01"), undefined);
  });

  test("back off 30 s, doubling, capped at 30 minutes", () => {
    assert.deepEqual(
      [0, 1, 2, 3, 7, 20].map(loginBackoffMs),
      [0, 30_000, 60_000, 120_000, 1_800_000, 1_800_000],
    );
  });
});

describe("bounds", () => {
  test("the least recently chosen networks are dropped beyond MAX_CHOICES", () => {
    let now = 0;
    const holder = memoryState();
    const cache = choiceCache(
      holder,
      () => "fp",
      () => now,
    );
    for (let i = 0; i <= MAX_CHOICES; i++) {
      now = i;
      cache.set(`ssid:${i}`, "cafe");
    }
    assert.equal(Object.keys(holder.state.choices).length, MAX_CHOICES);
    assert.equal(cache.get("ssid:0"), undefined);
    assert.equal(cache.get(`ssid:${MAX_CHOICES}`), "cafe");
  });

  test("the oldest failure records are dropped beyond MAX_FAILURES", () => {
    let now = 0;
    const log = failureLog(memoryState(), () => now);
    for (let i = 0; i <= MAX_FAILURES; i++) {
      now = i;
      log.record(`ssid:${i}`, "busy");
    }
    assert.equal(log.get("ssid:0"), undefined);
    assert.equal(log.get(`ssid:${MAX_FAILURES}`)?.count, 1);
  });
});
