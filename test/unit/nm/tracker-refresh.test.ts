import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Variant } from "@jellybrick/dbus-next";
import { IFACE, NM_PATH } from "../../../src/scan/networkmanager/constants.ts";
import { ObjectStore } from "../../../src/scan/networkmanager/store.ts";
import { Tracker, type TrackerReader } from "../../../src/scan/networkmanager/tracker.ts";
import type { JoinEvent } from "../../../src/scan/source.ts";

const v = (s: string, x: unknown) => new Variant(s, x);
type Props = Record<string, Variant>;
const DEV = "/org/freedesktop/NetworkManager/Devices/1";
const AP = "/org/freedesktop/NetworkManager/AccessPoint/1";
const AC = "/org/freedesktop/NetworkManager/ActiveConnection/1";
const DHCP = "/org/freedesktop/NetworkManager/DHCP4Config/1";
const ip4Path = (n: number) => `/org/freedesktop/NetworkManager/IP4Config/${n}`;

function ip4(address: string): Props {
  return {
    AddressData: v("aa{sv}", [{ address: v("s", address), prefix: v("u", 24) }]),
    Gateway: v("s", "10.0.0.1"),
  };
}

/** What NetworkManager answers now, by "path|interface": the device activated on the café. */
function truth(ip4Config: string, address: string): Map<string, Props> {
  return new Map([
    [
      `${DEV}|${IFACE.device}`,
      {
        Interface: v("s", "wlan0"),
        DeviceType: v("u", 2),
        State: v("u", 100),
        ActiveConnection: v("o", AC),
        Ip4Config: v("o", ip4Config),
        Dhcp4Config: v("o", DHCP),
      },
    ],
    [`${DEV}|${IFACE.wireless}`, { ActiveAccessPoint: v("o", AP), AccessPoints: v("ao", [AP]) }],
    [
      `${AP}|${IFACE.accessPoint}`,
      {
        Ssid: v("ay", Buffer.from("Cafe Free WiFi")),
        HwAddress: v("s", "02:CA:FE:00:00:01"),
        Strength: v("y", 70),
      },
    ],
    [`${AC}|${IFACE.activeConnection}`, { SpecificObject: v("o", AP), Ip4Config: v("o", ip4Config) }],
    [`${ip4Config}|${IFACE.ip4Config}`, ip4(address)],
    [`${DHCP}|${IFACE.dhcp4Config}`, { Options: v("a{sv}", { routers: v("s", "10.0.0.1") }) }],
  ]);
}

/** A reader whose GetAll answers wait until the test lets them through, in rounds. */
function heldReader(store: ObjectStore, nm: Map<string, Props>) {
  const asked: string[] = [];
  const waiting: (() => void)[] = [];
  const reader: TrackerReader = {
    fetch: (path, iface) => {
      const key = `${path}|${iface}`;
      asked.push(key);
      return new Promise<void>((resolve) =>
        waiting.push(() => {
          const props = nm.get(key);
          if (props) store.apply(path, iface, props, { replace: true });
          resolve();
        }),
      );
    },
    barrier: async () => {},
    ensureReferenced: async () => {},
  };
  const answerAll = async () => {
    for (let turns = 0; waiting.length === 0 && turns < 100; turns++)
      await new Promise((r) => setImmediate(r));
    for (const answer of waiting.splice(0)) answer();
  };
  return { reader, asked, answerAll };
}

/** The store as the signals left it: the device activated, its references already there. */
function signalled(ip4Config: string, address: string): ObjectStore {
  const store = new ObjectStore();
  store.apply(NM_PATH, IFACE.manager, { Devices: v("ao", [DEV]) }, { replace: true });
  for (const [key, props] of truth(ip4Config, address)) {
    const [path = "", iface = ""] = key.split("|");
    store.apply(path, iface, props, { replace: true });
  }
  return store;
}

function track(store: ObjectStore, reader: TrackerReader) {
  const joins: JoinEvent[] = [];
  const tracker = new Tracker(
    store,
    { scan: () => {}, join: (e) => joins.push(e), leave: () => {}, roam: () => {} },
    { now: () => 0, settleMs: 1_000 },
  );
  tracker.attach(reader);
  return joins;
}

const names = (keys: readonly string[]) =>
  keys.map((k) => k.replace(/^.*\/([^/]+\/\d+)\|.*\.([^.]+)$/, "$1 $2")).sort();

describe("the tracker reads a joined link in one round trip", () => {
  test("the device and the objects it refers to are asked for at once", async () => {
    const store = signalled(ip4Path(1), "10.0.0.23");
    const { reader, asked, answerAll } = heldReader(store, truth(ip4Path(1), "10.0.0.23"));
    const joins = track(store, reader);
    await answerAll();
    assert.deepEqual(names(asked), [
      "AccessPoint/1 AccessPoint",
      "ActiveConnection/1 Active",
      "DHCP4Config/1 DHCP4Config",
      "Devices/1 Device",
      "Devices/1 Wireless",
      "IP4Config/1 IP4Config",
    ]);
    for (let turns = 0; joins.length === 0 && turns < 100; turns++) await new Promise((r) => setImmediate(r));
    assert.equal(asked.length, 6);
    assert.equal(joins[0]?.network.ipv4, "10.0.0.23");
  });

  test("a reference the device's answer changes is read next, and the join carries what it says", async () => {
    const store = signalled(ip4Path(1), "10.9.9.9");
    const { reader, asked, answerAll } = heldReader(store, truth(ip4Path(2), "10.0.0.23"));
    const joins = track(store, reader);
    await answerAll();
    assert.equal(asked.length, 6);
    assert.ok(asked.includes(`${ip4Path(1)}|${IFACE.ip4Config}`));
    await answerAll();
    assert.deepEqual(asked.slice(6), [`${ip4Path(2)}|${IFACE.ip4Config}`]);
    for (let turns = 0; joins.length === 0 && turns < 100; turns++) await new Promise((r) => setImmediate(r));
    assert.equal(joins.length, 1);
    assert.equal(joins[0]?.network.ipv4, "10.0.0.23");
  });
});
