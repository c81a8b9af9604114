import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { noDbusReason, text, type World, world } from "./helpers.ts";

describe("NetworkManager client against the simulated NetworkManager: join, leave, roam", {
  skip: noDbusReason,
}, () => {
  const worlds: World[] = [];
  after(async () => {
    for (const w of worlds) await w.close();
  });
  const aps: Record<string, string> = {};
  const open = async (): Promise<World> => {
    const w = await world((sim) => {
      sim.addWifiDevice("wlan0");
      aps.cafeA = sim.addAccessPoint("wlan0", {
        ssid: "Cafe",
        bssid: "02:10:00:00:00:0a",
        strength: 71,
        security: "open",
      });
      aps.cafeB = sim.addAccessPoint("wlan0", {
        ssid: "Cafe",
        bssid: "02:10:00:00:00:0b",
        strength: 60,
        security: "open",
      });
      aps.home = sim.addAccessPoint("wlan0", {
        ssid: "Home",
        bssid: "02:10:00:00:00:0c",
        strength: 90,
        security: "wpa3-sae",
      });
    });
    worlds.push(w);
    return w;
  };

  test("join carries SSID bytes, BSSID, security, signal, interface, IPv4, gateway, DNS and the RFC 8910 URI", async () => {
    const w = await open();
    const joined = w.rec.next("join");
    await w.sim.join("wlan0", aps.cafeA ?? "", {
      ipv4: "192.168.7.23",
      gateway: "192.168.7.1",
      dns: ["192.168.7.1", "9.9.9.9"],
      captivePortalUri: "https://portal.example/capport",
    });
    const e = await joined;
    assert.equal(e.device, "wlan0");
    assert.equal(text(e.network.ssid), "Cafe");
    assert.equal(e.network.bssid, "02:10:00:00:00:0a");
    assert.equal(e.network.security, "open");
    assert.equal(e.network.strength, 71);
    assert.equal(e.network.interface, "wlan0");
    assert.equal(e.network.ipv4, "192.168.7.23");
    assert.equal(e.network.gateway, "192.168.7.1");
    assert.deepEqual(e.network.dns, ["192.168.7.1", "9.9.9.9"]);
    assert.equal(e.network.captivePortalUri, "https://portal.example/capport");
    assert.equal(e.network.justJoined, true);
    assert.equal(e.network.autoJoined, false, "NetworkManager does not say who started a connection");
    assert.equal(w.rec.of("join").length, 1);
  });

  test("the RFC 8910 URI is read from default_url and v4_captive_portal too", async () => {
    const w = await open();
    const first = w.rec.next("join");
    await w.sim.join("wlan0", aps.cafeA ?? "", { dhcpOptions: { default_url: "https://a.example/api" } });
    assert.equal((await first).network.captivePortalUri, "https://a.example/api");
    const second = w.rec.next("join");
    await w.sim.join("wlan0", aps.home ?? "", {
      dhcpOptions: { v4_captive_portal: "https://b.example/api" },
    });
    assert.equal((await second).network.captivePortalUri, "https://b.example/api");
  });

  test("a new BSSID of the same SSID is a roam, not a leave and join", async () => {
    const w = await open();
    const joined = w.rec.next("join");
    await w.sim.join("wlan0", aps.cafeA ?? "", {});
    await joined;
    const roamed = w.rec.next("roam");
    w.sim.roam("wlan0", aps.cafeB ?? "");
    const r = await roamed;
    assert.equal(r.previousBssid, "02:10:00:00:00:0a");
    assert.equal(r.network.bssid, "02:10:00:00:00:0b");
    assert.equal(w.rec.of("leave").length, 0);
    assert.equal(w.rec.of("join").length, 1);
  });

  test("roaming to another SSID is a leave (switched) and a join", async () => {
    const w = await open();
    const joined = w.rec.next("join");
    await w.sim.join("wlan0", aps.cafeA ?? "", {});
    await joined;
    const left = w.rec.next("leave");
    const rejoined = w.rec.next("join");
    w.sim.roam("wlan0", aps.home ?? "");
    assert.equal((await left).reason, "switched");
    assert.equal(text((await rejoined).network.ssid), "Home");
  });

  test("disconnecting emits leave (disconnected) with the network that was left", async () => {
    const w = await open();
    const joined = w.rec.next("join");
    await w.sim.join("wlan0", aps.home ?? "", {});
    await joined;
    const left = w.rec.next("leave");
    await w.sim.leave("wlan0");
    const e = await left;
    assert.equal(e.reason, "disconnected");
    assert.equal(text(e.network.ssid), "Home");
  });

  test("removing a joined device emits leave (device-removed)", async () => {
    const w = await open();
    const joined = w.rec.next("join");
    await w.sim.join("wlan0", aps.home ?? "", {});
    await joined;
    const left = w.rec.next("leave");
    w.sim.removeDevice("wlan0");
    assert.equal((await left).reason, "device-removed");
  });

  test("a device already connected when the client starts is joined once", async () => {
    let ap = "";
    const w = await world(async (sim) => {
      sim.addWifiDevice("wlan0");
      ap = sim.addAccessPoint("wlan0", { ssid: "Early", bssid: "02:10:00:00:00:0d" });
      await sim.join("wlan0", ap, { instant: true });
    });
    worlds.push(w);
    const e = w.rec.of("join")[0] ?? (await w.rec.next("join"));
    assert.equal(text(e.network.ssid), "Early");
    await w.sim.flushed();
    const scan = w.rec.next("scan");
    w.sim.completeScan("wlan0");
    await scan;
    assert.equal(w.rec.of("join").length, 1);
  });

  test("connectivity is tracked globally and per device, and checkConnectivity reports NetworkManager's answer", async () => {
    const w = await open();
    const seen: string[] = [];
    w.source.onConnectivity((c) => seen.push(`${c.global}/${c.devices.wlan0 ?? "-"}`));
    const joined = w.rec.next("join");
    await w.sim.join("wlan0", aps.cafeA ?? "", { connectivity: "portal" });
    await joined;
    await w.sim.flushed();
    assert.deepEqual(w.source.connectivity(), { global: "portal", devices: { wlan0: "portal" } });
    w.sim.onCheckConnectivity(() => "full");
    assert.equal(await w.source.checkConnectivity(), "full");
    assert.equal(w.source.connectivity().global, "full");
    assert.equal(w.sim.calls("org.freedesktop.NetworkManager.CheckConnectivity"), 1);
    assert.ok(seen.includes("portal/portal"));
  });
});
