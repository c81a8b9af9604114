import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { hotspotError, isHotspotError } from "../../../src/errors.ts";
import { scannedNetwork } from "../../../src/helper-api/network.ts";
import type { ReaderSnapshot, RescanResult, WifiReader } from "../../../src/scan/nodewifi/reader.ts";
import { PollingWifiSource } from "../../../src/scan/nodewifi/source.ts";

const net = (bssid: string, strength: number) =>
  scannedNetwork({
    ssid: Buffer.from(`net-${bssid.slice(-2)}`),
    bssid,
    strength,
    frequency: 2412,
    security: "open",
  });

const snapshot = (strengths: number[], extra: Partial<ReaderSnapshot> = {}): ReaderSnapshot => ({
  rows: strengths.map((s, i) => ({ device: "wlan0", inUse: false, network: net(`02:00:00:00:00:0${i}`, s) })),
  rejected: [],
  devices: [{ iface: "wlan0", type: "wifi", state: 30, link: {} }],
  ...extra,
});

class FakeReader implements WifiReader {
  readonly name = "fake";
  reads = 0;
  next: ReaderSnapshot | Error = snapshot([50]);
  refuse = false;
  async read(): Promise<ReaderSnapshot> {
    this.reads++;
    if (this.next instanceof Error) throw this.next;
    return this.next;
  }
  async rescan(): Promise<RescanResult> {
    const s = await this.read();
    return this.refuse
      ? {
          snapshot: s,
          refused: hotspotError("HH_NM_SCAN_REFUSED", { device: "wlan0", reason: "rate limited" }),
        }
      : { snapshot: s };
  }
}

const settle = () => new Promise((r) => setImmediate(r));

function record(source: PollingWifiSource) {
  const events: string[] = [];
  source.on("scan", (l) => events.push(`scan ${l.device} ${l.networks.map((n) => n.strength).join(",")}`));
  source.on("warning", (e) => events.push(`warning ${isHotspotError(e) ? e.code : e.message}`));
  source.on("join", (e) => events.push(`join ${e.device}`));
  source.on("leave", (e) => events.push(`leave ${e.device} ${e.reason}`));
  return events;
}

