import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { openPortalWindow, portalWindowArgs, requireDisplay } from "../../../src/browser/portal-window.ts";
import { parseCommandArgs } from "../../../src/cli/args.ts";
import { captureIo } from "../../../src/cli/io.ts";
import { command as portalCommand } from "../../../src/cli/portal.ts";
import { isHotspotError } from "../../../src/errors.ts";
import { type FakeDns, fakeDns } from "../../unit/auth/dns-server.ts";
import { chromiumCount, noChromium } from "./helpers.ts";

/**
 * `hotspot portal`'s window, without a display: the refusal when there is none, the flags,
 * and (headless, for the test only) a portal page whose host name only the link's DNS server
 * knows, loaded through the link-bound proxy.
 */

describe("the portal window", () => {
  test("without DISPLAY or WAYLAND_DISPLAY it refuses with HH_PORTAL_NO_DISPLAY before starting anything", async () => {
    assert.throws(
      () => requireDisplay({}),
      (e) => isHotspotError(e) && e.code === "HH_PORTAL_NO_DISPLAY",
    );
    assert.doesNotThrow(() => requireDisplay({ DISPLAY: ":0" }));
    assert.doesNotThrow(() => requireDisplay({ WAYLAND_DISPLAY: "wayland-0" }));
    await assert.rejects(
      openPortalWindow({ url: "http://portal.test/", env: {} }),
      (e) => isHotspotError(e) && e.code === "HH_PORTAL_NO_DISPLAY" && /DISPLAY/.test(e.message),
    );
    // The command refuses the same way, before it asks NetworkManager anything.
    const io = captureIo({ DBUS_SYSTEM_BUS_ADDRESS: "unix:path=/nonexistent/bus" });
    await assert.rejects(
      portalCommand.run(parseCommandArgs("portal", portalCommand, ["--device", "wlan0"]), io),
      (e) => isHotspotError(e) && e.code === "HH_PORTAL_NO_DISPLAY" && e.exitCode === 2,
    );
  });

  test("the window's flags: a new window, and Wayland's platform hint only on Wayland", () => {
    assert.ok(portalWindowArgs({ DISPLAY: ":0" }).includes("--new-window"));
    assert.ok(!portalWindowArgs({ DISPLAY: ":0" }).some((a) => a.startsWith("--ozone-platform-hint")));
    assert.ok(portalWindowArgs({ WAYLAND_DISPLAY: "wayland-0" }).includes("--ozone-platform-hint=auto"));
  });

  describe("headless (test only): the page loads through the link-bound proxy", {
    skip: noChromium(),
  }, () => {
    const NAME = "login.portal-window.test";
    let dns: FakeDns;
    let web: Server;
    const hosts: string[] = [];

    before(async () => {
      dns = await fakeDns({ [NAME]: "127.0.0.1" });
      web = createServer((req, res) => {
        hosts.push(String(req.headers.host));
        res
          .writeHead(200, { "content-type": "text/html" })
          .end("<title>Pay to surf</title><h1>Pay here</h1>");
      });
      await new Promise<void>((resolve) => web.listen(0, "127.0.0.1", resolve));
    });
    after(async () => {
      await new Promise((resolve) => web.close(resolve));
      await dns.close();
    });

    test("a name only the link's DNS knows resolves, the page shows, and closing leaves nothing behind", async () => {
      const port = (web.address() as AddressInfo).port;
      const window = await openPortalWindow({
        url: `http://${NAME}:${port}/pay`,
        link: { interface: "lo", ipv4: "127.0.0.1", dns: [dns.server] },
        headless: true,
        env: {},
      });
      try {
        assert.equal(await window.page.title(), "Pay to surf");
        // The page, and the favicon Chromium asks for after it: both by the link's name.
        assert.ok(hosts.length >= 1);
        assert.ok(
          hosts.every((h) => h === `${NAME}:${port}`),
          hosts.join(" "),
        );
        assert.ok(
          dns.queries.some((q) => q.startsWith(`${NAME}/`)),
          dns.queries.join(" "),
        );
        assert.match(window.proxy.address, /^127\.0\.0\.1:\d+$/);
        assert.ok(chromiumCount(window.browser.profileDir) > 0);
      } finally {
        await window.close();
      }
      await window.closed;
      assert.equal(chromiumCount(window.browser.profileDir), 0);
    });
  });
});
