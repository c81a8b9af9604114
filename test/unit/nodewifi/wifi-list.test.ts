import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseWifiList, parseWifiRow } from "../../../src/scan/nodewifi/wifi-list.ts";
import { hex, recorded } from "./helpers.ts";

const line = (fields: Partial<Record<number, string>>): string => {
  const base = [
    " ",
    "43616665",
    "02\\:40\\:00\\:00\\:00\\:01",
    "Infra",
    "1",
    "2412 MHz",
    "70",
    "",
    "(none)",
    "(none)",
    "wlan0",
  ];
  return base.map((f, i) => fields[i] ?? f).join(":");
};

describe("our nmcli wifi list parser on recorded nmcli 1.42 output", () => {
  test("every access point is read with its exact SSID bytes, including ':', '\\', newline, non-UTF-8 and hidden", () => {
    const { rows, rejected } = parseWifiList(recorded("wifi-list"));
    assert.deepEqual(rejected, []);
    assert.deepEqual(
      rows.map((r) => [
        r.device,
        r.inUse,
        r.network.bssid,
        r.network.ssidHex,
        r.network.security,
        r.network.strength,
      ]),
      [
        ["wlan0", true, "02:40:00:00:00:09", hex("Hotel Guest"), "open", 80],
        ["wlan0", false, "02:40:00:00:00:01", hex("Cafe:Free"), "open", 70],
        ["wlan0", false, "02:40:00:00:00:02", hex("back\\slash"), "wpa2-psk", 65],
        ["wlan0", false, "02:40:00:00:00:03", hex("AA:BB:CC:DD:EE:FF"), "wpa2-psk", 60],
        ["wlan0", false, "02:40:00:00:00:04", hex("X\nno:Evil"), "open", 55],
        ["wlan0", false, "02:40:00:00:00:05", "", "wpa2-eap", 50],
        ["wlan0", false, "02:40:00:00:00:06", hex("x\\:y"), "wpa3-sae", 45],
        ["wlan0", false, "02:40:00:00:00:07", hex("Ünïcode"), "wpa2-psk", 40],
        ["wlan0", false, "02:40:00:00:00:08", "436166e9", "open", 35],
        ["wlan1", false, "02:40:00:00:00:0a", hex("Library"), "wpa2-psk", 30],
      ],
    );
    const cafe = rows[1]?.network;
    assert.equal(cafe?.ssidText, "Cafe:Free");
    assert.equal(cafe?.frequency, 2412);
    assert.equal(rows[8]?.network.ssidText, "Caf\uFFFD");
  });

  test("security follows the flag words the way the D-Bus source classifies flags", () => {
    const cases: [string, string, string, string][] = [
      ["", "(none)", "(none)", "open"],
      ["WEP", "(none)", "(none)", "wep"],
      ["WPA1", "pair_tkip group_tkip psk", "(none)", "wpa-psk"],
      ["WPA2", "(none)", "pair_ccmp group_ccmp psk", "wpa2-psk"],
      ["WPA2 WPA3", "(none)", "pair_ccmp group_ccmp psk sae", "wpa2-psk"],
      ["WPA3", "(none)", "pair_ccmp group_ccmp sae", "wpa3-sae"],
      ["WPA2 802.1X", "(none)", "pair_ccmp group_ccmp 802.1X", "wpa2-eap"],
      ["", "(none)", "pair_ccmp wpa-eap-suite-b-192", "wpa3-eap"],
      ["OWE", "(none)", "pair_ccmp group_ccmp owe", "owe"],
      ["WEP", "(none)", "pair_wpe40 group_wep104", "wpa2-psk"],
    ];
    for (const [security, wpa, rsn, expected] of cases) {
      const r = parseWifiRow(line({ 7: security, 8: wpa, 9: rsn }));
      assert.ok("network" in r, `${security}/${wpa}/${rsn}: ${"reason" in r ? r.reason : ""}`);
      assert.equal(r.network.security, expected, `${security}/${wpa}/${rsn}`);
    }
  });

  test("rows that were cut, shifted or carry unknown values are rejected with the reason, never half-read", () => {
    const reasons = (text: string) => {
      const r = parseWifiRow(text);
      return "reason" in r ? r.reason : "accepted";
    };
    assert.match(reasons(line({ 1: "4361:6665" })), /12 fields, expected 11/);
    assert.match(reasons(`${line({})}:extra`), /12 fields/);
    assert.match(reasons(line({ 2: "02\\:40\\:00" })), /BSSID/);
    assert.match(reasons(line({ 1: "4G" })), /SSID-HEX is not hex/);
    assert.match(reasons(line({ 1: "41".repeat(33) })), /longer than 32 bytes/);
    assert.match(reasons(line({ 6: "101" })), /SIGNAL/);
    assert.match(reasons(line({ 5: "2412" })), /FREQ/);
    assert.match(reasons(line({ 9: "psk ft_psk" })), /unknown security flag "ft_psk"/);
    assert.match(reasons(line({ 7: "WPA9" })), /unknown security "WPA9"/);
    assert.match(reasons(line({ 10: "wl an0" })), /DEVICE/);
    assert.match(reasons(line({ 0: "yes" })), /IN-USE/);
    assert.match(reasons("a\\b"), /malformed escape/);
  });

  test("blank lines between devices are skipped and a bad row does not hide the good ones", () => {
    const { rows, rejected } = parseWifiList(
      `${line({})}\n\n${line({ 6: "x" })}\n${line({ 10: "wlan1" })}\n`,
    );
    assert.deepEqual(
      rows.map((r) => r.device),
      ["wlan0", "wlan1"],
    );
    assert.equal(rejected.length, 1);
  });
});
