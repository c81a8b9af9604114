import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isBusAddress } from "../../../src/cli/bus-address.ts";
import { captureIo } from "../../../src/cli/io.ts";
import { main } from "../../../src/cli/main.ts";

const env = {
  XDG_CONFIG_HOME: "/nonexistent/hh-config",
  XDG_DATA_HOME: "/nonexistent/hh-data",
  XDG_STATE_HOME: "/nonexistent/hh-state",
  XDG_CACHE_HOME: "/nonexistent/hh-cache",
  HOME: "/nonexistent",
  DBUS_SYSTEM_BUS_ADDRESS: "unix:path=/nonexistent/hh-system-bus",
};

describe("bus address options", () => {
  test("D-Bus addresses are recognised; text that is none is not", () => {
    for (const ok of [
      "unix:path=/run/dbus/system_bus_socket",
      "unix:abstract=/tmp/dbus-x,guid=0123456789abcdef0123456789abcdef",
      "tcp:host=127.0.0.1,port=4711",
      "unix:path=/nonexistent/a;unix:path=/run/dbus/system_bus_socket;",
    ])
      assert.equal(isBusAddress(ok), true, ok);
    for (const bad of [
      "garbage",
      "",
      ";",
      "unix:",
      "unix:path",
      "/run/dbus/system_bus_socket",
      "unix:=x",
      "a:b=c,",
    ])
      assert.equal(isBusAddress(bad), false, bad);
  });

  // Each was taken for a bus nobody answers on: `daemon --bus` waited for NetworkManager
  // there for ever, `status` and `logoff` said the daemon was not running (exit 6).
  for (const argv of [
    ["logoff", "--daemon-bus", "garbage"],
    ["status", "--daemon-bus", "garbage"],
    ["list", "--bus", "garbage"],
    ["daemon", "--bus", "garbage", "--no-bundled"],
    ["daemon", "--scan", "fixtures/scans/demo.json", "--api-bus", "garbage", "--no-bundled"],
    ["agent", "--session-bus", "garbage"],
  ]) {
    const option = argv.find((a) => a.endsWith("bus")) ?? "";
    test(`hotspot ${argv.join(" ")}: bad input, exit 2, naming the option`, async () => {
      const io = captureIo(env);
      const code = await main(argv, io);
      assert.equal(code, 2, io.stderrText());
      assert.match(io.stderrText(), new RegExp(`^hotspot: ${option} 'garbage' is not a D-Bus address: `));
    });
  }
});
