import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { isHotspotError } from "../../../src/errors.ts";
import { type PrivateBus, startPrivateBus } from "../../../src/harness/dbus-daemon.ts";
import { createNmcliSource, type PollingWifiSource } from "../../../src/scan/nodewifi/index.ts";
import { DbusMock, dbusmockUnavailableReason } from "../nm/dbusmock.ts";
import { noDbusReason } from "../nm/helpers.ts";
import { NmcliMockExtras, nextEvent, nmcliUnavailableReason } from "./helpers.ts";

const skip = noDbusReason ?? dbusmockUnavailableReason() ?? nmcliUnavailableReason();
const hex = (s: string): string => Buffer.from(s, "utf8").toString("hex");

describe("nmcli fallback source: real nmcli against python3-dbusmock's networkmanager template", {
  skip,
}, () => {
  let bus: PrivateBus;
  let mock: DbusMock;
  let extras: NmcliMockExtras;
  let source: PollingWifiSource;
  let wlan0 = "";
  const aps = new Map<string, string>();

  before(async () => {
    bus = await startPrivateBus();
    mock = await DbusMock.start(bus.address);
    extras = new NmcliMockExtras(mock);
    wlan0 = await mock.addWifiDevice("wlan0");
    const tricky: [string, string, number, number][] = [
      ["colon", "Cafe:Free", 70, 0],
      ["backslash", "back\\slash", 65, 0x100],
      ["escaped-colon", "x\\:y", 60, 0x400],
      ["bssid-like", "AA:BB:CC:DD:EE:FF", 55, 0x100],
      ["newline", "X\nno:Evil", 50, 0],
      ["hotel-1", "Hotel Guest", 45, 0],
      ["hotel-2", "Hotel Guest", 40, 0],
      ["latin1", "latin1", 35, 0],
    ];
    for (const [key, ssid, strength, security] of tricky) {
      const n = aps.size + 1;
      aps.set(key, await mock.addAccessPoint(wlan0, ssid, `02:40:00:00:00:0${n}`, strength, security));
    }
    await extras.setSsidBytes(aps.get("latin1") ?? "", [0x43, 0x61, 0x66, 0xe9]);
    source = createNmcliSource({ busAddress: bus.address, pollIntervalMs: 100, whenUnavailable: "fail" });
    await source.start();
  });
  after(async () => {
    await source?.stop();
    await mock?.stop();
    await bus?.stop();
  });

  test("every access point is reported with its exact SSID bytes, ':', '\\', newline and non-UTF-8 included", () => {
    const [list] = source.current();
    assert.equal(list?.device, "wlan0");
    assert.deepEqual(
      list?.networks.map((n) => [n.ssidHex, n.bssid, n.strength, n.security]),
      [
        [hex("Cafe:Free"), "02:40:00:00:00:01", 70, "open"],
        [hex("back\\slash"), "02:40:00:00:00:02", 65, "wpa2-psk"],
        [hex("x\\:y"), "02:40:00:00:00:03", 60, "wpa3-sae"],
        [hex("AA:BB:CC:DD:EE:FF"), "02:40:00:00:00:04", 55, "wpa2-psk"],
        [hex("X\nno:Evil"), "02:40:00:00:00:05", 50, "open"],
        [hex("Hotel Guest"), "02:40:00:00:00:06", 45, "open"],
        [hex("Hotel Guest"), "02:40:00:00:00:07", 40, "open"],
        ["436166e9", "02:40:00:00:00:08", 35, "open"],
      ],
    );
  });

  test("a join is seen on the next poll with the link's address, gateway, DNS and RFC 8910 URI", async () => {
    const joined = nextEvent(source, "join");
    const hotel = aps.get("hotel-1") ?? "";
    await mock.join(wlan0, hotel, "Hotel Guest", {
      ipv4: "10.0.0.23",
      gateway: "10.0.0.1",
      dns: ["10.0.0.1", "192.0.2.53"],
      uri: "https://portal.example/api",
    });
    await extras.setActiveAccessPoint(wlan0, hotel);
    const { device, network } = await joined;
    assert.equal(device, "wlan0");
    assert.equal(network.ssidText, "Hotel Guest");
    assert.equal(network.bssid, "02:40:00:00:00:06");
    assert.equal(network.ipv4, "10.0.0.23");
    assert.equal(network.gateway, "10.0.0.1");
    assert.deepEqual(network.dns, ["10.0.0.1", "192.0.2.53"]);
    assert.equal(network.captivePortalUri, "https://portal.example/api");
    assert.equal(network.justJoined, true);
  });

  test("moving to the other BSSID of the same SSID is a roam, not a new join", async () => {
    const roamed = nextEvent(source, "roam");
    await extras.setActiveAccessPoint(wlan0, aps.get("hotel-2") ?? "");
    const e = await roamed;
    assert.equal(e.previousBssid, "02:40:00:00:00:06");
    assert.equal(e.network.bssid, "02:40:00:00:00:07");
    assert.equal(e.network.justJoined, false);
  });

  test("a disconnect is a leave with reason disconnected", async () => {
    const left = nextEvent(source, "leave");
    await mock.call("/org/freedesktop", "SetDeviceDisconnected", "s", [wlan0]);
    const e = await left;
    assert.equal(e.reason, "disconnected");
    assert.equal(e.network.ssidText, "Hotel Guest");
  });

  test("rescan calls NetworkManager's RequestScan and resolves with the completed list", async () => {
    await extras.completingRequestScan(wlan0);
    const before = await mock.callCount(wlan0, "RequestScan");
    const lists = await source.rescan();
    assert.ok((await mock.callCount(wlan0, "RequestScan")) > before);
    assert.deepEqual(
      lists.map((l) => [l.device, l.networks.length]),
      [["wlan0", 8]],
    );
  });

  test("a refused scan is a HH_NM_SCAN_REFUSED warning and the last scan is returned", async () => {
    await extras.refusingRequestScan(wlan0);
    const warned = nextEvent(source, "warning", (e) => isHotspotError(e, "HH_NM_SCAN_REFUSED"));
    const lists = await source.rescan();
    const warning = await warned;
    assert.match(warning.message, /Scanning not allowed immediately following previous scan/);
    assert.equal(lists[0]?.networks.length, 8);
  });

  test("checkConnectivity asks NetworkManager and returns its answer", async () => {
    await mock.setConnectivity(2);
    assert.equal(await source.checkConnectivity?.(), "portal");
    await mock.setConnectivity(4);
    assert.equal(await source.checkConnectivity?.(), "full");
  });
});

describe("nmcli fallback source without NetworkManager or without nmcli", { skip }, () => {
  test("a bus without NetworkManager makes start fail with HH_NM_UNAVAILABLE (exit code 4)", async () => {
    const empty = await startPrivateBus();
    try {
      const source = createNmcliSource({ busAddress: empty.address, whenUnavailable: "fail" });
      await assert.rejects(source.start(), (e) => isHotspotError(e, "HH_NM_UNAVAILABLE") && e.exitCode === 4);
    } finally {
      await empty.stop();
    }
  });

  test("a missing nmcli program makes start fail with HH_NMCLI_UNAVAILABLE", async () => {
    const source = createNmcliSource({ command: "/nonexistent/nmcli", whenUnavailable: "fail" });
    await assert.rejects(source.start(), (e) => isHotspotError(e, "HH_NMCLI_UNAVAILABLE"));
  });
});
