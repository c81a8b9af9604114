import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { annotate } from "../../../src/annotate/model.ts";
import { isHotspotError } from "../../../src/errors.ts";
import { claim, net } from "./helpers.ts";

describe("annotate", () => {
  test("sorts by strength, strongest first, keeping scan order for equal strengths", () => {
    const rows = annotate(
      [net("a", 10), net("b", 90), net("c", 50, "02:00:00:00:00:03"), net("d", 50, "02:00:00:00:00:04")],
      [[], [], [], []],
    );
    assert.deepEqual(
      rows.map((r) => r.ssid),
      ["b", "c", "d", "a"],
    );
  });

  test("the provider is the first claim whose confidence is not none; claims keep the ranked order", () => {
    const [row] = annotate(
      [net("Cafe Free WiFi", 70)],
      [[claim("nobody", "none"), claim("cafe", "high", "Cafe Co"), claim("click", "low")]],
    );
    assert.deepEqual(row?.provider, { pluginId: "cafe", displayName: "Cafe Co", confidence: "high" });
    assert.deepEqual(
      row?.claims.map((c) => c.pluginId),
      ["nobody", "cafe", "click"],
    );
  });

  test("no claims, or only none claims, means provider null", () => {
    const rows = annotate([net("a", 1), net("b", 2)], [[], [claim("x", "none")]]);
    assert.deepEqual(
      rows.map((r) => r.provider),
      [null, null],
    );
  });

  test("claims carry only pluginId, displayName and confidence", () => {
    const [row] = annotate([net("a", 1)], [[claim("x", "medium", "X")]]);
    assert.deepEqual(Object.keys(row?.claims[0] ?? {}), ["pluginId", "displayName", "confidence"]);
  });

  test("invalid UTF-8 in the SSID becomes U+FFFD in ssid while ssidHex keeps the bytes", () => {
    const [row] = annotate([net(Uint8Array.from([0x63, 0x61, 0x66, 0xff]), 1)], [[]]);
    assert.equal(row?.ssid, "caf\uFFFD");
    assert.equal(row?.ssidHex, "636166ff");
  });

  test("misaligned claims are an internal error", () => {
    assert.throws(
      () => annotate([net("a", 1)], []),
      (e) => isHotspotError(e, "HH_INTERNAL"),
    );
  });
});
