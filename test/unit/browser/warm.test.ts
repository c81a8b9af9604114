import assert from "node:assert/strict";
import { describe, type TestContext, test } from "node:test";
import { setImmediate as tick } from "node:timers/promises";
import type { Browser } from "puppeteer-core";
import type { LaunchedBrowser } from "../../../src/browser/launch.ts";
import { createWarmBrowser, type WarmBrowserOptions } from "../../../src/browser/warm.ts";
import { type ScannedNetwork, scannedNetwork } from "../../../src/helper-api/network.ts";
import type { ClaimMatch } from "../../../src/helper-api/registry-types.ts";

/** The warm start's policy, with a fake launcher (real Chromium: bench/browser.bench.ts, the daemon test). */

function net(ssid: string): ScannedNetwork {
  return scannedNetwork({
    ssid: new TextEncoder().encode(ssid),
    bssid: "02:00:00:00:00:01",
    strength: 70,
    frequency: 2437,
    security: "open",
  });
}
const claim = (pluginId: string, confidence: ClaimMatch["confidence"] = "high"): ClaimMatch => ({
  pluginId,
  displayName: pluginId,
  confidence,
  priority: 0,
  origin: "static",
});

const SPA = net("SPA Cafe");
const PLAIN = net("Plain Cafe");

function harness(extra: Partial<WarmBrowserOptions> = {}) {
  const launched: { closed: boolean; pid: number }[] = [];
  let rss = 100 * 1024 * 1024;
  const warm = createWarmBrowser({
    launch: async () => {
      const entry = { closed: false, pid: 1000 + launched.length };
      launched.push(entry);
      // Only `connected` is read from the browser by the warm start itself.
      const browser = { connected: true } as unknown as Browser;
      const l: LaunchedBrowser = {
        browser,
        profileDir: `/tmp/fake-${entry.pid}`,
        pid: entry.pid,
        close: async () => {
          entry.closed = true;
        },
      };
      return l;
    },
    needsBrowser: (id) => id === "spa",
    rssBytes: async () => rss,
    ...extra,
  });
  return {
    warm,
    launched,
    setRss: (bytes: number) => {
      rss = bytes;
    },
  };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await tick();
}
async function advance(t: TestContext, ms: number): Promise<void> {
  await settle();
  t.mock.timers.tick(ms);
  await settle();
}

describe("warm browser", () => {
  test("a high claim by a plugin that needs a browser launches one instance, once", async () => {
    const h = harness();
    h.warm.onScan("wlan0", [PLAIN], [[claim("spa", "low")]]);
    h.warm.onScan("wlan0", [PLAIN], [[claim("cafe")]]);
    assert.equal(h.launched.length, 0, "a low claim, or a plugin without needsBrowser, warms nothing");
    h.warm.onScan("wlan0", [PLAIN, SPA], [[claim("cafe")], [claim("spa")]]);
    h.warm.onScan("wlan0", [PLAIN, SPA], [[claim("cafe")], [claim("spa")]]);
    await settle();
    assert.equal(h.launched.length, 1);
    assert.equal(h.warm.warm, true);
    await h.warm.close();
  });

  test("the next scan without the network releases it", async () => {
    const h = harness();
    h.warm.onScan("wlan0", [SPA], [[claim("spa")]]);
    await settle();
    h.warm.onScan("wlan0", [PLAIN], [[claim("cafe")]]);
    await settle();
    assert.equal(h.launched[0]?.closed, true);
    assert.equal(h.warm.warm, false);
  });

  test("after a few idle minutes it is released, and not started again while the network stays", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const h = harness({ idleMs: 180_000 });
    h.warm.onScan("wlan0", [SPA], [[claim("spa")]]);
    await advance(t, 179_000);
    assert.equal(h.launched[0]?.closed, false);
    await advance(t, 1_000);
    assert.equal(h.launched[0]?.closed, true);
    h.warm.onScan("wlan0", [SPA], [[claim("spa")]]);
    await settle();
    assert.equal(h.launched.length, 1, "spent for this appearance");
    h.warm.onScan("wlan0", [], []);
    h.warm.onScan("wlan0", [SPA], [[claim("spa")]]);
    await settle();
    assert.equal(h.launched.length, 2, "back in range after leaving: warmed again");
    await h.warm.close();
  });

  test("the login takes the warm instance; releasing the lease keeps it until the idle time", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const h = harness({ idleMs: 60_000 });
    h.warm.onScan("wlan0", [SPA], [[claim("spa")]]);
    await settle();
    const lease = await h.warm.acquire(new AbortController().signal);
    assert.equal(h.launched.length, 1, "no second launch");
    // A second hook at the same time gets a browser of its own.
    const other = await h.warm.acquire(new AbortController().signal);
    assert.equal(h.launched.length, 2);
    await other.release();
    assert.equal(h.launched[1]?.closed, true, "a fresh launch closes on release");
    await advance(t, 120_000);
    assert.equal(h.launched[0]?.closed, false, "no idle release while leased");
    await lease.release();
    assert.equal(h.launched[0]?.closed, false);
    await advance(t, 60_000);
    assert.equal(h.launched[0]?.closed, true);
  });

  test("without a warm instance acquire launches a fresh one", async () => {
    const h = harness();
    const lease = await h.warm.acquire(new AbortController().signal);
    assert.equal(h.launched.length, 1);
    await lease.release();
    assert.equal(h.launched[0]?.closed, true);
  });

  test("an instance over the memory cap is killed, measured after the launch and at each scan", async () => {
    const h = harness({ maxRssBytes: 250 * 1024 * 1024 });
    h.warm.onScan("wlan0", [SPA], [[claim("spa")]]);
    await settle();
    assert.equal(h.launched[0]?.closed, false);
    h.setRss(300 * 1024 * 1024);
    h.warm.onScan("wlan0", [SPA], [[claim("spa")]]);
    await settle();
    assert.equal(h.launched[0]?.closed, true);
    assert.equal(h.warm.warm, false);
  });

  test("a login that takes the instance while its memory is being measured keeps it", async () => {
    let answer: (bytes: number) => void = () => {};
    const h = harness({
      maxRssBytes: 250 * 1024 * 1024,
      rssBytes: () =>
        new Promise<number>((resolve) => {
          answer = resolve;
        }),
    });
    h.warm.onScan("wlan0", [SPA], [[claim("spa")]]);
    await settle();
    const lease = await h.warm.acquire(new AbortController().signal);
    answer(900 * 1024 * 1024);
    await settle();
    assert.equal(h.launched[0]?.closed, false, "never killed under a running login");
    await lease.release();
    await h.warm.close();
  });
});
