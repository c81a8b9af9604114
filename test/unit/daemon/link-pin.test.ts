import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import type { LinkRouteFacts, LinkRouter } from "../../../src/auth/link-route.ts";
import { userConfigSchema } from "../../../src/config/schema.ts";
import { Daemon } from "../../../src/daemon/daemon.ts";
import { loadRegistry } from "../../../src/helper-api/loader.ts";
import { FixtureScanSource } from "../../../src/scan/fixture-source.ts";

const SCAN = fileURLToPath(new URL("../../../fixtures/scans/demo.json", import.meta.url));
const LINK = { ipv4: "192.168.7.23", gateway: "192.168.7.1", dns: ["192.168.7.1"] };

/** Records what the daemon asks of the router; each pin waits until the test releases it. */
function fakeRouter() {
  const trail: string[] = [];
  const releases: (() => void)[] = [];
  const router: LinkRouter = {
    pin: (device: string, link: LinkRouteFacts) => {
      trail.push(`pin ${device} ${link.ipv4} via ${link.gateway}`);
      return new Promise<void>((resolve) => releases.push(resolve));
    },
    unpin: async (device) => void trail.push(`unpin ${device}`),
    sweep: async () => void trail.push("sweep"),
    close: async () => void trail.push("close"),
    pinned: () => undefined,
  };
  return { router, trail, release: () => releases.shift()?.() };
}

async function world(opts: { deferRouteSweep?: boolean } = {}) {
  const config = userConfigSchema.parse({
    probeUrl: "http://127.0.0.1:1/generate_204",
    plugins: Object.fromEntries(
      ["example-cafe", "example-js-portal", "click-through", "wispr", "capport", "uam-chap"].map((id) => [
        id,
        { enabled: false },
      ]),
    ),
  });
  const registry = await loadRegistry({ pluginDirs: [], config, strict: false });
  const source = new FixtureScanSource(SCAN);
  const fake = fakeRouter();
  const daemon = new Daemon({
    source,
    registry,
    config,
    log: () => {},
    retry: { retries: 0, minTimeoutMs: 1, maxTimeoutMs: 1 },
    linkRouter: fake.router,
    ...opts,
    probeUrlFor: (n) => {
      fake.trail.push(`probe ${n.ipv4}`);
      return config.probeUrl;
    },
  });
  return { daemon, source, ...fake };
}

describe("the daemon pins the joined link's routing", () => {
  test("stale rules are swept at start, and a join pins the link before the first probe", async () => {
    const w = await world();
    try {
      await w.daemon.start();
      assert.deepEqual(w.trail, ["sweep"]);
      w.source.join("02:ca:fe:00:00:01", LINK);
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(w.trail, ["sweep", "pin wlan0 192.168.7.23 via 192.168.7.1"]);
      w.release();
      await w.daemon.session("wlan0")?.idle();
      assert.deepEqual(w.trail.slice(2), ["probe 192.168.7.23"]);
    } finally {
      await w.daemon.stop();
    }
  });

  test("with the sweep deferred, start does not sweep; sweepLinkRoutes does, ahead of a later pin", async () => {
    const w = await world({ deferRouteSweep: true });
    try {
      await w.daemon.start();
      assert.deepEqual(w.trail, []);
      w.daemon.sweepLinkRoutes();
      w.source.join("02:ca:fe:00:00:01", LINK);
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(w.trail, ["sweep", "pin wlan0 192.168.7.23 via 192.168.7.1"]);
      w.release();
      await w.daemon.session("wlan0")?.idle();
    } finally {
      await w.daemon.stop();
    }
  });

  test("a roam that changes the address pins again; leave unpins; stop closes the router", async () => {
    const w = await world();
    await w.daemon.start();
    const joined = w.source.join("02:ca:fe:00:00:01", LINK);
    w.release();
    await w.daemon.session("wlan0")?.idle();
    w.source.emit("roam", {
      device: "wlan0",
      network: { ...joined, ipv4: "192.168.8.40", gateway: "192.168.8.1", justJoined: false },
      previousBssid: joined.bssid,
    });
    w.release();
    w.source.leave();
    await w.daemon.stop();
    assert.deepEqual(w.trail.slice(1), [
      "pin wlan0 192.168.7.23 via 192.168.7.1",
      "probe 192.168.7.23",
      "pin wlan0 192.168.8.40 via 192.168.8.1",
      "unpin wlan0",
      "close",
    ]);
  });

  test("leaving while the pin is still being installed ends the join without probing", async () => {
    const w = await world();
    try {
      await w.daemon.start();
      w.source.join("02:ca:fe:00:00:01", LINK);
      const session = w.daemon.session("wlan0");
      w.source.leave();
      w.release();
      await session?.idle();
      assert.deepEqual(w.trail.slice(1), ["pin wlan0 192.168.7.23 via 192.168.7.1", "unpin wlan0"]);
      assert.equal(session?.state, "Inactive");
    } finally {
      await w.daemon.stop();
    }
  });
});
