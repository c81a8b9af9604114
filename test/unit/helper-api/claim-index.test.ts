import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isHotspotError } from "../../../src/errors.ts";
import { ClaimIndex } from "../../../src/helper-api/claim-index.ts";
import { indexable, network, summary } from "./helpers.ts";

describe("ClaimIndex exact SSIDs", () => {
  test("matches an exact text SSID and nothing that merely starts with it", () => {
    const index = new ClaimIndex([indexable("cafe", [{ ssid: "Cafe Free WiFi", confidence: "high" }])]);
    assert.deepEqual(summary(index.match(network("Cafe Free WiFi"))), ["cafe:high"]);
    assert.deepEqual(summary(index.match(network("Cafe Free WiFi 2"))), []);
    assert.deepEqual(summary(index.match(network("Cafe Free Wifi"))), []);
  });

  test("a hex claim matches non-UTF-8 bytes and a different invalid byte does not", () => {
    const index = new ClaimIndex([indexable("raw", [{ ssid: { hex: "caf3ff00" }, confidence: "medium" }])]);
    assert.deepEqual(summary(index.match(network({ hex: "caf3ff00" }))), ["raw:medium"]);
    assert.deepEqual(summary(index.match(network({ hex: "caf3fe00" }))), []);
    assert.deepEqual(summary(index.match(network({ hex: "caf3ff" }))), []);
  });

  test("SSIDs whose text forms are identical (U+FFFD) stay distinct as bytes", () => {
    const index = new ClaimIndex([indexable("a", [{ ssid: { hex: "41ff" }, confidence: "low" }])]);
    const other = network({ hex: "41fe" });
    assert.equal(other.ssidText, network({ hex: "41ff" }).ssidText);
    assert.deepEqual(summary(index.match(other)), []);
  });

  test("a NUL inside the SSID is part of its identity", () => {
    const index = new ClaimIndex([indexable("nul", [{ ssid: { hex: "610062" }, confidence: "high" }])]);
    assert.deepEqual(summary(index.match(network("a\0b"))), ["nul:high"]);
    assert.deepEqual(summary(index.match(network("ab"))), []);
  });

  test("a text claim with non-ASCII characters matches the UTF-8 bytes of the SSID", () => {
    const index = new ClaimIndex([indexable("cafe", [{ ssid: "Café ☕", confidence: "high" }])]);
    assert.deepEqual(summary(index.match(network({ hex: Buffer.from("Café ☕").toString("hex") }))), [
      "cafe:high",
    ]);
    assert.deepEqual(
      summary(index.match(network({ hex: Buffer.from("Café ☕", "latin1").toString("hex") }))),
      [],
    );
  });

  test("a text claim equals the hex claim of the same bytes", () => {
    const index = new ClaimIndex([
      indexable("text", [{ ssid: "Hotel", confidence: "low" }]),
      indexable("hex", [{ ssid: { hex: "486f74656c" }, confidence: "medium" }]),
    ]);
    assert.deepEqual(summary(index.match(network("Hotel"))), ["text:low", "hex:medium"]);
  });
});

describe("ClaimIndex prefixes, patterns and BSSIDs", () => {
  test("an SSID prefix matches longer SSIDs and the prefix itself, not shorter ones", () => {
    const index = new ClaimIndex([indexable("chain", [{ ssidPrefix: "Chain-", confidence: "medium" }])]);
    assert.deepEqual(summary(index.match(network("Chain-Berlin"))), ["chain:medium"]);
    assert.deepEqual(summary(index.match(network("Chain-"))), ["chain:medium"]);
    assert.deepEqual(summary(index.match(network("Chain"))), []);
    assert.deepEqual(summary(index.match(network("XChain-Berlin"))), []);
  });

  test("hex prefixes match by bytes, whatever follows", () => {
    const index = new ClaimIndex([indexable("raw", [{ ssidPrefix: { hex: "ff00" }, confidence: "low" }])]);
    assert.deepEqual(summary(index.match(network({ hex: "ff00ab" }))), ["raw:low"]);
    assert.deepEqual(summary(index.match(network({ hex: "ff01ab" }))), []);
  });

  test("prefixes of several lengths all apply", () => {
    const index = new ClaimIndex([
      indexable("short", [{ ssidPrefix: "A", confidence: "low" }]),
      indexable("long", [{ ssidPrefix: "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", confidence: "high" }]),
    ]);
    assert.deepEqual(summary(index.match(network("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"))), [
      "short:low",
      "long:high",
    ]);
    assert.deepEqual(summary(index.match(network("ABC"))), ["short:low"]);
  });

  test("patterns test the SSID text, with flags", () => {
    const index = new ClaimIndex([
      indexable("free", [{ ssidPattern: "free ?wi-?fi", flags: "i", confidence: "low" }]),
      indexable("airport", [{ ssidPattern: "^Airport-\\d{3}$", confidence: "medium" }]),
    ]);
    assert.deepEqual(summary(index.match(network("Totally FREE WiFi"))), ["free:low"]);
    assert.deepEqual(summary(index.match(network("Airport-123"))), ["airport:medium"]);
    assert.deepEqual(summary(index.match(network("Airport-1234"))), []);
  });

  test("patterns with back-references are tested on their own and stay correct", () => {
    const index = new ClaimIndex([
      indexable("double", [{ ssidPattern: "^(ab)\\1$", confidence: "low" }]),
      indexable("named", [{ ssidPattern: "^(?<x>c)\\k<x>$", confidence: "low" }]),
      indexable("plain1", [{ ssidPattern: "^zz$", confidence: "low" }]),
      indexable("plain2", [{ ssidPattern: "^(q)$", confidence: "low" }]),
    ]);
    assert.deepEqual(summary(index.match(network("abab"))), ["double:low"]);
    assert.deepEqual(summary(index.match(network("cc"))), ["named:low"]);
    assert.deepEqual(summary(index.match(network("q"))), ["plain2:low"]);
    assert.deepEqual(summary(index.match(network("abq"))), []);
  });

  test("BSSID prefixes match OUIs and longer prefixes, case-insensitively", () => {
    const index = new ClaimIndex([
      indexable("oui", [{ bssidPrefix: "02:1A:11", confidence: "low" }]),
      indexable("ap", [{ bssidPrefix: "02:1a:11:00:00", confidence: "medium" }]),
    ]);
    assert.deepEqual(summary(index.match(network("x", { bssid: "02:1a:11:00:00:09" }))), [
      "oui:low",
      "ap:medium",
    ]);
    assert.deepEqual(summary(index.match(network("x", { bssid: "02:1a:11:00:01:09" }))), ["oui:low"]);
    assert.deepEqual(summary(index.match(network("x", { bssid: "02:1a:12:00:00:09" }))), []);
  });
});

