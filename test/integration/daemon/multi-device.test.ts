import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { userConfigSchema } from "../../../src/config/schema.ts";
import { Daemon } from "../../../src/daemon/daemon.ts";
import type { SessionSummary } from "../../../src/daemon/events.ts";
import type { LogEntry } from "../../../src/daemon/log.ts";
import { type PrivateBus, startPrivateBus } from "../../../src/harness/dbus-daemon.ts";
import { type Portal, startPortal } from "../../../src/harness/index.ts";
import { SimulatedNetworkManager } from "../../../src/harness/nm/index.ts";
import { loadRegistry } from "../../../src/helper-api/loader.ts";
import { createNetworkManagerSource } from "../../../src/scan/networkmanager/index.ts";
import { noDbusReason } from "../nm/helpers.ts";

const CLICK_THROUGH = fileURLToPath(new URL("../../../plugins/click-through", import.meta.url));

describe("the daemon with two Wi-Fi devices on the simulated NetworkManager", { skip: noDbusReason }, () => {
  let bus: PrivateBus;
  let sim: SimulatedNetworkManager;
  let hotel: Portal;
  let airport: Portal;
  let daemon: Daemon;
  const logs: LogEntry[] = [];
  const aps: Record<string, string> = {};

  before(async () => {
    bus = await startPrivateBus();
    sim = await SimulatedNetworkManager.start({ busAddress: bus.address, connectivity: "portal" });
    sim.addWifiDevice("wlan0", "02:00:00:00:01:00");
    sim.addWifiDevice("wlan1", "02:00:00:00:02:00");
    aps.hotel = sim.addAccessPoint("wlan0", { ssid: "Hotel Guest", bssid: "02:00:00:00:00:01" });
    aps.airport = sim.addAccessPoint("wlan1", { ssid: "Airport Free", bssid: "02:00:00:00:00:02" });
    sim.completeScan("wlan0");
    sim.completeScan("wlan1");
    [hotel, airport] = await Promise.all([
      startPortal({ scenario: "click-through" }),
      startPortal({ scenario: "click-through" }),
    ]);
    const config = userConfigSchema.parse({
      plugins: { "click-through": { config: { ssids: ["Hotel Guest", "Airport Free"] } } },
    });
    const registry = await loadRegistry({
      pluginDirs: [CLICK_THROUGH],
      includeBundled: false,
      config,
      strict: true,
    });
    daemon = new Daemon({
      source: createNetworkManagerSource({ busAddress: bus.address }),
      registry,
      config,
      log: (e) => logs.push(e),
      probeUrlFor: (n) => (n.ssidText === "Hotel Guest" ? hotel.probeUrl : airport.probeUrl),
      random: () => 0,
    });
    await daemon.start();
  });
  after(async () => {
    await daemon?.stop();
    await Promise.all([hotel?.close(), airport?.close()]);
    await sim?.stop();
    await bus?.stop();
  });

  /** The next summary of `device` that passes `test` (or the current one if it already does). */
  const summary = (device: string, test: (s: SessionSummary) => boolean): Promise<SessionSummary> =>
    new Promise((resolve) => {
      const now = daemon.listSessions().find((s) => s.device === device);
      if (now && test(now)) return resolve(now);
      const listener = (s: SessionSummary): void => {
        if (s.device !== device || !test(s)) return;
        daemon.off("session", listener);
        resolve(s);
      };
      daemon.on("session", listener);
    });

  test("both devices log in at once, each to its own portal, and say how their MAC address is chosen", async () => {
    const done = Promise.all([
      summary("wlan0", (s) => s.state === "Authenticated" && s.mac !== undefined),
      summary("wlan1", (s) => s.state === "Authenticated" && s.mac !== undefined),
    ]);
    await Promise.all([
      sim.join("wlan0", aps.hotel ?? "", { ipv4: "10.0.0.23", clonedMacAddress: "random" }),
      sim.join("wlan1", aps.airport ?? "", { ipv4: "10.1.0.23", clonedMacAddress: "stable" }),
    ]);
    const [wlan0, wlan1] = await done;
    assert.equal(hotel.authorized(), true);
    assert.equal(airport.authorized(), true);
    assert.deepEqual(wlan0?.mac, { setting: "random", changesOnReconnect: true });
    assert.deepEqual(wlan1?.mac, { setting: "stable", changesOnReconnect: false });
    assert.equal(wlan0?.network?.ssid, "Hotel Guest");
    assert.equal(wlan1?.network?.ssid, "Airport Free");
    const warnings = logs.filter((l) => l.level === "warn" && /random MAC address/.test(l.message));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]?.message ?? "", /^wlan0: .*the portal will forget the session on reconnect/);
  });

  test("leaving on one device ends only that device's session", async () => {
    await sim.leave("wlan0");
    await summary("wlan0", (s) => s.state === "Inactive");
    const wlan1 = daemon.listSessions().find((s) => s.device === "wlan1");
    assert.equal(wlan1?.state, "Authenticated");
    assert.equal(airport.authorized(), true);
  });

  test("a profile that leaves the MAC address to NetworkManager's default is reported as such, without a warning", async () => {
    const before = logs.length;
    await sim.join("wlan0", aps.hotel ?? "", { ipv4: "10.0.0.23" });
    const wlan0 = await summary("wlan0", (s) => s.mac !== undefined && s.state === "Authenticated");
    assert.deepEqual(wlan0.mac, { setting: "default", changesOnReconnect: false });
    assert.ok(!logs.slice(before).some((l) => /random MAC address/.test(l.message)));
  });
});
