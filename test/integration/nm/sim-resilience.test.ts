import assert from "node:assert/strict";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { isHotspotError } from "../../../src/errors.ts";
import { type PrivateBus, startPrivateBus } from "../../../src/harness/dbus-daemon.ts";
import { SimulatedNetworkManager } from "../../../src/harness/nm/index.ts";
import { openBus } from "../../../src/scan/dbus/bus.ts";
import { matchRulesOf } from "../../../src/scan/dbus/signals.ts";
import { createNetworkManagerSource } from "../../../src/scan/networkmanager/index.ts";
import { noDbusReason, Recorder, text } from "./helpers.ts";

describe("NetworkManager client resilience (simulated NetworkManager)", { skip: noDbusReason }, () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c();
  });
  const bus = async (): Promise<PrivateBus> => {
    const b = await startPrivateBus();
    cleanups.push(() => b.stop());
    return b;
  };
  const sim = async (
    b: PrivateBus,
    setup?: (s: SimulatedNetworkManager) => void | Promise<void>,
    first = 1,
  ) => {
    const s = await SimulatedNetworkManager.start({
      busAddress: b.address,
      firstObjectNumber: first,
      ...(setup ? { setup } : {}),
    });
    cleanups.push(() => s.stop());
    return s;
  };
  const wifi = (ssid: string, bssid: string) => async (s: SimulatedNetworkManager) => {
    s.addWifiDevice("wlan0");
    const ap = s.addAccessPoint("wlan0", { ssid, bssid });
    await s.join("wlan0", ap, { instant: true, ipv4: "10.1.0.5" });
  };

  test("NetworkManager absent at start: a clear HH_NM_UNAVAILABLE warning, then ready when it appears", async () => {
    const b = await bus();
    const source = createNetworkManagerSource({ busAddress: b.address });
    cleanups.push(() => source.stop());
    const rec = new Recorder(source);
    const warned = rec.next("warning");
    await source.start();
    const e = await warned;
    assert.ok(isHotspotError(e, "HH_NM_UNAVAILABLE"));
    assert.match(e.message, /org\.freedesktop\.NetworkManager has no owner/);
    assert.equal(source.status, "waiting");
    const scanned = rec.next("scan");
    await sim(b, (s) => {
      s.addWifiDevice("wlan0");
      s.addAccessPoint("wlan0", { ssid: "late", bssid: "02:20:00:00:00:01" });
    });
    const list = await scanned;
    assert.deepEqual(
      list.networks.map((n) => text(n.ssid)),
      ["late"],
    );
    assert.equal(source.status, "ready");
  });

  test("in fail mode start() rejects with HH_NM_UNAVAILABLE when NetworkManager or the bus is absent", async () => {
    const b = await bus();
    const noNm = createNetworkManagerSource({ busAddress: b.address, whenUnavailable: "fail" });
    await assert.rejects(
      noNm.start(),
      (e) => isHotspotError(e, "HH_NM_UNAVAILABLE") && /no owner/.test(e.message),
    );
    assert.equal(noNm.status, "stopped");
    const noBus = createNetworkManagerSource({
      busAddress: `unix:path=${join(b.dir, "missing.sock")}`,
      whenUnavailable: "fail",
    });
    await assert.rejects(
      noBus.start(),
      (e) => isHotspotError(e, "HH_NM_UNAVAILABLE") && /cannot use the bus/.test(e.message),
    );
  });

  test("an unreachable bus is retried with growing delays", async () => {
    const b = await bus();
    const attempts: number[] = [];
    const source = createNetworkManagerSource({
      busAddress: `unix:path=${join(b.dir, "missing.sock")}`,
      retryDelayMs: (n) => {
        attempts.push(n);
        return 1;
      },
    });
    cleanups.push(() => source.stop());
    const rec = new Recorder(source);
    await source.start();
    await rec.next("warning", () => attempts.length >= 3);
    await source.stop();
    assert.deepEqual(attempts.slice(0, 3), [0, 1, 2]);
    assert.ok(rec.of("warning").every((e) => isHotspotError(e, "HH_NM_UNAVAILABLE")));
  });

  test("losing the bus connection is a warning and a reconnect attempt, not a crash", async () => {
    const b = await startPrivateBus();
    await sim(b, (s) => void s.addWifiDevice("wlan0"));
    const attempts: number[] = [];
    const source = createNetworkManagerSource({
      busAddress: b.address,
      retryDelayMs: (n) => {
        attempts.push(n);
        return 5;
      },
    });
    cleanups.push(() => source.stop());
    const rec = new Recorder(source);
    await source.start();
    await source.whenReady();
    const lost = rec.next("warning", (e) => /lost the bus connection/.test(e.message));
    await b.stop();
    assert.ok(isHotspotError(await lost, "HH_NM_UNAVAILABLE"));
    await rec.next("warning", () => attempts.length >= 2);
    assert.notEqual(source.status, "ready");
    assert.deepEqual(source.current(), []);
  });

  test("a NetworkManager restart resyncs within 1 s with no duplicate join and the same match rules", async () => {
    const b = await bus();
    const first = await sim(b, wifi("Cafe", "02:20:00:00:00:02"));
    const source = createNetworkManagerSource({ busAddress: b.address });
    cleanups.push(() => source.stop());
    const rec = new Recorder(source);
    await source.start();
    await source.whenReady();
    if (rec.of("join").length === 0) await rec.next("join");
    const probe = await openBus(b.address);
    cleanups.push(async () => probe.close());
    const ourName = source.busName ?? "";
    const rulesBefore = (await matchRulesOf(probe, ourName)).sort();
    assert.ok(rulesBefore.some((r) => r.includes("sender='org.freedesktop.NetworkManager'")));
    await first.stop();
    await rec.next("warning", (e) => isHotspotError(e, "HH_NM_UNAVAILABLE"));
    const t0 = performance.now();
    const ready = source.whenReady(1000);
    const scanned = rec.next("scan");
    await sim(b, wifi("Cafe", "02:20:00:00:00:02"), 500);
    await ready;
    await scanned;
    assert.ok(performance.now() - t0 < 1000);
    assert.deepEqual((await matchRulesOf(probe, ourName)).sort(), rulesBefore);
    assert.equal(rec.of("join").length, 1);
    assert.equal(rec.of("leave").length, 0);
  });

  test("after a restart, a device that is no longer connected or no longer there is left", async () => {
    const b = await bus();
    const first = await sim(b, wifi("Cafe", "02:20:00:00:00:03"));
    const source = createNetworkManagerSource({ busAddress: b.address });
    cleanups.push(() => source.stop());
    const rec = new Recorder(source);
    await source.start();
    await source.whenReady();
    if (rec.of("join").length === 0) await rec.next("join");
    await first.stop();
    const left = rec.next("leave");
    const second = await sim(
      b,
      (s) => {
        s.addWifiDevice("wlan0");
      },
      200,
    );
    assert.equal((await left).reason, "disconnected");
    const removed = rec.next("leave");
    const joined = rec.next("join");
    const ap = second.addAccessPoint("wlan0", { ssid: "Other", bssid: "02:20:00:00:00:04" });
    await second.join("wlan0", ap, {});
    await joined;
    await second.stop();
    await sim(b, () => {}, 300);
    assert.equal((await removed).reason, "device-removed");
  });
});
