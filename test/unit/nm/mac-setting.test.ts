import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Variant } from "@jellybrick/dbus-next";
import { macAddressInfo } from "../../../src/daemon/mac-address.ts";
import { macSettingOf } from "../../../src/scan/networkmanager/mac-setting.ts";

const wifi = (props: Record<string, Variant>) => ({
  connection: { id: new Variant("s", "Cafe") },
  "802-11-wireless": { ssid: new Variant("ay", Buffer.from("Cafe")), ...props },
});

describe("the MAC address setting of a NetworkManager profile", () => {
  test("assigned-mac-address carries the policy nmcli calls cloned-mac-address", () => {
    for (const value of ["random", "stable", "permanent", "preserve", "02:11:22:33:44:55"])
      assert.equal(macSettingOf(wifi({ "assigned-mac-address": new Variant("s", value) })), value);
  });

  test("the old byte form holds only a literal address", () => {
    const bytes = Buffer.from([0x02, 0xab, 0, 0, 0, 0x01]);
    assert.equal(macSettingOf(wifi({ "cloned-mac-address": new Variant("ay", bytes) })), "02:ab:00:00:00:01");
  });

  test("unset, or an answer of the wrong shape, is NetworkManager's global default", () => {
    assert.equal(macSettingOf(wifi({})), "default");
    assert.equal(macSettingOf({ connection: {} }), "default");
    assert.equal(macSettingOf("not settings"), "default");
  });

  test("only random changes the address on every connect", () => {
    assert.equal(macAddressInfo("random").changesOnReconnect, true);
    assert.equal(macAddressInfo("RANDOM").changesOnReconnect, true);
    for (const setting of ["stable", "permanent", "preserve", "default", "02:11:22:33:44:55"])
      assert.equal(macAddressInfo(setting).changesOnReconnect, false);
  });
});
