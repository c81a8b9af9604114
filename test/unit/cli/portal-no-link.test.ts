import assert from "node:assert/strict";
import { test } from "node:test";
import { captureIo } from "../../../src/cli/io.ts";
import { main } from "../../../src/cli/main.ts";

// `hotspot portal` reads NetworkManager on the bus it finds the daemon on; when nobody
// answers there, the hint names that command's option, not `--bus`, which it does not have.
test("hotspot portal without NetworkManager: no joined link (exit 1), the hint names --daemon-bus", async () => {
  const io = captureIo({
    DISPLAY: ":99",
    HOME: "/nonexistent",
    XDG_CONFIG_HOME: "/nonexistent/hh-config",
    DBUS_SYSTEM_BUS_ADDRESS: "unix:path=/nonexistent/hh-portal-test.sock",
  });
  const code = await main(["portal"], io);
  assert.equal(code, 1, io.stderrText());
  const text = io.stderrText();
  assert.match(text, /^hotspot: no joined Wi-Fi link on any Wi-Fi device to open the portal through: /);
  assert.match(text, /NetworkManager is not reachable on unix:path=\/nonexistent\/hh-portal-test\.sock/);
  assert.match(text, /set DBUS_SYSTEM_BUS_ADDRESS or --daemon-bus for another bus/);
  assert.doesNotMatch(text, /or --bus /);
});
