import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { scannedNetwork } from "../../../src/helper-api/network.ts";
import type { NmcliDevice } from "../../../src/scan/nodewifi/device-show.ts";
import { JoinTracker } from "../../../src/scan/nodewifi/joins.ts";
import type { WifiRow } from "../../../src/scan/nodewifi/rows.ts";

const row = (ssid: string, bssid: string, inUse: boolean, device = "wlan0"): WifiRow => ({
  device,
  inUse,
  network: scannedNetwork({
    ssid: Buffer.from(ssid),
    bssid,
    strength: 60,
    frequency: 2412,
    security: "open",
  }),
});
const dev = (state: number, iface = "wlan0"): NmcliDevice => ({
  iface,
  type: "wifi",
  state,
  link: { ipv4: "10.0.0.23", gateway: "10.0.0.1", captivePortalUri: "https://portal.example/api" },
});

function tracker() {
  const events: string[] = [];
  const t = new JoinTracker({
    join: (e) =>
      events.push(`join ${e.device} ${e.network.ssidText} ${e.network.bssid} ${e.network.justJoined}`),
    leave: (e) => events.push(`leave ${e.device} ${e.network.ssidText} ${e.reason}`),
    roam: (e) =>
      events.push(`roam ${e.device} ${e.previousBssid}→${e.network.bssid} ${e.network.justJoined}`),
    unknownAp: (d) => events.push(`unknown ${d}`),
  });
  return { t, events };
}

describe("join, leave and roam from polled nmcli states", () => {
  test("an activated device on an in-use AP joins once, with the link facts, and stays joined on later polls", () => {
    const { t, events } = tracker();
    t.update([dev(100)], [row("Cafe", "02:00:00:00:00:01", true)]);
    t.update([dev(100)], [row("Cafe", "02:00:00:00:00:01", true)]);
    assert.deepEqual(events, ["join wlan0 Cafe 02:00:00:00:00:01 true"]);
    const joined = t.joined().get("wlan0");
    assert.equal(joined?.ipv4, "10.0.0.23");
    assert.equal(joined?.captivePortalUri, "https://portal.example/api");
  });

  test("a new BSSID of the same SSID is a roam; another SSID is a leave (switched) then a join", () => {
    const { t, events } = tracker();
    t.update([dev(100)], [row("Cafe", "02:00:00:00:00:01", true)]);
    t.update([dev(100)], [row("Cafe", "02:00:00:00:00:02", true)]);
    t.update([dev(100)], [row("Hotel", "02:00:00:00:00:03", true)]);
    assert.deepEqual(events, [
      "join wlan0 Cafe 02:00:00:00:00:01 true",
      "roam wlan0 02:00:00:00:00:01→02:00:00:00:00:02 false",
      "leave wlan0 Cafe switched",
      "join wlan0 Hotel 02:00:00:00:00:03 true",
    ]);
  });

  test("activation in progress keeps the join; a disconnect or a vanished device leaves", () => {
    const { t, events } = tracker();
    t.update(
      [dev(100), dev(100, "wlan1")],
      [row("A", "02:00:00:00:00:01", true), row("B", "02:00:00:00:00:02", true, "wlan1")],
    );
    t.update([dev(70), dev(100, "wlan1")], []);
    t.update([dev(30), dev(100, "wlan1")], []);
    t.update([dev(30)], []);
    assert.deepEqual(events, [
      "join wlan0 A 02:00:00:00:00:01 true",
      "join wlan1 B 02:00:00:00:00:02 true",
      "leave wlan0 A disconnected",
      "leave wlan1 B device-removed",
    ]);
  });

  test("an activated device with no AP marked in use is reported once and not joined", () => {
    const { t, events } = tracker();
    t.update([dev(100)], [row("A", "02:00:00:00:00:01", false)]);
    t.update([dev(100)], [row("A", "02:00:00:00:00:01", false)]);
    assert.deepEqual(events, ["unknown wlan0"]);
    assert.equal(t.joined().size, 0);
  });

  test("non-Wi-Fi devices are ignored and stop leaves every joined device with source-stopped", () => {
    const { t, events } = tracker();
    t.update([{ ...dev(100, "eth0"), type: "ethernet" }, dev(100)], [row("A", "02:00:00:00:00:01", true)]);
    t.stop();
    assert.deepEqual(events, ["join wlan0 A 02:00:00:00:00:01 true", "leave wlan0 A source-stopped"]);
  });
});
