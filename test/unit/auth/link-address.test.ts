import assert from "node:assert/strict";
import type { NetworkInterfaceInfo } from "node:os";
import { describe, test } from "node:test";
import { localAddressOn } from "../../../src/auth/link-address.ts";

const v4 = (address: string, cidr: string | null): NetworkInterfaceInfo => ({
  address,
  netmask: "255.255.255.0",
  family: "IPv4",
  mac: "02:00:00:00:00:01",
  internal: false,
  cidr,
});

function sources(list: Record<string, NetworkInterfaceInfo[]>, ifindex: Record<string, string> = {}) {
  const reads: string[] = [];
  return {
    reads,
    interfaces: () => list,
    read: async (path: string) => {
      reads.push(path);
      const value = ifindex[path];
      if (value === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: "ENOENT" });
      return value;
    },
  };
}

describe("the link's address, read without running ip", () => {
  test("the interface's index comes from sysfs and the prefix from the address list", async () => {
    const s = sources(
      { wlan0: [v4("192.168.7.23", "192.168.7.23/24")], eth0: [v4("10.1.0.5", "10.1.0.5/16")] },
      { "/sys/class/net/wlan0/ifindex": "3\n" },
    );
    assert.deepEqual(await localAddressOn("wlan0", "192.168.7.23", s), { ifindex: 3, prefixlen: 24 });
  });

  test("an address with a label counts as its interface's, and no cidr means a /32", async () => {
    const s = sources({ "wlan0:1": [v4("192.168.7.23", null)] }, { "/sys/class/net/wlan0/ifindex": "7" });
    assert.deepEqual(await localAddressOn("wlan0", "192.168.7.23", s), { ifindex: 7, prefixlen: 32 });
  });

  test("an address on another interface, or on none, is not the link's", async () => {
    const s = sources(
      { eth0: [v4("192.168.7.23", "192.168.7.23/24")], wlan01: [v4("192.168.7.23", "192.168.7.23/24")] },
      { "/sys/class/net/wlan0/ifindex": "3" },
    );
    assert.equal(await localAddressOn("wlan0", "192.168.7.23", s), undefined);
    assert.equal(await localAddressOn("wlan0", "10.23.0.42", s), undefined);
    assert.deepEqual(s.reads, []);
  });

  test("a name that is not an interface name is never made into a path", async () => {
    const s = sources({ "..": [v4("192.168.7.23", "192.168.7.23/24")] });
    for (const name of ["..", "../../etc/passwd", "wlan0 x", "a-name-longer-than-15"]) {
      assert.equal(await localAddressOn(name, "192.168.7.23", s), undefined);
    }
    assert.deepEqual(s.reads, []);
  });

  test("an index that cannot be read or is not a positive number leaves the answer to the fallback", async () => {
    const list = { wlan0: [v4("192.168.7.23", "192.168.7.23/24")] };
    assert.equal(await localAddressOn("wlan0", "192.168.7.23", sources(list)), undefined);
    const asked: string[] = [];
    const fallback = async (iface: string, ipv4: string) => {
      asked.push(`${iface} ${ipv4}`);
      return { ifindex: 9, prefixlen: 24 };
    };
    const garbage = { ...sources(list, { "/sys/class/net/wlan0/ifindex": "zero" }), fallback };
    assert.deepEqual(await localAddressOn("wlan0", "192.168.7.23", garbage), { ifindex: 9, prefixlen: 24 });
    assert.deepEqual(await localAddressOn("wlan0", "192.168.7.23", { ...sources(list), fallback }), {
      ifindex: 9,
      prefixlen: 24,
    });
    assert.deepEqual(asked, ["wlan0 192.168.7.23", "wlan0 192.168.7.23"]);
  });

  test("an address that is not there is not asked of the fallback", async () => {
    let asked = 0;
    const fallback = async () => {
      asked++;
      return { ifindex: 9, prefixlen: 24 };
    };
    const s = { ...sources({ wlan0: [v4("192.168.7.23", "192.168.7.23/24")] }), fallback };
    assert.equal(await localAddressOn("wlan0", "10.23.0.42", s), undefined);
    assert.equal(asked, 0);
  });
});
