import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isHotspotError } from "../../../src/errors.ts";
import { parseScanFile, readScanFile, scanListFromData } from "../../../src/scan/scan-file.ts";

const bad = (name: string): string => `test/fixtures/scans/${name}`;

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  assert.fail("expected a rejection");
}

describe("readScanFile", () => {
  test("reads the cafe-street fixture into frozen ScannedNetworks with bytes, hex and derived fields", async () => {
    const list = await readScanFile("fixtures/scans/cafe-street.json");
    assert.equal(list.device, "wlan0");
    assert.ok(list.networks.length >= 12);
    const cafe = list.networks[0];
    assert.ok(cafe);
    assert.equal(cafe.ssidText, "Cafe Free WiFi");
    assert.equal(cafe.ssidHex, Buffer.from("Cafe Free WiFi").toString("hex"));
    assert.equal(cafe.security, "open");
    assert.equal(cafe.isSecure, false);
    assert.equal(cafe.signal, 0.78);
    assert.ok(Object.isFrozen(cafe));
    const nonUtf8 = list.networks.find((n) => n.ssidHex === "4b61666665652dff4c6f756e6765");
    assert.equal(nonUtf8?.ssidText, "Kaffee-\uFFFDLounge");
    assert.ok(list.networks.some((n) => n.ssid.length === 0));
  });

  test("lower-cases BSSIDs and accepts hex SSIDs", () => {
    const list = scanListFromData(
      {
        device: "wlan1",
        accessPoints: [
          {
            ssid: { hex: "00ff" },
            bssid: "02:AB:00:00:00:01",
            strength: 0,
            frequency: 2412,
            security: "owe",
          },
        ],
      },
      "inline.json",
      42,
    );
    assert.equal(list.at, 42);
    assert.equal(list.networks[0]?.bssid, "02:ab:00:00:00:01");
    assert.deepEqual([...(list.networks[0]?.ssid ?? [])], [0, 255]);
  });

  test("an unreadable file is HH_FILE_UNREADABLE naming the file", async () => {
    const e = await rejection(readScanFile(bad("does-not-exist.json")));
    assert.ok(isHotspotError(e, "HH_FILE_UNREADABLE"));
    assert.match(e.message, /does-not-exist\.json: no such file/);
  });

  test("malformed JSON is HH_SCAN_FILE_INVALID at (root) with the position of the error", async () => {
    const e = await rejection(readScanFile(bad("malformed.json")));
    assert.ok(isHotspotError(e, "HH_SCAN_FILE_INVALID"));
    assert.equal(e.params.field, "(root)");
    assert.match(e.message, /malformed\.json/);
    assert.match(e.message, /position \d+/);
    assert.match(e.message, /line 4/);
  });

  test("an unknown security value names the field and lists the allowed values", async () => {
    const e = await rejection(readScanFile(bad("unknown-security.json")));
    assert.ok(isHotspotError(e, "HH_SCAN_FILE_INVALID"));
    assert.equal(e.params.field, "accessPoints[1].security");
    assert.match(e.message, /unknown-security\.json: accessPoints\[1\]\.security/);
    assert.match(e.message, /"open".*"wpa3-eap"/);
  });

  test("an SSID of 33 bytes is rejected with its length and the 32-byte limit", async () => {
    const e = await rejection(readScanFile(bad("ssid-too-long.json")));
    assert.ok(isHotspotError(e, "HH_SCAN_FILE_INVALID"));
    assert.equal(e.params.field, "accessPoints[0].ssid");
    assert.match(e.message, /33 bytes, longer than the 32 bytes/);
  });

  test("a malformed BSSID names the field and shows the expected shape", async () => {
    const e = await rejection(readScanFile(bad("bad-bssid.json")));
    assert.ok(isHotspotError(e, "HH_SCAN_FILE_INVALID"));
    assert.equal(e.params.field, "accessPoints[0].bssid");
    assert.match(e.message, /02:00:00:00:00:01/);
  });

  test("a missing field is named and called missing", async () => {
    const e = await rejection(readScanFile(bad("missing-field.json")));
    assert.ok(isHotspotError(e, "HH_SCAN_FILE_INVALID"));
    assert.equal(e.params.field, "accessPoints[1].strength");
    assert.match(e.message, /missing \(expected number\)/);
  });

  test("an SSID that is neither text nor { hex } says what is expected", () => {
    assert.throws(
      () =>
        parseScanFile(
          '{"device":"wlan0","accessPoints":[{"ssid":7,"bssid":"02:00:00:00:00:01","strength":1,"frequency":2412,"security":"open"}]}',
          "x.json",
        ),
      (e) =>
        isHotspotError(e, "HH_SCAN_FILE_INVALID") &&
        /accessPoints\[0\]\.ssid: expected SSID text/.test(e.message),
    );
  });

  test("strength above 100 and an odd-length hex SSID are rejected", () => {
    const ap = { ssid: "a", bssid: "02:00:00:00:00:01", strength: 101, frequency: 2412, security: "open" };
    assert.throws(
      () => scanListFromData({ device: "wlan0", accessPoints: [ap] }, "x.json"),
      (e) => isHotspotError(e, "HH_SCAN_FILE_INVALID") && e.params.field === "accessPoints[0].strength",
    );
    assert.throws(
      () =>
        scanListFromData(
          { device: "wlan0", accessPoints: [{ ...ap, strength: 5, ssid: { hex: "abc" } }] },
          "x.json",
        ),
      (e) => isHotspotError(e, "HH_SCAN_FILE_INVALID") && e.params.field === "accessPoints[0].ssid.hex",
    );
  });
});
