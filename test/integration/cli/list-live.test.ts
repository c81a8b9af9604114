import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type PrivateBus, startPrivateBus } from "../../../src/harness/dbus-daemon.ts";
import { SimulatedNetworkManager } from "../../../src/harness/nm/index.ts";
import { DbusMock, dbusmockUnavailableReason } from "../nm/dbusmock.ts";
import { noDbusReason } from "../nm/helpers.ts";
import { nmcliUnavailableReason } from "../nodewifi/helpers.ts";
import { parseRows, runHotspot } from "./run-hotspot.ts";

const CAFE = ["--plugins", "test/fixtures/cli-plugins/cafe-free", "--no-bundled"];
const REQUEST_SCAN = "org.freedesktop.NetworkManager.Device.Wireless.RequestScan";
const hex = (s: string): string => Buffer.from(s, "utf8").toString("hex");

describe("hotspot list against the simulated NetworkManager (a real process, DBUS_SYSTEM_BUS_ADDRESS set)", {
  skip: noDbusReason,
}, () => {
  let bus: PrivateBus;
  let sim: SimulatedNetworkManager;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    bus = await startPrivateBus();
    sim = await SimulatedNetworkManager.start({ busAddress: bus.address });
    sim.addWifiDevice("wlan0");
    sim.addAccessPoint("wlan0", { ssid: "Cafe Free WiFi", bssid: "02:00:00:00:00:01", strength: 80 });
    sim.addAccessPoint("wlan0", {
      ssid: "Home:Net",
      bssid: "02:00:00:00:00:02",
      strength: 40,
      security: "wpa2-psk",
    });
    sim.addAccessPoint("wlan0", {
      ssid: Uint8Array.from([0x4b, 0xff, 0x4c]),
      bssid: "02:00:00:00:00:03",
      strength: 60,
      frequency: 5180,
    });
    sim.completeScan("wlan0");
    await sim.flushed();
    env = { DBUS_SYSTEM_BUS_ADDRESS: bus.address };
  });
  after(async () => {
    await sim?.stop();
    await bus?.stop();
  });

  test("--json lists NetworkManager's access points strongest first, with the plugin as provider", async () => {
    const r = await runHotspot(["list", ...CAFE, "--json"], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "");
    assert.deepEqual(
      parseRows(r.stdout).map((row) => [
        row.ssidHex,
        row.bssid,
        row.security,
        row.strength,
        row.provider?.pluginId,
      ]),
      [
        [hex("Cafe Free WiFi"), "02:00:00:00:00:01", "open", 80, "test-cafe-free"],
        ["4bff4c", "02:00:00:00:00:03", "open", 60, undefined],
        [hex("Home:Net"), "02:00:00:00:00:02", "wpa2-psk", 40, undefined],
      ],
    );
  });

  test("--bus ADDRESS wins over DBUS_SYSTEM_BUS_ADDRESS", async () => {
    const r = await runHotspot(["list", ...CAFE, "--json", "--bus", bus.address], {
      DBUS_SYSTEM_BUS_ADDRESS: "unix:path=/nonexistent/hotspot-other.sock",
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(parseRows(r.stdout).length, 3);
  });

  test("--rescan asks NetworkManager for a scan and lists its result", async () => {
    sim.setScanBehaviour({ mode: "complete", delayMs: 20 });
    const before = sim.calls(REQUEST_SCAN);
    const r = await runHotspot(["list", ...CAFE, "--json", "--rescan"], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "");
    assert.equal(sim.calls(REQUEST_SCAN), before + 1);
    assert.equal(parseRows(r.stdout).length, 3);
  });

  test("a rate-limited --rescan prints a warning on stderr and lists the last scan", async () => {
    sim.setScanBehaviour({ mode: "rate-limit" });
    const r = await runHotspot(["list", ...CAFE, "--json", "--rescan"], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /^hotspot: warning: NetworkManager refused a scan on wlan0: .*Scanning not allowed.*; showing the last scan\n$/,
    );
    assert.equal(parseRows(r.stdout).length, 3);
  });

  test("the table names the provider by its display name", async () => {
    const r = await runHotspot(["list", ...CAFE], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.split("\n")[1] ?? "", /Cafe Free WiFi.*Test Cafe/);
  });
});

describe("hotspot list when NetworkManager is not there", { skip: noDbusReason }, () => {
  test("a bus without NetworkManager is exit 4 with one clear line and no stack", async () => {
    const empty = await startPrivateBus();
    try {
      const r = await runHotspot(["list", ...CAFE], { DBUS_SYSTEM_BUS_ADDRESS: empty.address });
      assert.equal(r.code, 4);
      assert.equal(r.stdout, "");
      assert.match(
        r.stderr,
        /^hotspot: NetworkManager is not reachable on unix:path=.*\(is NetworkManager running\?.*\)\n$/,
      );
    } finally {
      await empty.stop();
    }
  });
});

describe("hotspot list against python3-dbusmock, over D-Bus and through --backend nmcli", {
  skip: noDbusReason ?? dbusmockUnavailableReason(),
}, () => {
  let bus: PrivateBus;
  let mock: DbusMock;

  before(async () => {
    bus = await startPrivateBus();
    mock = await DbusMock.start(bus.address);
    const dev = await mock.addWifiDevice("wlan0");
    await mock.addAccessPoint(dev, "Cafe Free WiFi", "02:40:00:00:00:01", 75);
    await mock.addAccessPoint(dev, "Bar:Guest\\2", "02:40:00:00:00:02", 55, 0x100);
    await mock.completeScan(dev);
  });
  after(async () => {
    await mock?.stop();
    await bus?.stop();
  });

  const expected = [
    [hex("Cafe Free WiFi"), "02:40:00:00:00:01", "open", "test-cafe-free"],
    [hex("Bar:Guest\\2"), "02:40:00:00:00:02", "wpa2-psk", undefined],
  ];

  test("the D-Bus backend lists the mock's access points with providers", async () => {
    const r = await runHotspot(["list", ...CAFE, "--json"], { DBUS_SYSTEM_BUS_ADDRESS: bus.address });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      parseRows(r.stdout).map((row) => [row.ssidHex, row.bssid, row.security, row.provider?.pluginId]),
      expected,
    );
  });

  test("--backend nmcli lists the same networks, SSIDs with ':' and '\\' exact", {
    skip: nmcliUnavailableReason(),
  }, async () => {
    const r = await runHotspot(["list", ...CAFE, "--json", "--backend", "nmcli", "--bus", bus.address]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      parseRows(r.stdout).map((row) => [row.ssidHex, row.bssid, row.security, row.provider?.pluginId]),
      expected,
    );
  });
});
