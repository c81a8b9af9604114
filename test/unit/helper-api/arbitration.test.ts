import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { defaultUserConfig } from "../../../src/config/schema.ts";
import { preferenceFor, rankClaims } from "../../../src/helper-api/arbitration.ts";
import type { Confidence } from "../../../src/helper-api/confidence.ts";
import type { ClaimMatch } from "../../../src/helper-api/registry-types.ts";
import { network, summary } from "./helpers.ts";

function claim(pluginId: string, confidence: Confidence, priority = 0): ClaimMatch {
  return { pluginId, displayName: pluginId, confidence, priority, origin: "static" };
}

describe("rankClaims", () => {
  test("higher confidence wins over preference, priority and id", () => {
    const ranked = rankClaims([claim("a", "low", 100), claim("z", "high"), claim("m", "medium")], {
      preferredPluginId: "a",
    });
    assert.deepEqual(summary(ranked), ["z:high", "m:medium", "a:low"]);
  });

  test("on a confidence tie the user's preference beats a higher priority", () => {
    const ranked = rankClaims([claim("a", "high", 10), claim("b", "high", 0)], { preferredPluginId: "b" });
    assert.deepEqual(summary(ranked), ["b:high", "a:high"]);
  });

  test("without a preference the higher priority wins a tie", () => {
    const ranked = rankClaims([claim("a", "high", 1), claim("b", "high", 2)]);
    assert.deepEqual(summary(ranked), ["b:high", "a:high"]);
  });

  test("equal confidence and priority fall back to plugin id ascending", () => {
    const ranked = rankClaims([
      claim("charlie", "medium"),
      claim("alpha", "medium"),
      claim("bravo", "medium"),
    ]);
    assert.deepEqual(summary(ranked), ["alpha:medium", "bravo:medium", "charlie:medium"]);
  });

  test("a preference for a plugin that is not among the claims changes nothing", () => {
    const ranked = rankClaims([claim("b", "low"), claim("a", "low")], { preferredPluginId: "zzz" });
    assert.deepEqual(summary(ranked), ["a:low", "b:low"]);
  });

  test("the order does not depend on the input order and the input is left alone", () => {
    const input = [claim("c", "low", 1), claim("a", "high"), claim("b", "high", 3), claim("d", "low", 1)];
    const reversed = [...input].reverse();
    assert.deepEqual(summary(rankClaims(input)), summary(rankClaims(reversed)));
    assert.deepEqual(summary(input), ["c:low", "a:high", "b:high", "d:low"]);
  });
});

describe("preferenceFor", () => {
  const config = (preferences: Record<string, string>) => ({ ...defaultUserConfig(), preferences });

  test("a text key matches the SSID with those UTF-8 bytes", () => {
    assert.equal(preferenceFor(config({ Café: "cafe-plugin" }), network("Café")), "cafe-plugin");
    assert.equal(preferenceFor(config({ Café: "cafe-plugin" }), network("Cafe")), undefined);
  });

  test("a hex key matches exact bytes in any case, and wins over a text key", () => {
    const net = network({ hex: "caf3ff00" });
    assert.equal(preferenceFor(config({ "hex:CAF3FF00": "raw" }), net), "raw");
    assert.equal(
      preferenceFor(config({ Hotel: "by-text", "hex:486f74656c": "by-hex" }), network("Hotel")),
      "by-hex",
    );
  });

  test("an SSID with invalid UTF-8 is not matched by its replacement-character text", () => {
    const net = network({ hex: "41ff" });
    assert.equal(preferenceFor(config({ [net.ssidText]: "ambiguous" }), net), undefined);
  });

  test("keys inherited from Object.prototype are not preferences", () => {
    assert.equal(preferenceFor(config({}), network("constructor")), undefined);
  });
});
