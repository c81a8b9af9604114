import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { isHotspotError } from "../../../src/errors.ts";
import { type PrivateBus, startPrivateBus } from "../../../src/harness/dbus-daemon.ts";
import {
  createNetworkManagerSource,
  type NetworkManagerSource,
} from "../../../src/scan/networkmanager/index.ts";
import { DbusMock, dbusmockUnavailableReason } from "./dbusmock.ts";
import { noDbusReason, Recorder, text } from "./helpers.ts";

const skip = noDbusReason ?? dbusmockUnavailableReason();

describe("NetworkManager client against python3-dbusmock's networkmanager template", { skip }, () => {
  let bus: PrivateBus;
  let mock: DbusMock;
  let source: NetworkManagerSource;
  let rec: Recorder;
  let dev = "";
  const aps: string[] = [];

  before(async () => {
    bus = await startPrivateBus();
    source = createNetworkManagerSource({ busAddress: bus.address });
    rec = new Recorder(source);
    await source.start();
    mock = await DbusMock.start(bus.address);
  });
  after(async () => {
    await source?.stop();
    await mock?.stop();
    await bus?.stop();
  });

  test("a client started before the mock's template has loaded becomes ready once it answers", async () => {
    await source.whenReady();
    assert.equal(source.status, "ready");
    assert.deepEqual(source.current(), []);
  });

  test("a Wi-Fi device added to the mock is picked up with its access points", async () => {
    const scanned = rec.next("scan", (l) => l.networks.length === 2);
    dev = await mock.addWifiDevice("wlan0");
    aps.push(await mock.addAccessPoint(dev, "Cafe", "02:40:00:00:00:01", 70));
    aps.push(await mock.addAccessPoint(dev, "Home", "02:40:00:00:00:02", 40, 0x100));
    await mock.completeScan(dev);
    const list = await scanned;
    assert.equal(list.device, "wlan0");
    assert.deepEqual(
      list.networks.map((n) => [text(n.ssid), n.bssid, n.security, n.strength]),
      [
        ["Cafe", "02:40:00:00:00:01", "open", 70],
        ["Home", "02:40:00:00:00:02", "wpa2-psk", 40],
      ],
    );
  });

  test("an access point removed from the mock is gone from the next scan", async () => {
    const extra = await mock.addAccessPoint(dev, "Brief", "02:40:00:00:00:03", 20);
    const withExtra = rec.next("scan");
    await mock.completeScan(dev);
    assert.deepEqual(
      (await withExtra).networks.map((n) => text(n.ssid)),
      ["Cafe", "Home", "Brief"],
    );
    const without = rec.next("scan");
    await mock.removeAccessPoint(dev, extra);
    await mock.completeScan(dev);
    assert.deepEqual(
      (await without).networks.map((n) => text(n.ssid)),
      ["Cafe", "Home"],
    );
  });

  test("rescan calls the mock's RequestScan and resolves with the completed scan", async () => {
    const lists = await source.rescan();
    assert.equal(await mock.callCount(dev, "RequestScan"), 1);
    assert.deepEqual(
      lists.map((l) => [l.device, l.networks.length]),
      [["wlan0", 2]],
    );
  });

  test("activation reports a join with the link facts from Ip4Config and Dhcp4Config", async () => {
    const joined = rec.next("join");
    const ac = await mock.join(dev, aps[0] ?? "", "Cafe", {
      ipv4: "172.16.5.9",
      gateway: "172.16.5.1",
      dns: ["172.16.5.1"],
      uri: "https://portal.example/api",
    });
    const e = await joined;
    assert.equal(text(e.network.ssid), "Cafe");
    assert.equal(e.network.bssid, "02:40:00:00:00:01");
    assert.equal(e.network.interface, "wlan0");
    assert.equal(e.network.ipv4, "172.16.5.9");
    assert.equal(e.network.gateway, "172.16.5.1");
    assert.deepEqual(e.network.dns, ["172.16.5.1"]);
    assert.equal(e.network.captivePortalUri, "https://portal.example/api");
    const left = rec.next("leave");
    await mock.leave(dev, ac);
    assert.equal((await left).reason, "disconnected");
    assert.equal(rec.of("join").length, 1);
  });

  test("connectivity follows the mock and checkConnectivity returns its answer", async () => {
    const changed = new Promise<string>((resolve) => {
      const off = source.onConnectivity((c) => {
        if (c.global === "portal") {
          off();
          resolve(c.global);
        }
      });
    });
    await mock.setConnectivity(2);
    assert.equal(await changed, "portal");
    await mock.setConnectivity(4);
    assert.equal(await source.checkConnectivity(), "full");
  });

  test("no malformed-data warnings were raised by the mock's values", () => {
    const bad = rec.of("warning").filter((e) => isHotspotError(e, "HH_NM_BAD_PROPERTY"));
    assert.deepEqual(
      bad.map((e) => e.message),
      [],
    );
  });
});
