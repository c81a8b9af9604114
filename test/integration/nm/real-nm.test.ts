import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { isHotspotError } from "../../../src/errors.ts";
import {
  createNetworkManagerSource,
  type DeviceLink,
  type NetworkManagerSource,
} from "../../../src/scan/networkmanager/index.ts";
import { Recorder } from "./helpers.ts";
import { CAPPORT_URI, PORTAL_IP, type RealNm, realNmUnavailableReason, startRealNm } from "./real-nm.ts";

const VETH = 20;

async function until<T>(what: string, probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("NetworkManager client against the real NetworkManager 1.42 (Ethernet/veth in a network namespace)", {
  skip: realNmUnavailableReason(),
}, () => {
  let world: RealNm;
  let source: NetworkManagerSource;
  let rec: Recorder;
  before(async () => {
    world = await startRealNm();
    source = createNetworkManagerSource({ busAddress: world.bus.address });
    rec = new Recorder(source);
  });
  after(async () => {
    await source?.stop();
    await world?.close();
  });

  test("bus name handling: absent at start (clear warning), ready once NetworkManager takes its name", async () => {
    const warned = rec.next("warning");
    await source.start();
    assert.ok(isHotspotError(await warned, "HH_NM_UNAVAILABLE"));
    assert.equal(source.status, "waiting");
    world.startNetworkManager();
    await source.whenReady(20_000);
    assert.equal(source.status, "ready");
  });

  test("device enumeration and the device state path: the veth reaches ACTIVATED with Ip4Config read", async () => {
    const link = await until(
      "the veth to be activated with an address",
      () =>
        source
          .links()
          .find(
            (l): l is DeviceLink => l.interface === world.iface && l.state === 100 && l.ipv4 !== undefined,
          ),
      30_000,
    );
    assert.equal(link.deviceType, VETH);
    assert.equal(link.wifi, false);
    assert.match(link.ipv4 ?? "", /^10\.77\.0\.\d+$/);
    assert.equal(link.gateway, PORTAL_IP);
    assert.deepEqual(link.dns, [PORTAL_IP]);
    assert.ok(source.links().some((l) => l.interface === "lo"));
  });

  test("Dhcp4Config from dhclient carries the RFC 8910 URI as captive_portal", () => {
    const link = source.links().find((l) => l.interface === world.iface);
    assert.equal(link?.captivePortalUri, CAPPORT_URI);
  });

  test("connectivity is PORTAL behind the portal, and checkConnectivity makes FULL appear promptly after login", async () => {
    await until(
      "NetworkManager to report a portal",
      () => (source.connectivity().global === "portal" ? true : undefined),
      30_000,
    );
    assert.equal(source.connectivity().devices[world.iface], "portal");
    await world.login();
    const t0 = performance.now();
    const state = await source.checkConnectivity();
    const ms = performance.now() - t0;
    assert.equal(state, "full");
    assert.equal(source.connectivity().global, "full");
    assert.ok(ms < 2000, `CheckConnectivity took ${ms.toFixed(0)} ms`);
    await until(
      "the device's connectivity to turn full",
      () => (source.connectivity().devices[world.iface] === "full" ? true : undefined),
      5000,
    );
  });

  test("no Wi-Fi here: the scan list is empty and no join is reported (Wi-Fi paths run against the simulator and dbusmock)", () => {
    assert.deepEqual(source.current(), []);
    assert.equal(rec.of("join").length, 0);
    assert.deepEqual(
      rec
        .of("warning")
        .filter((e) => isHotspotError(e, "HH_NM_BAD_PROPERTY"))
        .map((e) => e.message),
      [],
    );
  });

  test("NetworkManager stopping is noticed through its bus name (a warning, then waiting)", async () => {
    const warned = rec.next("warning", (e) => isHotspotError(e, "HH_NM_UNAVAILABLE"), 10_000);
    await world.stopNetworkManager();
    await warned;
    assert.equal(source.status, "waiting");
  });
});