describe("the polling fallback source", () => {
  test("start reads once and emits a scan per Wi-Fi device, strongest first, devices without APs included", async () => {
    const reader = new FakeReader();
    reader.next = snapshot([20, 70, 40], {
      devices: [
        { iface: "wlan0", type: "wifi", state: 30, link: {} },
        { iface: "wlan1", type: "wifi", state: 30, link: {} },
      ],
    });
    const source = new PollingWifiSource(reader, { now: () => 1234 });
    const events = record(source);
    await source.start();
    assert.deepEqual(events, ["scan wlan0 70,40,20", "scan wlan1 "]);
    assert.deepEqual(
      source.current().map((l) => [l.device, l.at]),
      [
        ["wlan0", 1234],
        ["wlan1", 1234],
      ],
    );
    await source.stop();
  });

  test("it polls at the interval and emits a scan only when a device's list changed", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const reader = new FakeReader();
    const source = new PollingWifiSource(reader, { pollIntervalMs: 5000 });
    const events = record(source);
    await source.start();
    t.mock.timers.tick(4999);
    await settle();
    assert.equal(reader.reads, 1);
    t.mock.timers.tick(1);
    await settle();
    assert.equal(reader.reads, 2);
    reader.next = snapshot([55]);
    t.mock.timers.tick(5000);
    await settle();
    assert.equal(reader.reads, 3);
    assert.deepEqual(events, ["scan wlan0 50", "scan wlan0 55"]);
    await source.stop();
    t.mock.timers.tick(50_000);
    await settle();
    assert.equal(reader.reads, 3);
  });

  test("a restart while a poll is in flight keeps a single polling loop, and stop ends it", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const reader = new FakeReader();
    const source = new PollingWifiSource(reader, { pollIntervalMs: 1000 });
    await source.start();
    let release: (s: ReaderSnapshot) => void = () => {};
    const slow = new Promise<ReaderSnapshot>((resolve) => {
      release = resolve;
    });
    const read = reader.read.bind(reader);
    reader.read = () => {
      if (reader.reads !== 1) return read();
      reader.reads++;
      return slow;
    };
    t.mock.timers.tick(1000);
    await settle();
    assert.equal(reader.reads, 2);
    const stopping = source.stop();
    await source.start();
    release(snapshot([50]));
    await stopping;
    await settle();
    assert.equal(reader.reads, 3);
    t.mock.timers.tick(1000);
    await settle();
    assert.equal(reader.reads, 4);
    await source.stop();
    t.mock.timers.tick(10_000);
    await settle();
    assert.equal(reader.reads, 4);
  });

  test("a failing poll is a warning and polling goes on", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const reader = new FakeReader();
    const source = new PollingWifiSource(reader, { pollIntervalMs: 1000 });
    const events = record(source);
    await source.start();
    reader.next = hotspotError("HH_NM_UNAVAILABLE", { bus: "x", reason: "gone" });
    t.mock.timers.tick(1000);
    await settle();
    reader.next = snapshot([10]);
    t.mock.timers.tick(1000);
    await settle();
    assert.deepEqual(events, ["scan wlan0 50", "warning HH_NM_UNAVAILABLE", "scan wlan0 10"]);
    await source.stop();
  });

  test("rescan always emits and returns the lists; a refused scan is a warning and the last scan is used", async () => {
    const reader = new FakeReader();
    const source = new PollingWifiSource(reader);
    const events = record(source);
    await source.start();
    reader.refuse = true;
    const lists = await source.rescan();
    assert.deepEqual(
      lists.map((l) => l.networks.length),
      [1],
    );
    assert.deepEqual(events, ["scan wlan0 50", "warning HH_NM_SCAN_REFUSED", "scan wlan0 50"]);
    await source.stop();
  });

  test("a rejected row is warned about once, not on every poll", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const reader = new FakeReader();
    reader.next = snapshot([50], { rejected: [{ row: "bad:row", reason: "shifted" }] });
    const source = new PollingWifiSource(reader, { pollIntervalMs: 1000 });
    const warnings: string[] = [];
    source.on("warning", (e) => warnings.push(e.message));
    await source.start();
    t.mock.timers.tick(1000);
    await settle();
    assert.equal(reader.reads, 2);
    assert.deepEqual(warnings, ["fake: dropped a scan row that cannot be trusted (shifted): bad:row"]);
    await source.stop();
  });

  test("in fail mode an unavailable backend rejects start; in retry mode it warns and keeps polling", async (t) => {
    const failing = new FakeReader();
    failing.next = hotspotError("HH_NMCLI_UNAVAILABLE", { reason: "nmcli: ENOENT" });
    const strict = new PollingWifiSource(failing, { whenUnavailable: "fail" });
    await assert.rejects(strict.start(), (e) => isHotspotError(e, "HH_NMCLI_UNAVAILABLE"));
    await assert.rejects(strict.rescan(), (e) => isHotspotError(e, "HH_NM_UNAVAILABLE"));
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const lenient = new PollingWifiSource(failing, { pollIntervalMs: 1000 });
    const events = record(lenient);
    await lenient.start();
    failing.next = snapshot([30]);
    t.mock.timers.tick(1000);
    await settle();
    assert.deepEqual(events, ["warning HH_NMCLI_UNAVAILABLE", "scan wlan0 30"]);
    await lenient.stop();
  });

  test("joins come from device states and stop leaves them, once, however often stop is called", async () => {
    const reader = new FakeReader();
    reader.next = {
      rows: [{ device: "wlan0", inUse: true, network: net("02:00:00:00:00:01", 60) }],
      rejected: [],
      devices: [{ iface: "wlan0", type: "wifi", state: 100, link: {} }],
    };
    const source = new PollingWifiSource(reader);
    const events = record(source);
    await source.start();
    await Promise.all([source.stop(), source.stop()]);
    await source.stop();
    assert.deepEqual(events, ["scan wlan0 60", "join wlan0", "leave wlan0 source-stopped"]);
  });

  test("checkConnectivity exists only when the reader can ask NetworkManager", async () => {
    const plain = new PollingWifiSource(new FakeReader());
    assert.equal(plain.checkConnectivity, undefined);
    const reader = Object.assign(new FakeReader(), { checkConnectivity: async () => "portal" as const });
    const source = new PollingWifiSource(reader);
    assert.equal(await source.checkConnectivity?.(), "portal");
  });
});
