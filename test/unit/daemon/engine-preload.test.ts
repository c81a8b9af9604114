import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { userConfigSchema } from "../../../src/config/schema.ts";
import { Daemon } from "../../../src/daemon/daemon.ts";
import type { LogEntry } from "../../../src/daemon/log.ts";
import { loadRegistry } from "../../../src/helper-api/loader.ts";
import { scannedNetwork } from "../../../src/helper-api/network.ts";
import { FixtureScanSource } from "../../../src/scan/fixture-source.ts";
import type { ScanList } from "../../../src/scan/source.ts";

const OTHER = ["example-js-portal", "click-through", "wispr", "capport", "uam-chap"];
const ap = (ssid: string, bssid: string) =>
  scannedNetwork({
    ssid: new TextEncoder().encode(ssid),
    bssid,
    strength: 70,
    frequency: 2437,
    security: "open",
  });
const scan = (...networks: ReturnType<typeof ap>[]): ScanList => ({ device: "wlan0", networks, at: 0 });
const HOME = ap("Home-5G", "02:00:00:20:00:01");
const CAFE = ap("Cafe Free WiFi", "02:ca:fe:00:00:01");

const nextScan = (daemon: Daemon) => new Promise<void>((resolve) => daemon.once("networks", () => resolve()));

async function world() {
  const config = userConfigSchema.parse({
    probeUrl: "http://127.0.0.1:1/generate_204",
    pluginIsolation: "none",
    plugins: {
      "example-cafe": {
        config: { ssid: "Cafe Free WiFi", portalHost: "127.0.0.1", allowHttp: true },
        credentials: { username: "preload-user", password: "preload-Secret-7" },
      },
      ...Object.fromEntries(OTHER.map((id) => [id, { enabled: false }])),
    },
  });
  const registry = await loadRegistry({ pluginDirs: [], config, strict: false });
  const source = new FixtureScanSource(scan(HOME));
  const preloads: string[] = [];
  let loadedNow: (() => void) | undefined;
  const engineLoaded = new Promise<void>((resolve) => {
    loadedNow = resolve;
  });
  const log = (e: LogEntry) => {
    if (!e.message.startsWith("detection engine loaded")) return;
    preloads.push(e.message);
    loadedNow?.();
  };
  const daemon = new Daemon({
    source,
    registry,
    config,
    log,
    retry: { retries: 0, minTimeoutMs: 1, maxTimeoutMs: 1 },
  });
  return { daemon, source, preloads, engineLoaded };
}

describe("the daemon loads the detection engine ahead of a join", () => {
  test("only once a scan shows a network a plugin claims, and only once", async () => {
    const w = await world();
    try {
      const first = nextScan(w.daemon);
      await w.daemon.start();
      await first;
      const second = nextScan(w.daemon);
      w.source.setScan(scan(HOME, CAFE));
      await second;
      await w.engineLoaded;
      const third = nextScan(w.daemon);
      w.source.setScan(scan(CAFE, HOME));
      await third;
      w.source.join(CAFE.bssid);
      await w.daemon.session("wlan0")?.idle();
      assert.deepEqual(w.preloads, [
        "detection engine loaded ahead of a join: Cafe Free WiFi (example-cafe) is in range",
      ]);
    } finally {
      await w.daemon.stop();
    }
  });

  test("a join with no claimed network in range ever still detects (the join loads the engine itself)", async () => {
    const w = await world();
    const states: string[] = [];
    const verdicts: string[] = [];
    w.daemon.on("state", (s) => states.push(`${s.to}: ${s.reason}`));
    w.daemon.on("portal", (_device, p) => verdicts.push(p.verdict));
    try {
      await w.daemon.start();
      w.source.join(HOME.bssid);
      await w.daemon.session("wlan0")?.idle();
      assert.deepEqual(w.preloads, []);
      assert.deepEqual(verdicts, ["unreachable"]);
      assert.deepEqual(states, ["Evaluating: joined", "Inactive: no plugin claims this network"]);
    } finally {
      await w.daemon.stop();
    }
  });
});
