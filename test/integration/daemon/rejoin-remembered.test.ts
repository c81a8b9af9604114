import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { userConfigSchema } from "../../../src/config/schema.ts";
import { Daemon } from "../../../src/daemon/daemon.ts";
import type { SessionSummary } from "../../../src/daemon/events.ts";
import { stateSchema } from "../../../src/daemon/state/schema.ts";
import { StateStore } from "../../../src/daemon/state/store.ts";
import { type PrivateBus, startPrivateBus } from "../../../src/harness/dbus-daemon.ts";
import { type Portal, startPortal } from "../../../src/harness/index.ts";
import { SimulatedNetworkManager } from "../../../src/harness/nm/index.ts";
import { loadRegistry } from "../../../src/helper-api/loader.ts";
import type { PluginRegistry } from "../../../src/helper-api/registry-types.ts";
import { createNetworkManagerSource } from "../../../src/scan/networkmanager/index.ts";
import { noDbusReason } from "../nm/helpers.ts";

const CLICK_THROUGH = fileURLToPath(new URL("../../../plugins/click-through", import.meta.url));
const CONFIG = userConfigSchema.parse({
  plugins: { "click-through": { config: { ssids: ["Hotel Guest", "Cafe Free"] } } },
});

describe("the daemon coming back to a network whose portal still remembers the device", {
  skip: noDbusReason,
}, () => {
  let bus: PrivateBus;
  let sim: SimulatedNetworkManager;
  let hotel: Portal;
  let cafe: Portal;
  let registry: PluginRegistry;
  let dir = "";
  let daemon: Daemon | undefined;
  let store: StateStore;
  const aps: Record<string, string> = {};
  const posts = (p: Portal): number => p.log.filter((r) => r.method === "POST").length;

  before(async () => {
    bus = await startPrivateBus();
    sim = await SimulatedNetworkManager.start({ busAddress: bus.address, connectivity: "portal" });
    sim.addWifiDevice("wlan0", "02:00:00:00:01:00");
    aps.hotel = sim.addAccessPoint("wlan0", { ssid: "Hotel Guest", bssid: "02:00:00:00:00:01" });
    aps.cafe = sim.addAccessPoint("wlan0", { ssid: "Cafe Free", bssid: "02:00:00:00:00:02" });
    sim.completeScan("wlan0");
    [hotel, cafe] = await Promise.all([
      startPortal({ scenario: "click-through" }),
      startPortal({ scenario: "click-through" }),
    ]);
    registry = await loadRegistry({
      pluginDirs: [CLICK_THROUGH],
      includeBundled: false,
      config: CONFIG,
      strict: true,
    });
    dir = await mkdtemp(join(tmpdir(), "hh-rejoin-"));
  });
  after(async () => {
    await daemon?.stop();
    await Promise.all([hotel?.close(), cafe?.close()]);
    await sim?.stop();
    await bus?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const startDaemon = async (): Promise<Daemon> => {
    await daemon?.stop();
    store = await StateStore.open({ dir, onProblem: (e) => assert.fail(e.message) });
    const d = new Daemon({
      source: createNetworkManagerSource({ busAddress: bus.address }),
      registry,
      config: CONFIG,
      log: () => {},
      probeUrlFor: (n) => (n.ssidText === "Hotel Guest" ? hotel.probeUrl : cafe.probeUrl),
      random: () => 0,
      state: store,
    });
    await d.start();
    daemon = d;
    return d;
  };

  const joined = (d: Daemon, ssid: string, ap: string, ipv4: string): Promise<SessionSummary> => {
    const done = new Promise<SessionSummary>((resolve) => {
      const listener = (s: SessionSummary): void => {
        if (s.state !== "Authenticated" || s.network?.ssid !== ssid || s.nextMaintainAt === undefined) return;
        d.off("session", listener);
        resolve(s);
      };
      d.on("session", listener);
    });
    return sim.join("wlan0", ap, { ipv4 }).then(() => done);
  };

  const left = async (d: Daemon): Promise<void> => {
    const done = new Promise<void>((resolve) => {
      const listener = (s: SessionSummary): void => {
        if (s.state !== "Inactive") return;
        d.off("session", listener);
        resolve();
      };
      d.on("session", listener);
    });
    await sim.leave("wlan0");
    await done;
  };

  test("A → B → A: the first network's session is resumed, maintained from the first check and saved beside the second's, with no second login", async () => {
    const d = await startDaemon();
    const reasons: string[] = [];
    d.on("state", (c) => reasons.push(`${c.to}: ${c.reason}`));
    const first = await joined(d, "Hotel Guest", aps.hotel ?? "", "10.0.0.23");
    await left(d);
    await joined(d, "Cafe Free", aps.cafe ?? "", "10.0.1.23");
    await left(d);
    assert.equal(hotel.authorized(), true);
    reasons.length = 0;
    const back = await joined(d, "Hotel Guest", aps.hotel ?? "", "10.0.0.23");
    await d.session("wlan0")?.idle();
    assert.equal(posts(hotel), 1);
    assert.equal(posts(cafe), 1);
    assert.equal(back.pluginId, "click-through");
    assert.equal(back.authenticatedAt, first.authenticatedAt);
    assert.deepEqual(reasons.slice(0, 4), [
      "Evaluating: joined",
      "Authenticated: the portal still lets us through: session resumed",
      "Maintaining: first check since joining",
      "Authenticated: session still valid",
    ]);
    assert.equal(d.session("wlan0")?.state, "Authenticated");
    await store.flush();
    const saved = stateSchema.parse(JSON.parse(await readFile(store.file, "utf8")));
    assert.deepEqual(
      Object.values(saved.sessions.wlan0 ?? {})
        .map((s) => s.ssidText)
        .sort(),
      ["Cafe Free", "Hotel Guest"],
    );
    assert.equal(await d.logoff("wlan0"), 1);
    assert.equal(d.session("wlan0")?.state, "Inactive");
    await store.flush();
    const after = stateSchema.parse(JSON.parse(await readFile(store.file, "utf8")));
    assert.deepEqual(
      Object.values(after.sessions.wlan0 ?? {}).map((s) => s.ssidText),
      ["Cafe Free"],
    );
    await sim.leave("wlan0");
    await d.stop();
  });

  test("a version-1 state file (one session per device) still loads, and its session is resumed on that network", async () => {
    await writeFile(
      join(dir, "state.json"),
      JSON.stringify({
        version: 1,
        sessions: {
          wlan0: {
            ssidHex: Buffer.from("Cafe Free").toString("hex"),
            ssidText: "Cafe Free",
            bssid: "02:00:00:00:00:02",
            pluginId: "click-through",
            authenticatedAt: 1_000,
            facts: {},
            factsAt: 1_000,
          },
        },
        choices: {},
        failures: {},
      }),
    );
    const d = await startDaemon();
    const back = await joined(d, "Cafe Free", aps.cafe ?? "", "10.0.1.23");
    await d.session("wlan0")?.idle();
    assert.equal(back.authenticatedAt, 1_000);
    assert.equal(posts(cafe), 1);
    await store.flush();
    const saved = stateSchema.parse(JSON.parse(await readFile(store.file, "utf8")));
    assert.deepEqual(Object.keys(saved.sessions.wlan0 ?? {}), [
      `ssid:${Buffer.from("Cafe Free").toString("hex")}|open`,
    ]);
  });
});
