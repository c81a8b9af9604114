import assert from "node:assert/strict";
import { test } from "node:test";
import { notificationBody } from "../../../src/agent/agent.ts";
import { sessionBusAddress } from "../../../src/cli/agent.ts";
import { isHotspotError } from "../../../src/errors.ts";

test("the agent's session bus: the environment's, else the systemd user bus, else a coded error", () => {
  assert.equal(
    sessionBusAddress({ DBUS_SESSION_BUS_ADDRESS: "unix:path=/run/user/1000/bus" }),
    "unix:path=/run/user/1000/bus",
  );
  assert.equal(sessionBusAddress({ XDG_RUNTIME_DIR: "/run/user/1000" }), "unix:path=/run/user/1000/bus");
  assert.throws(
    () => sessionBusAddress({}),
    (e) =>
      isHotspotError(e) &&
      e.code === "HH_AGENT_NO_SESSION_BUS" &&
      e.exitCode === 2 &&
      /desktop session/.test(e.message),
  );
});

test("the notification body names the network (markup escaped) and the portal's host, never the path", () => {
  const body = notificationBody({
    device: "wlan0",
    ssid: "<b>Free</b> & Fast",
    providerName: "Cafe",
    url: "https://pay.example/checkout?token=abc",
  });
  assert.match(body, /“&lt;b&gt;Free&lt;\/b&gt; &amp; Fast”/);
  assert.match(body, /pay\.example/);
  assert.ok(!body.includes("token=abc"));
  assert.match(
    notificationBody({ device: "wlan0", ssid: "", providerName: "Cafe", url: "http://10.0.0.1/" }),
    /network wlan0/,
  );
});
