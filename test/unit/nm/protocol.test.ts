import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Variant } from "@jellybrick/dbus-next";
import { SECURITIES } from "../../../src/helper-api/network.ts";
import { matchRule } from "../../../src/scan/dbus/signals.ts";
import { IFACE } from "../../../src/scan/networkmanager/constants.ts";
import {
  introspectionXml,
  signalSignature,
  WIRELESS,
} from "../../../src/scan/networkmanager/introspection.ts";
import { captivePortalFromDhcp, linkFacts } from "../../../src/scan/networkmanager/link.ts";
import { SIGNAL_RULES } from "../../../src/scan/networkmanager/rules.ts";
import { flagsForSecurity, securityFromFlags } from "../../../src/scan/networkmanager/security.ts";
import { ObjectStore } from "../../../src/scan/networkmanager/store.ts";

describe("access point security from NetworkManager's flags", () => {
  test("every security the simulator advertises is classified back to itself", () => {
    for (const s of SECURITIES) assert.equal(securityFromFlags(flagsForSecurity(s)), s, s);
  });

  test("WPA2/WPA3 transition (PSK and SAE) is wpa2-psk, privacy without WPA is wep, no flags is open", () => {
    assert.equal(securityFromFlags({ flags: 1, wpaFlags: 0, rsnFlags: 0x100 | 0x400 }), "wpa2-psk");
    assert.equal(securityFromFlags({ flags: 1, wpaFlags: 0, rsnFlags: 0 }), "wep");
    assert.equal(securityFromFlags({ flags: 0, wpaFlags: 0, rsnFlags: 0 }), "open");
    assert.equal(securityFromFlags({ flags: 1, wpaFlags: 0x200, rsnFlags: 0 }), "wpa2-eap");
  });
});

describe("RFC 8910 URI and link facts", () => {
  test("captive_portal wins over v4_captive_portal and default_url; blank values are ignored", () => {
    assert.equal(
      captivePortalFromDhcp({
        Options: { default_url: "https://c/", v4_captive_portal: "https://b/", captive_portal: "https://a/" },
      }),
      "https://a/",
    );
    assert.equal(
      captivePortalFromDhcp({ Options: { captive_portal: "  ", default_url: "https://c/" } }),
      "https://c/",
    );
    assert.equal(captivePortalFromDhcp({ Options: { routers: "10.0.0.1" } }), undefined);
  });

  test("link facts fall back to the active connection's Ip4Config when the device names none", () => {
    const store = new ObjectStore();
    const v = (s: string, x: unknown) => new Variant(s, x);
    store.apply(
      "/d",
      IFACE.device,
      { ActiveConnection: v("o", "/ac"), Ip4Config: v("o", "/") },
      { replace: true },
    );
    store.apply("/ac", IFACE.activeConnection, { Ip4Config: v("o", "/ip") }, { replace: true });
    store.apply(
      "/ip",
      IFACE.ip4Config,
      { AddressData: v("aa{sv}", [{ address: v("s", "10.9.0.7") }]), Gateway: v("s", "") },
      { replace: true },
    );
    assert.deepEqual(linkFacts(store, "/d"), { ipv4: "10.9.0.7" });
  });
});

describe("our introspection data and match rules", () => {
  test("the XML declares the signals python3-dbusmock leaves out", () => {
    const xml = introspectionXml([WIRELESS]);
    assert.match(xml, /<signal name="AccessPointAdded">\s*<arg name="access_point" type="o"\/>/);
    assert.match(xml, /<property name="LastScan" type="x" access="read"\/>/);
    assert.equal(signalSignature(IFACE.device, "StateChanged"), "uuu");
    assert.equal(signalSignature(IFACE.device, "NoSuchSignal"), undefined);
  });

  test("match rule values are quoted, and the client's rules are a small fixed set", () => {
    assert.equal(matchRule({ type: "signal", arg0: "it's" }), "type='signal',arg0='it'\\''s'");
    assert.ok(SIGNAL_RULES.length <= 12);
    assert.ok(SIGNAL_RULES.every((r) => !r.includes("/AccessPoint/")));
  });
});
