import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { Variant } from "@jellybrick/dbus-next";
import { isHotspotError } from "../../../src/errors.ts";
import { IFACE } from "../../../src/scan/networkmanager/constants.ts";
import { noDbusReason, text, type World, world } from "./helpers.ts";

describe("NetworkManager client against the simulated NetworkManager: scans", { skip: noDbusReason }, () => {
  const worlds: World[] = [];
  after(async () => {
    for (const w of worlds) await w.close();
  });
  const open = async (...args: Parameters<typeof world>): Promise<World> => {
    const w = await world(...args);
    worlds.push(w);
    return w;
  };

  test("start reads existing access points with exact SSID bytes, security and signal", async () => {
    const raw = Uint8Array.from([0x43, 0x61, 0x66, 0xe9, 0x00, 0x21]);
    const w = await open((sim) => {
      sim.addWifiDevice("wlan0");
      sim.addAccessPoint("wlan0", {
        ssid: "Airport Free WiFi",
        bssid: "02:aa:00:00:00:01",
        strength: 80,
        security: "open",
      });
      sim.addAccessPoint("wlan0", {
        ssid: raw,
        bssid: "02:aa:00:00:00:02",
        strength: 40,
        security: "wpa2-psk",
      });
    });
    const [list] = w.source.current();
    assert.equal(list?.device, "wlan0");
    assert.deepEqual(
      list?.networks.map((n) => [n.bssid, n.ssidHex, n.security, n.strength, n.signal]),
      [
        ["02:aa:00:00:00:01", Buffer.from("Airport Free WiFi").toString("hex"), "open", 80, 0.8],
        ["02:aa:00:00:00:02", "436166e90021", "wpa2-psk", 40, 0.4],
      ],
    );
    assert.deepEqual([...(list?.networks[1]?.ssid ?? [])], [...raw]);
  });

  test("a completed scan produces exactly one scan event carrying the full list", async () => {
    const w = await open((sim) => {
      sim.addWifiDevice("wlan0");
      sim.addAccessPoint("wlan0", { ssid: "one", bssid: "02:bb:00:00:00:01" });
    });
    const before = w.rec.of("scan").length;
    const next = w.rec.next("scan");
    w.sim.addAccessPoint("wlan0", { ssid: "two", bssid: "02:bb:00:00:00:02", strength: 90 });
    w.sim.addAccessPoint("wlan0", { ssid: "three", bssid: "02:bb:00:00:00:03", strength: 10 });
    w.sim.completeScan("wlan0");
    const list = await next;
    assert.deepEqual(
      list.networks.map((n) => text(n.ssid)),
      ["two", "one", "three"],
    );
    await w.sim.flushed();
    const again = w.rec.next("scan");
    w.sim.completeScan("wlan0");
    await again;
    assert.equal(w.rec.of("scan").length, before + 2);
  });

  test("removed access points and strength changes show in the next scan", async () => {
    let gone = "";
    let weak = "";
    const w = await open((sim) => {
      sim.addWifiDevice("wlan0");
      gone = sim.addAccessPoint("wlan0", { ssid: "gone", bssid: "02:cc:00:00:00:01" });
      weak = sim.addAccessPoint("wlan0", { ssid: "weak", bssid: "02:cc:00:00:00:02", strength: 70 });
    });
    const next = w.rec.next("scan");
    w.sim.removeAccessPoint(gone);
    w.sim.updateAccessPoint(weak, { strength: 12 });
    w.sim.completeScan("wlan0");
    const list = await next;
    assert.deepEqual(
      list.networks.map((n) => [text(n.ssid), n.strength]),
      [["weak", 12]],
    );
  });

  test("a scan event carries AP changes whose batch NetworkManager sends after LastScan's", async () => {
    let late = "";
    const w = await open((sim) => {
      sim.addWifiDevice("wlan0");
      late = sim.addAccessPoint("wlan0", { ssid: "late", bssid: "02:cd:00:00:00:01", strength: 70 });
    });
    const next = w.rec.next("scan");
    w.sim.holdPropertiesChanged(late);
    w.sim.updateAccessPoint(late, { strength: 12 });
    w.sim.completeScan("wlan0");
    const list = await next;
    assert.deepEqual(
      list.networks.map((n) => [text(n.ssid), n.strength]),
      [["late", 12]],
    );
  });

  test("devices that appear and vanish are scanned and dropped", async () => {
    const w = await open((sim) => {
      sim.addWifiDevice("wlan0");
    });
    const second = w.rec.next("scan", (l) => l.device === "wlan1");
    w.sim.addWifiDevice("wlan1", "02:00:00:00:02:00");
    w.sim.addAccessPoint("wlan1", { ssid: "usb", bssid: "02:dd:00:00:00:01" });
    w.sim.completeScan("wlan1");
    const list = await second;
    assert.deepEqual(
      list.networks.map((n) => text(n.ssid)),
      ["usb"],
    );
    assert.deepEqual(
      w.source
        .current()
        .map((l) => l.device)
        .sort(),
      ["wlan0", "wlan1"],
    );
    w.sim.removeDevice("wlan1");
    await w.sim.flushed();
    await waitFor(() => w.source.current().length === 1);
    assert.deepEqual(
      w.source.current().map((l) => l.device),
      ["wlan0"],
    );
  });

  test("a malformed SSID or strength is reported as HH_NM_BAD_PROPERTY and the access point is left out", async () => {
    let bad = "";
    const w = await open((sim) => {
      sim.addWifiDevice("wlan0");
      sim.addAccessPoint("wlan0", { ssid: "fine", bssid: "02:ee:00:00:00:01" });
      bad = sim.addAccessPoint("wlan0", { ssid: "tmp", bssid: "02:ee:00:00:00:02" });
    });
    const warning = w.rec.next("warning", (e) => isHotspotError(e, "HH_NM_BAD_PROPERTY"));
    w.sim.setRawProperty(bad, IFACE.accessPoint, "Ssid", new Variant("ay", Buffer.alloc(33, 0x41)));
    const e = await warning;
    assert.match(e.message, /Ssid.*longer than 32 bytes/);
    const strength = w.rec.next(
      "warning",
      (x) => isHotspotError(x, "HH_NM_BAD_PROPERTY") && /Strength/.test(x.message),
    );
    w.sim.setRawProperty(bad, IFACE.accessPoint, "Strength", new Variant("s", "loud"));
    await strength;
    const next = w.rec.next("scan");
    w.sim.completeScan("wlan0");
    const list = await next;
    assert.deepEqual(
      list.networks.map((n) => text(n.ssid)),
      ["fine"],
    );
  });

  test("rescan asks NetworkManager and resolves with the completed scan", async () => {
    const w = await open((sim) => {
      sim.addWifiDevice("wlan0");
      sim.addAccessPoint("wlan0", { ssid: "cafe", bssid: "02:ff:00:00:00:01" });
    });
    w.sim.setScanBehaviour({ mode: "complete", delayMs: 20 });
    const lists = await w.source.rescan();
    assert.equal(w.sim.calls(`${IFACE.wireless}.RequestScan`), 1);
    assert.deepEqual(
      lists.map((l) => [l.device, l.networks.map((n) => text(n.ssid))]),
      [["wlan0", ["cafe"]]],
    );
  });

  test("a rate-limited or refused rescan warns with HH_NM_SCAN_REFUSED and returns the last scan", async () => {
    const w = await open((sim) => {
      sim.addWifiDevice("wlan0");
      sim.addAccessPoint("wlan0", { ssid: "cafe", bssid: "02:ff:00:00:00:02" });
    });
    w.sim.setScanBehaviour({ mode: "rate-limit" });
    const limited = w.rec.next("warning");
    const lists = await w.source.rescan();
    const e1 = await limited;
    assert.ok(isHotspotError(e1, "HH_NM_SCAN_REFUSED"));
    assert.match(e1.message, /rate-limited/);
    assert.deepEqual(
      lists.map((l) => l.networks.map((n) => text(n.ssid))),
      [["cafe"]],
    );
    w.sim.setScanBehaviour({ mode: "deny" });
    const denied = w.rec.next("warning");
    await w.source.rescan();
    const e2 = await denied;
    assert.ok(isHotspotError(e2, "HH_NM_SCAN_REFUSED"));
    assert.match(e2.message, /permission denied/);
  });
});

async function waitFor(cond: () => boolean, timeoutMs = 2000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error("condition not met in time");
    await new Promise((r) => setImmediate(r));
  }
}
