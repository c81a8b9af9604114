import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { bytesEqual } from "../../../src/helper-api/ssid.ts";
import {
  guardNodeWifiRow,
  guardNodeWifiRows,
  verifyRows,
} from "../../../src/scan/nodewifi/node-wifi-rows.ts";
import { parseWifiList } from "../../../src/scan/nodewifi/wifi-list.ts";
import { hex, nodeWifiParse, recorded } from "./helpers.ts";

const exact = () => parseWifiList(recorded("wifi-list")).rows;

describe("guarding node-wifi 2.0.16's rows (its own parser run on recorded nmcli output)", () => {
  test("node-wifi itself reports wrong SSIDs for this output: the defect the guards exist for", () => {
    const raw = nodeWifiParse(recorded("node-wifi-list"));
    assert.ok(Array.isArray(raw));
    const ssids = raw.map((r: unknown) => (typeof r === "object" && r !== null ? Reflect.get(r, "ssid") : r));
    assert.ok(ssids.includes("Cafe\\"));
    assert.ok(ssids.includes("undefined"));
    assert.ok(ssids.includes("Evil"));
  });

  test("no reported SSID differs from the exact bytes the access point broadcasts", () => {
    const { guarded, rejected } = guardNodeWifiRows(nodeWifiParse(recorded("node-wifi-list")));
    const verified = verifyRows(guarded, exact());
    const truth = new Map(exact().map((r) => [r.network.bssid, r.network.ssid]));
    for (const row of verified.rows) {
      const real = truth.get(row.network.bssid);
      assert.ok(real && bytesEqual(row.network.ssid, real), `wrong SSID for ${row.network.bssid}`);
    }
    assert.deepEqual(
      verified.rows.map((r) => [r.device, r.inUse, r.network.bssid, r.network.ssidHex, r.network.security]),
      [
        ["wlan0", true, "02:40:00:00:00:09", hex("Hotel Guest"), "open"],
        ["wlan0", false, "02:40:00:00:00:05", "", "wpa2-eap"],
        ["wlan0", false, "02:40:00:00:00:07", hex("Ünïcode"), "wpa2-psk"],
        ["wlan1", false, "02:40:00:00:00:0a", hex("Library"), "wpa2-psk"],
      ],
    );
    assert.equal(rejected.length + verified.rejected.length, 6);
  });

  test("each kind of mis-parse is dropped for its own reason", () => {
    const { guarded, rejected } = guardNodeWifiRows(nodeWifiParse(recorded("node-wifi-list")));
    const verified = verifyRows(guarded, exact());
    const reasons = [...rejected, ...verified.rejected].map((r) => r.reason);
    assert.equal(reasons.filter((r) => r.includes("SSID holds nmcli escapes")).length, 3);
    assert.ok(reasons.some((r) => r.startsWith("columns shifted (mode")));
    assert.ok(reasons.includes(`SSID differs from the access point's bytes (hex ${hex("X\nno:Evil")})`));
    assert.ok(reasons.includes("SSID differs from the access point's bytes (hex 436166e9)"));
  });

  test("the SSID a raw newline forges passes every structural guard: only the exact-bytes check catches it", () => {
    const raw = nodeWifiParse(
      "no:X\nno\\:Evil:02\\:40\\:00\\:00\\:00\\:04:Infra:1:2412 MHz:55::(none):(none)\n",
    );
    const { guarded, rejected } = guardNodeWifiRows(raw);
    assert.deepEqual(rejected, []);
    assert.equal(guarded[0]?.ssidText, "Evil");
    const verified = verifyRows(guarded, exact());
    assert.deepEqual(verified.rows, []);
    assert.equal(verified.rejected.length, 1);
  });

  test("a row for a BSSID nmcli's exact listing does not have is dropped", () => {
    const raw = nodeWifiParse("no:Ghost:02\\:99\\:00\\:00\\:00\\:01:Infra:6:2437 MHz:20::(none):(none)\n");
    const { guarded } = guardNodeWifiRows(raw);
    assert.deepEqual(verifyRows(guarded, exact()).rejected, [
      { row: '{"ssid":"Ghost","bssid":"02:99:00:00:00:01"}', reason: "BSSID not in nmcli's exact listing" },
    ]);
  });

  test("values that are not node-wifi rows at all are rejected, not thrown on", () => {
    assert.deepEqual(guardNodeWifiRows("nope").rejected, [{ row: '"nope"', reason: "not a list of rows" }]);
    const r = guardNodeWifiRow({ ssid: 5 });
    assert.ok("reason" in r);
    assert.equal(r.reason, "not a node-wifi scan row");
  });
});
