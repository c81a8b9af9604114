import assert from "node:assert/strict";
import { describe, type TestContext, test } from "node:test";
import { setImmediate as tick } from "node:timers/promises";
import type { Page } from "puppeteer-core";
import { createBrowserGuard } from "../../../src/browser/guard.ts";
import { createWarmBrowser, type WarmBrowserOptions } from "../../../src/browser/warm.ts";
import type { LeaseBinding, WarmInstance } from "../../../src/browser/warm-instance.ts";
import { type ScannedNetwork, scannedNetwork } from "../../../src/helper-api/network.ts";
import type { ClaimMatch } from "../../../src/helper-api/registry-types.ts";

/** The warm start's policy, with fake instances (real Chromium: test/integration/browser/warm-*.test.ts, the bench). */

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

const binding: LeaseBinding = { guard: createBrowserGuard({}), onRefused: () => {} };
const lease = (h: ReturnType<typeof harness>) => h.warm.acquire(new AbortController().signal, binding);

function harness(extra: Partial<WarmBrowserOptions> = {}) {
  const launched: { closed: boolean; pid: number; leases: number; released: number }[] = [];
  let rss = 100 * 1024 * 1024;
  const warm = createWarmBrowser({
    start: async () => {
      const entry = { closed: false, pid: 1000 + launched.length, leases: 0, released: 0 };
      launched.push(entry);
      let held = false;
      const instance: WarmInstance = {
        pid: entry.pid,
        profileDir: `/tmp/fake-${entry.pid}`,
        get usable() {
          return !entry.closed;
        },
        ready: async () => !entry.closed,
        lease: async () => {
          if (held || entry.closed) return undefined;
          held = true;
          entry.leases++;
          // Only handed through: the policy never touches the page.
          const page = {} as Page;
          return {
            page,
            release: async () => {
              held = false;
              entry.released++;
            },
          };
        },
        leaseData: async () => undefined,
        close: async () => {
          entry.closed = true;
        },
      };
      return instance;
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
    assert.equal(await h.warm.ready(), true);
    const first = await lease(h);
    assert.ok(first, "the prepared tab is leased");
    assert.equal(h.launched.length, 1, "no second launch");
    // A second hook at the same time gets nothing (it launches a browser of its own).
    assert.equal(await lease(h), undefined);
    assert.equal(h.launched.length, 1);
    await advance(t, 120_000);
    assert.equal(h.launched[0]?.closed, false, "no idle release while leased");
    await first.release();
    await first.release();
    assert.equal(h.launched[0]?.released, 1, "released once");
    assert.equal(h.launched[0]?.closed, false);
    const second = await lease(h);
    assert.ok(second, "the next hook leases the same instance again");
    await second.release();
    assert.equal(h.launched[0]?.leases, 2);
    await advance(t, 60_000);
    assert.equal(h.launched[0]?.closed, true);
  });

  test("without a warm instance there is nothing to lease", async () => {
    const h = harness();
    assert.equal(await lease(h), undefined);
    assert.equal(await h.warm.ready(), false);
    assert.equal(h.launched.length, 0, "acquire never launches");
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
    const held = await lease(h);
    answer(900 * 1024 * 1024);
    await settle();
    assert.equal(h.launched[0]?.closed, false, "never killed under a running login");
    await held?.release();
    await h.warm.close();
  });
});
