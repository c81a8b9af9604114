import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { createWarmBrowser } from "../../../src/browser/warm.ts";
import { userConfigSchema } from "../../../src/config/schema.ts";
import { Daemon } from "../../../src/daemon/daemon.ts";
import { type Portal, startPortal } from "../../../src/harness/index.ts";
import { loadRegistry } from "../../../src/helper-api/loader.ts";
import { scannedNetwork } from "../../../src/helper-api/network.ts";
import { createPluginHost } from "../../../src/plugin-host/host.ts";
import { remoteDescriptor } from "../../../src/plugin-host/remote-plugin.ts";
import { PluginSupervisor } from "../../../src/plugin-host/supervisor.ts";
import { FixtureScanSource } from "../../../src/scan/fixture-source.ts";
import type { ScanList } from "../../../src/scan/source.ts";
import { countedWarmStart } from "./counted-warm.ts";
import { chromiumBelow, chromiumCount, loopbackPortalSettings, noChromium } from "./helpers.ts";

/**
 * The warm start with the real daemon, real Chromium and the js-only harness portal: a scan
 * showing "City Wi-Fi" (claimed high by the bundled example-js-portal, which needs a
 * browser) launches Chromium before the join; the login uses that instance (one launch in
 * all); the next scan without the network closes it and leaves no process. Then the same
 * with the plugin loaded into a process of its own, as the daemon runs it by default.
 */

const BSSID = "02:c1:71:00:00:01";
const scan = (present: boolean): ScanList => ({
  device: "wlan0",
  at: 0,
  networks: present
    ? [
        scannedNetwork({
          ssid: new TextEncoder().encode("City Wi-Fi"),
          bssid: BSSID,
          strength: 70,
          frequency: 2437,
          security: "open",
        }),
      ]
    : [],
});

describe("warm start in the daemon", { skip: noChromium() }, () => {
  let portal: Portal | undefined;
  let daemon: Daemon | undefined;
  after(async () => {
    await daemon?.stop();
    await portal?.close();
  });

  test("a scan warms Chromium, the login takes it, the network leaving the scan closes it", {
    timeout: 60_000,
  }, async () => {
    portal = await startPortal({ scenario: "js-only" });
    const config = userConfigSchema.parse({
      probeUrl: portal.probeUrl,
      plugins: {
        "example-js-portal": loopbackPortalSettings(portal),
        "click-through": { enabled: false },
      },
    });
    const registry = await loadRegistry({ pluginDirs: [], config, strict: false });
    assert.ok(registry.get("example-js-portal"), "the bundled js-only plugin is loaded");
    const counted = countedWarmStart();
    let closed: (why: string) => void = () => {};
    const released = new Promise<string>((resolve) => {
      closed = resolve;
    });
    const warm = createWarmBrowser({
      start: counted.start,
      needsBrowser: (id) => registry.get(id)?.definition.needsBrowser === true,
      onClosed: (why) => closed(why),
    });
    const source = new FixtureScanSource(scan(true));
    daemon = new Daemon({ source, registry, config, log: () => {}, warmBrowser: warm, verifyAttempts: 1 });
    const scanned = new Promise<void>((resolve) => daemon?.once("networks", () => resolve()));
    await daemon.start();
    await scanned;
    assert.equal(warm.warm, true, "launched on the scan, before any join");

    source.join(BSSID);
    await daemon.session("wlan0")?.idle();
    assert.equal(daemon.session("wlan0")?.state, "Authenticated", daemon.session("wlan0")?.lastReason);
    assert.equal(portal.authorized(), true);
    assert.equal(counted.instances.length, 1, "one warm launch");
    assert.equal(counted.counts.leases, 1, "the login used the warm instance's prepared tab");
    const profileDir = counted.instances[0]?.profileDir ?? "";
    assert.ok(chromiumCount(profileDir) > 0, "still warm after the login (until idle or out of range)");

    source.setScan(scan(false));
    assert.match(await released, /out of range/);
    assert.equal(chromiumCount(profileDir), 0);
    assert.equal(warm.warm, false);
  });

  test("the same with the plugin in a process of its own: the daemon lends it the warm tab", {
    timeout: 90_000,
  }, async () => {
    await daemon?.stop();
    await portal?.close();
    const dir = await mkdtemp(join(tmpdir(), "hh-warm-daemon-"));
    portal = await startPortal({ scenario: "js-only" });
    const config = userConfigSchema.parse({
      probeUrl: portal.probeUrl,
      plugins: {
        "example-js-portal": loopbackPortalSettings(portal),
      },
    });
    const supervisor = new PluginSupervisor({
      storeRoot: join(dir, "stores"),
      tmpRoot: join(dir, "tmp"),
      side: {},
      importTimeoutMs: 30_000,
      permissions: true,
      log: () => {},
      pluginLog: () => {},
    });
    try {
      const registry = await loadRegistry({
        roots: [
          {
            kind: "cli",
            path: new URL("../../../plugins/example-js-portal/", import.meta.url).pathname,
            required: true,
          },
        ],
        config,
        strict: true,
        isolate: supervisor,
        host: createPluginHost({ config, storeRoot: join(dir, "stores"), processes: supervisor }),
      });
      assert.ok(remoteDescriptor(registry.get("example-js-portal") ?? assert.fail("not loaded")));
      const counted = countedWarmStart();
      const warm = createWarmBrowser({
        start: counted.start,
        needsBrowser: (id) => registry.get(id)?.definition.needsBrowser === true,
      });
      const source = new FixtureScanSource(scan(true));
      daemon = new Daemon({
        source,
        registry,
        config,
        log: () => {},
        warmBrowser: warm,
        pluginProcesses: supervisor,
        verifyAttempts: 1,
      });
      const scanned = new Promise<void>((resolve) => daemon?.once("networks", () => resolve()));
      await daemon.start();
      await scanned;
      assert.equal(await warm.ready(), true, "warmed on the scan");
      source.join(BSSID);
      await daemon.session("wlan0")?.idle();
      assert.equal(daemon.session("wlan0")?.state, "Authenticated", daemon.session("wlan0")?.lastReason);
      assert.equal(portal.authorized(), true);
      assert.equal(counted.counts.lent, 1, "the plugin's process was lent the warm tab");
      const pid = supervisor.status().find((p) => p.id === "example-js-portal")?.pid;
      assert.ok(pid, "the plugin ran in its own process");
      assert.deepEqual(chromiumBelow(pid), [], "and started no Chromium");
      await daemon.stop();
      const profile = counted.instances.at(-1)?.profileDir;
      assert.ok(profile);
      assert.equal(chromiumCount(profile), 0, "the daemon's stop closed it");
    } finally {
      await supervisor.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
