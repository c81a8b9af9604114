import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseDeviceShow } from "../../../src/scan/nodewifi/device-show.ts";
import { recorded } from "./helpers.ts";

describe("our nmcli device show parser", () => {
  test("reads every device's state and the connected one's address, gateway, DNS and RFC 8910 URI", () => {
    assert.deepEqual(parseDeviceShow(recorded("device-show")), [
      {
        iface: "wlan0",
        type: "wifi",
        state: 100,
        link: {
          ipv4: "10.0.0.23",
          gateway: "10.0.0.1",
          dns: ["10.0.0.1", "192.0.2.53"],
          captivePortalUri: "https://portal.example/api",
        },
      },
      { iface: "eth0", type: "ethernet", state: 100, link: {} },
      { iface: "wlan1", type: "wifi", state: 30, link: {} },
    ]);
  });

  test("the other RFC 8910 option names count, and addresses that are not IPv4 are ignored", () => {
    const [dev] = parseDeviceShow(
      "GENERAL.DEVICE:wlan0\nGENERAL.TYPE:wifi\nGENERAL.STATE:100 (connected)\nIP4.ADDRESS[1]:not-an-ip/24\n" +
        "IP4.GATEWAY:--\nIP4.DNS[1]:fe80::1\nDHCP4.OPTION[1]:default_url = http://portal.test/\n",
    );
    assert.deepEqual(dev?.link, { captivePortalUri: "http://portal.test/" });
  });

  test("lines forged through a newline in a DHCP option cannot change the device, its state or its addresses", () => {
    const forged =
      "GENERAL.DEVICE:wlan0\nGENERAL.TYPE:wifi\nGENERAL.STATE:100 (connected)\nIP4.ADDRESS[1]:10.0.0.23/24\n" +
      "DHCP4.OPTION[1]:domain_name = x\nGENERAL.STATE:30 (disconnected)\nIP4.DNS[1]:203.0.113.66\n" +
      "DHCP4.OPTION[2]:host_name = y\n\nGENERAL.DEVICE:wlan0\nGENERAL.TYPE:wifi\nGENERAL.STATE:30 (disconnected)\n";
    assert.deepEqual(parseDeviceShow(forged), [
      { iface: "wlan0", type: "wifi", state: 100, link: { ipv4: "10.0.0.23" } },
    ]);
  });

  test("a block without a usable interface name is skipped and a state without a number reads as -1", () => {
    assert.deepEqual(
      parseDeviceShow(
        "GENERAL.TYPE:wifi\n\nGENERAL.DEVICE:wlan2\nGENERAL.TYPE:wifi\nGENERAL.STATE:unknown\n",
      ),
      [{ iface: "wlan2", type: "wifi", state: -1, link: {} }],
    );
  });
});
