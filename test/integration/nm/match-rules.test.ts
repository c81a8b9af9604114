import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { sessionBus } from "@jellybrick/dbus-next";
import { type PrivateBus, startPrivateBus } from "../../../src/harness/dbus-daemon.ts";
import { SimulatedNetworkManager } from "../../../src/harness/nm/index.ts";
import { type BusConnection, openBus } from "../../../src/scan/dbus/bus.ts";
import { matchRulesOf } from "../../../src/scan/dbus/signals.ts";
import { IFACE, NM_BUS_NAME } from "../../../src/scan/networkmanager/constants.ts";
import {
  createNetworkManagerSource,
  type NetworkManagerSource,
} from "../../../src/scan/networkmanager/index.ts";
import { DEVICE, introspectionXml } from "../../../src/scan/networkmanager/introspection.ts";
import { noDbusReason, Recorder } from "./helpers.ts";

const CYCLES = Number(process.env.HOTSPOT_NM_LEAK_CYCLES ?? 10_000);
const MB = 1024 * 1024;

setFlagsFromString("--expose-gc");
const gc: unknown = runInNewContext("gc");
function collect(): void {
  if (typeof gc === "function") gc();
}

describe("match rules and memory stay flat (simulated NetworkManager)", { skip: noDbusReason }, () => {
  let bus: PrivateBus;
  let sim: SimulatedNetworkManager;
  let probe: BusConnection;
  let source: NetworkManagerSource;
  before(async () => {
    // The system bus's limit: a client that leaked one rule per access point would hit it.
    bus = await startPrivateBus({ maxMatchRulesPerConnection: 512 });
    sim = await SimulatedNetworkManager.start({
      busAddress: bus.address,
      setup: (s) => void s.addWifiDevice("wlan0"),
    });
    probe = await openBus(bus.address);
    source = createNetworkManagerSource({ busAddress: bus.address });
    await source.start();
    await source.whenReady();
  });
  after(async () => {
    await source?.stop();
    probe?.close();
    await sim?.stop();
    await bus?.stop();
  });

  test(`${CYCLES} access-point add/remove cycles leave our match rules unchanged and the heap within 10 MB`, async () => {
    const rec = new Recorder(source);
    const name = source.busName ?? "";
    const cycle = async (n: number): Promise<void> => {
      for (let done = 0; done < n; ) {
        const batch = Math.min(250, n - done);
        for (let i = 0; i < batch; i++) {
          const ap = sim.addAccessPoint("wlan0", {
            ssid: `ap-${done + i}`,
            bssid: "02:30:00:00:00:01",
            strength: 50,
          });
          sim.removeAccessPoint(ap);
        }
        done += batch;
        await sim.flushed();
        const scanned = rec.next("scan", () => true, 30_000);
        sim.completeScan("wlan0");
        const list = await scanned;
        assert.equal(list.networks.length, 0);
      }
    };
    await cycle(500);
    const rulesBefore = (await matchRulesOf(probe, name)).sort();
    rec.events.length = 0;
    collect();
    const heapBefore = process.memoryUsage().heapUsed;
    await cycle(CYCLES);
    rec.events.length = 0;
    collect();
    const grown = process.memoryUsage().heapUsed - heapBefore;
    assert.deepEqual((await matchRulesOf(probe, name)).sort(), rulesBefore);
    assert.ok(rulesBefore.length > 0 && rulesBefore.length < 20, `${rulesBefore.length} rules`);
    assert.ok(grown < 10 * MB, `heap grew ${(grown / MB).toFixed(1)} MB`);
  });

  test("the dbus-next fork removes a proxy's match rule with its last listener (upstream 0.10.2 leaked it)", async () => {
    const client = sessionBus({ busAddress: bus.address });
    try {
      await new Promise<void>((resolve) => client.once("connect", () => resolve()));
      const name = client.name ?? "";
      const devicePath = sim.devicePath("wlan0");
      const xml = introspectionXml([DEVICE]);
      const afterPendingBusCalls = () => client.getProxyObject(NM_BUS_NAME, devicePath, xml);
      const baseline = (await matchRulesOf(probe, name)).length;
      const listener = (): void => {};
      for (let i = 0; i < 300; i++) {
        const obj = await client.getProxyObject(NM_BUS_NAME, devicePath, xml);
        const iface = obj.getInterface(IFACE.device);
        iface.on("StateChanged", listener);
        iface.off("StateChanged", listener);
      }
      const obj = await client.getProxyObject(NM_BUS_NAME, devicePath, xml);
      const iface = obj.getInterface(IFACE.device);
      iface.on("StateChanged", listener);
      await afterPendingBusCalls();
      const subscribed = await matchRulesOf(probe, name);
      assert.ok(subscribed.some((r) => r.includes("member='StateChanged'")));
      iface.off("StateChanged", listener);
      await afterPendingBusCalls();
      const rules = await matchRulesOf(probe, name);
      assert.equal(
        rules.filter((r) => r.includes("member='StateChanged'")).length,
        0,
        "StateChanged rule left behind",
      );
      assert.ok(rules.length <= baseline + 1, `${rules.length} rules after 300 subscribe/unsubscribe cycles`);
    } finally {
      client.disconnect();
    }
  });
});
