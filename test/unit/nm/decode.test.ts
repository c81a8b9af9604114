import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Variant } from "@jellybrick/dbus-next";
import { IFACE } from "../../../src/scan/networkmanager/constants.ts";
import {
  accessPointSchema,
  decodeProperties,
  dhcp4ConfigSchema,
  ip4ConfigSchema,
  wirelessSchema,
} from "../../../src/scan/networkmanager/decode.ts";
import { ObjectStore } from "../../../src/scan/networkmanager/store.ts";

const v = (sig: string, value: unknown) => new Variant(sig, value);

describe("decoding NetworkManager properties", () => {
  test("an access point's SSID keeps its exact bytes, including NUL and non-UTF-8", () => {
    const bytes = Buffer.from([0x00, 0xff, 0x41]);
    const { values, problems } = decodeProperties(accessPointSchema, {
      Ssid: v("ay", bytes),
      Strength: v("y", 55),
    });
    assert.deepEqual(problems, []);
    assert.deepEqual([...(values.Ssid ?? [])], [0x00, 0xff, 0x41]);
    bytes[0] = 0x7a;
    assert.equal(values.Ssid?.[0], 0x00);
  });

  test("a 33-byte SSID, a string strength and an out-of-range strength are rejected, the rest kept", () => {
    const { values, problems } = decodeProperties(accessPointSchema, {
      Ssid: v("ay", Buffer.alloc(33)),
      Strength: v("s", "high"),
      Frequency: v("u", 5180),
      HwAddress: v("s", "02:AA:BB:CC:DD:EE"),
    });
    assert.deepEqual(problems.map((p) => p.property).sort(), ["Ssid", "Strength"]);
    assert.equal(values.Frequency, 5180);
    assert.equal(values.HwAddress, "02:aa:bb:cc:dd:ee");
    assert.equal(values.Ssid, undefined);
    const over = decodeProperties(accessPointSchema, { Strength: v("y", 101) });
    assert.match(over.problems[0]?.reason ?? "", /100/);
  });

  test("integers are accepted in any D-Bus width and LastScan's int64 arrives as a number", () => {
    const ap = decodeProperties(accessPointSchema, { Strength: v("u", 40), LastSeen: v("i", -1) });
    assert.deepEqual(ap.values, { Strength: 40, LastSeen: -1 });
    const w = decodeProperties(wirelessSchema, { LastScan: v("x", 123_456_789n) });
    assert.equal(w.values.LastScan, 123_456_789);
  });

  test("an integer property holding an object no string conversion can print is refused, never thrown", () => {
    // Found by the fuzzer: a prototype-less object made the refusal message itself throw.
    const { values, problems } = decodeProperties(accessPointSchema, {
      WpaFlags: v("y", Object.create(null)),
      Strength: v("y", 40),
    });
    assert.deepEqual(
      problems.map((p) => p.property),
      ["WpaFlags"],
    );
    assert.match(problems[0]?.reason ?? "", /got object/);
    assert.equal(values.Strength, 40);
  });

  test("a malformed BSSID or a non-dictionary is reported, never thrown", () => {
    assert.equal(
      decodeProperties(accessPointSchema, { HwAddress: v("s", "not-a-mac") }).problems[0]?.property,
      "HwAddress",
    );
    assert.deepEqual(decodeProperties(accessPointSchema, "garbage").problems, [
      { property: "(all)", reason: "not a property dictionary" },
    ]);
  });

  test("Ip4Config yields addresses, gateway and nameservers; the deprecated au form is decoded too", () => {
    const { values, problems } = decodeProperties(ip4ConfigSchema, {
      AddressData: v("aa{sv}", [{ address: v("s", "192.168.1.20"), prefix: v("u", 24) }]),
      Gateway: v("s", "192.168.1.1"),
      NameserverData: v("aa{sv}", [{ address: v("s", "192.168.1.1") }]),
      Nameservers: v("au", [0x0101a8c0]),
    });
    assert.deepEqual(problems, []);
    assert.equal(values.AddressData?.[0]?.address, "192.168.1.20");
    assert.deepEqual(values.Nameservers, ["192.168.1.1"]);
    const bad = decodeProperties(ip4ConfigSchema, {
      AddressData: v("aa{sv}", [{ address: v("s", "300.1.1.1") }]),
    });
    assert.equal(bad.problems[0]?.property, "AddressData");
  });

  test("DHCP options keep string values and ignore others", () => {
    const { values } = decodeProperties(dhcp4ConfigSchema, {
      Options: v("a{sv}", { captive_portal: v("s", "https://p.example/api"), lease_time: v("u", 3600) }),
    });
    assert.deepEqual(values.Options, { captive_portal: "https://p.example/api" });
  });
});

describe("the object store", () => {
  test("a property that turns malformed is dropped instead of keeping its stale value", () => {
    const store = new ObjectStore();
    const path = "/org/freedesktop/NetworkManager/AccessPoint/1";
    store.apply(
      path,
      IFACE.accessPoint,
      { Ssid: v("ay", Buffer.from("cafe")), Strength: v("y", 50) },
      { replace: true },
    );
    const r = store.apply(path, IFACE.accessPoint, { Strength: v("s", "x") }, { replace: false });
    assert.equal(r.problems.length, 1);
    assert.equal(store.get(path)?.ap?.Strength, undefined);
    assert.equal(Buffer.from(store.get(path)?.ap?.Ssid ?? []).toString(), "cafe");
  });

  test("interfaces we do not track are ignored", () => {
    const store = new ObjectStore();
    const r = store.apply(
      "/x",
      "org.freedesktop.NetworkManager.Device.Statistics",
      { RxBytes: v("t", 1n) },
      { replace: true },
    );
    assert.deepEqual(r, { problems: [], keys: [] });
    assert.equal(store.size, 0);
  });

  test("missing references list the objects a device names but we have not read", () => {
    const store = new ObjectStore();
    store.apply(
      "/org/freedesktop/NetworkManager",
      IFACE.manager,
      { Devices: v("ao", ["/d/1"]) },
      { replace: true },
    );
    store.apply(
      "/d/1",
      IFACE.device,
      { DeviceType: v("u", 2), Ip4Config: v("o", "/ip/1"), Dhcp4Config: v("o", "/") },
      { replace: true },
    );
    assert.deepEqual(Object.fromEntries(store.missingReferences()), {
      "/d/1": [IFACE.wireless],
      "/ip/1": [IFACE.ip4Config],
    });
  });
});
