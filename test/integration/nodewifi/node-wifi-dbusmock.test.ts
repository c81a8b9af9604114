import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type PrivateBus, startPrivateBus } from "../../../src/harness/dbus-daemon.ts";
import { bytesEqual } from "../../../src/helper-api/ssid.ts";
import {
  createNodeWifiSource,
  type PollingWifiSource,
  snapshotEnv,
} from "../../../src/scan/nodewifi/index.ts";
import { DbusMock, dbusmockUnavailableReason } from "../nm/dbusmock.ts";
import { noDbusReason } from "../nm/helpers.ts";
import { NmcliMockExtras, nmcliUnavailableReason } from "./helpers.ts";

const skip = noDbusReason ?? dbusmockUnavailableReason() ?? nmcliUnavailableReason();

const REAL: readonly (readonly [string, readonly number[]])[] = [
  ["02:40:00:00:00:01", [...Buffer.from("Cafe:Free")]],
  ["02:40:00:00:00:02", [...Buffer.from("back\\slash")]],
  ["02:40:00:00:00:03", [...Buffer.from("AA:BB:CC:DD:EE:FF")]],
  ["02:40:00:00:00:04", [...Buffer.from("X\nno:Evil")]],
  ["02:40:00:00:00:05", [...Buffer.from("x\\:y")]],
  ["02:40:00:00:00:06", [0x43, 0x61, 0x66, 0xe9]],
  ["02:40:00:00:00:07", [...Buffer.from("Ünïcode Café")]],
  ["02:40:00:00:00:08", [...Buffer.from("Plain")]],
];

describe("node-wifi source (guarded) against real nmcli and python3-dbusmock", { skip }, () => {
  let bus: PrivateBus;
  let mock: DbusMock;
  let source: PollingWifiSource;
  let envBefore: ReturnType<typeof snapshotEnv>;
  const warnings: string[] = [];

  before(async () => {
    bus = await startPrivateBus();
    mock = await DbusMock.start(bus.address);
    const extras = new NmcliMockExtras(mock);
    const dev = await mock.addWifiDevice("wlan0");
    for (const [i, [bssid, bytes]] of REAL.entries()) {
      const ap = await mock.addAccessPoint(dev, `ap${i}`, bssid.toUpperCase(), 80 - i * 5);
      await extras.setSsidBytes(ap, bytes);
    }
    await extras.completingRequestScan(dev);
    envBefore = snapshotEnv();
    source = createNodeWifiSource({ busAddress: bus.address, pollIntervalMs: 100, whenUnavailable: "fail" });
    source.on("warning", (e) => warnings.push(e.message));
  });
  after(async () => {
    await source?.stop();
    await mock?.stop();
    await bus?.stop();
  });

  test("no SSID it reports differs from the bytes the access point broadcasts", async () => {
    await source.start();
    const reported = source.current().flatMap((l) => l.networks);
    const truth = new Map(REAL.map(([bssid, bytes]) => [bssid, Uint8Array.from(bytes)]));
    for (const n of reported) {
      const real = truth.get(n.bssid);
      assert.ok(real && bytesEqual(n.ssid, real), `${n.bssid} reported as ${JSON.stringify(n.ssidText)}`);
    }
    assert.deepEqual(
      reported.map((n) => [n.ssidText, n.bssid]),
      [
        ["Ünïcode Café", "02:40:00:00:00:07"],
        ["Plain", "02:40:00:00:00:08"],
      ],
    );
  });

  test("every row node-wifi mis-parses is dropped with a warning naming why", () => {
    const dropped = warnings.filter((w) => w.startsWith("node-wifi: dropped a scan row"));
    assert.equal(dropped.length, 6);
    assert.ok(
      dropped.some((w) => w.includes("SSID differs from the access point's bytes (hex 580a6e6f3a4576696c)")),
    );
  });

  test("process.env is exactly as before node-wifi was loaded, after scans, rescans and polls", async () => {
    await source.rescan();
    await source.rescan();
    assert.deepEqual(snapshotEnv(), envBefore);
    assert.notEqual(process.env.LC_ALL, "en_US.UTF-8");
    assert.notEqual(process.env.LANG, "en_US.UTF-8");
  });
});