describe("ClaimIndex filtering and merging", () => {
  test("a security filter limits a claim to those securities", () => {
    const index = new ClaimIndex([
      indexable("click", [{ ssidPrefix: "Guest", confidence: "low", security: ["open", "owe"] }]),
    ]);
    assert.deepEqual(summary(index.match(network("Guest 1", { security: "open" }))), ["click:low"]);
    assert.deepEqual(summary(index.match(network("Guest 1", { security: "owe" }))), ["click:low"]);
    assert.deepEqual(summary(index.match(network("Guest 1", { security: "wpa2-psk" }))), []);
  });

  test("each plugin appears once per network, with its best matching claim", () => {
    const index = new ClaimIndex([
      indexable("op", [
        { ssidPrefix: "Op", confidence: "low" },
        { ssid: "Op Lounge", confidence: "high" },
        { ssidPattern: "Lounge", confidence: "medium" },
        { ssid: "Op Lounge", confidence: "medium", security: ["wpa2-psk"] },
      ]),
    ]);
    assert.deepEqual(summary(index.match(network("Op Lounge"))), ["op:high"]);
    assert.deepEqual(summary(index.match(network("Op Bar"))), ["op:low"]);
  });

  test("a high claim filtered out by security leaves the plugin's lower claim", () => {
    const index = new ClaimIndex([
      indexable("op", [
        { ssid: "Op", confidence: "high", security: ["wpa2-eap"] },
        { ssid: "Op", confidence: "low" },
      ]),
    ]);
    assert.deepEqual(summary(index.match(network("Op", { security: "open" }))), ["op:low"]);
    assert.deepEqual(summary(index.match(network("Op", { security: "wpa2-eap" }))), ["op:high"]);
  });

  test("several plugins on one SSID are all reported, in load order, carrying priority and display name", () => {
    const index = new ClaimIndex([
      indexable("b", [{ ssid: "Shared", confidence: "low" }], 5),
      indexable("a", [{ ssid: "Shared", confidence: "high" }]),
    ]);
    const matches = index.match(network("Shared"));
    assert.deepEqual(summary(matches), ["b:low", "a:high"]);
    assert.deepEqual(
      matches.map((m) => [m.displayName, m.priority, m.origin]),
      [
        ["B", 5, "static"],
        ["A", 0, "static"],
      ],
    );
  });

  test("identical claims from two plugins of equal priority are a conflict naming both and the claim", () => {
    assert.throws(
      () =>
        new ClaimIndex([
          indexable("first-op", [{ ssid: "Same", confidence: "high" }]),
          indexable("second-op", [{ ssid: "Same", confidence: "high" }]),
        ]),
      (e: unknown) =>
        isHotspotError(e, "HH_PLUGIN_CLAIM_CONFLICT") &&
        e.message.includes("first-op") &&
        e.message.includes("second-op") &&
        e.message.includes('ssid "Same"'),
    );
  });

  test("identical claims differing in priority, confidence or security filter are no conflict", () => {
    const index = new ClaimIndex([
      indexable("a", [{ ssid: "Same", confidence: "high" }], 1),
      indexable("b", [{ ssid: "Same", confidence: "high" }]),
      indexable("c", [{ ssid: "Same", confidence: "medium" }]),
      indexable("d", [{ ssid: "Same", confidence: "high", security: ["open"] }]),
    ]);
    assert.deepEqual(summary(index.match(network("Same"))), ["a:high", "b:high", "c:medium", "d:high"]);
  });

  test("conflicts are found for prefixes, patterns and BSSID prefixes too", () => {
    for (const claim of [
      { ssidPrefix: { hex: "ff" }, confidence: "low" },
      { ssidPattern: "^x$", confidence: "low" },
      { bssidPrefix: "02:00:00", confidence: "low" },
    ] as const) {
      assert.throws(
        () => new ClaimIndex([indexable("p1", [claim]), indexable("p2", [claim])]),
        (e: unknown) => isHotspotError(e, "HH_PLUGIN_CLAIM_CONFLICT"),
      );
    }
  });

  test("a plugin repeating its own claim is harmless and counted once", () => {
    const index = new ClaimIndex([
      indexable("a", [
        { ssid: "Same", confidence: "high" },
        { ssid: "Same", confidence: "high" },
      ]),
    ]);
    assert.equal(index.claimCount, 1);
    assert.deepEqual(summary(index.match(network("Same"))), ["a:high"]);
  });

  test("an empty SSID (hidden network) matches only an empty exact claim", () => {
    const index = new ClaimIndex([indexable("hidden", [{ ssid: "", confidence: "low" }])]);
    assert.deepEqual(summary(index.match(network(""))), ["hidden:low"]);
    assert.deepEqual(summary(index.match(network("x"))), []);
  });
});
