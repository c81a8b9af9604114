import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { joinedLink } from "../../../src/cli/portal.ts";
import { isHotspotError } from "../../../src/errors.ts";
import { noDbusReason, type World, world } from "./helpers.ts";

/** `hotspot portal` finds the joined link (address, DNS) through NetworkManager, here the simulated one. */
describe("hotspot portal: the joined link from NetworkManager", { skip: noDbusReason }, () => {
  let w: World | undefined;
  after(async () => {
    await w?.close();
  });

  test("the activated Wi-Fi device's address and DNS servers; a device without a link is HH_PORTAL_NO_LINK", async () => {
    let ap = "";
    w = await world((sim) => {
      sim.addWifiDevice("wlan0");
      ap = sim.addAccessPoint("wlan0", {
        ssid: "Cafe",
        bssid: "02:10:00:00:00:0a",
        strength: 71,
        security: "open",
      });
    });
    const joined = w.rec.next("join");
    await w.sim.join("wlan0", ap, {
      ipv4: "192.168.7.23",
      gateway: "192.168.7.1",
      dns: ["192.168.7.1", "9.9.9.9"],
    });
    await joined;
    const link = await joinedLink(undefined, w.bus.address);
    assert.equal(link.interface, "wlan0");
    assert.equal(link.ipv4, "192.168.7.23");
    assert.deepEqual(link.dns, ["192.168.7.1", "9.9.9.9"]);
    assert.equal((await joinedLink("wlan0", w.bus.address)).ipv4, "192.168.7.23");
    await assert.rejects(
      joinedLink("wlan9", w.bus.address),
      (e) => isHotspotError(e) && e.code === "HH_PORTAL_NO_LINK" && /wlan9/.test(e.message),
    );
  });

  test("no NetworkManager on the bus is HH_PORTAL_NO_LINK, not a hang", async () => {
    await assert.rejects(
      joinedLink("wlan0", "unix:path=/nonexistent/hotspot-test-bus"),
      (e) => isHotspotError(e) && e.code === "HH_PORTAL_NO_LINK",
    );
  });
});
