import assert from "node:assert/strict";
import { createServer, type Server } from "node:https";
import type { LookupFunction } from "node:net";
import { after, before, describe, test } from "node:test";
import type { Page } from "puppeteer-core";
import { launchBrowser, spkiPins } from "../../../src/browser/launch.ts";
import { leaseBinding } from "../../../src/browser/lease-binding.ts";
import { connectWarmLease } from "../../../src/browser/remote-lease.ts";
import { createBrowserSession } from "../../../src/browser/session.ts";
import { startWarmInstance, type WarmInstance } from "../../../src/browser/warm-instance.ts";
import { harnessTls } from "../../../src/harness/index.ts";
import { noChromium, type PortalStandIn, startPortalStandIn } from "./helpers.ts";

/**
 * A second tab, a popup, or a frame of another site, is guarded from its very first request. The secret goes over
 * TLS to a host the plugin did not declare: the link proxy only sees a CONNECT there, so
 * only the tab's request interception can stop it, and it must be on before the tab's
 * first navigation. Each test also sends a clean request the same way, which must arrive:
 * a guard that blocked everything would pass the first half alone.
 */

const SECRET = "tab-two-secret";
const pins = spkiPins(harnessTls().cert);
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

const portalLink: LookupFunction = (hostname, options, callback) => {
  if (hostname === "portal.test") {
    if (options.all === true) callback(null, [{ address: "127.0.0.1", family: 4 }]);
    else callback(null, "127.0.0.1", 4);
  } else callback(Object.assign(new Error(`not on the link: ${hostname}`), { code: "ENOTFOUND" }), "", 0);
};

describe("tabs opened after the first", { skip: noChromium(), timeout: 120_000 }, () => {
  let tls: Server;
  let tlsPort = 0;
  let portal: PortalStandIn;
  let portalPort = 0;
  const seen: string[] = [];
  let warm: WarmInstance;
  before(async () => {
    tls = createServer(harnessTls(), (req, res) => {
      seen.push(req.url ?? "");
      res.writeHead(200, { "content-type": "text/html" }).end("<p>tls</p>");
    });
    await new Promise<void>((r) => tls.listen(0, "127.0.0.1", r));
    const a = tls.address();
    tlsPort = typeof a === "object" && a !== null ? a.port : 0;
    portal = await startPortalStandIn("127.0.0.1", (req, _body, res) => {
      // A page framing another site: the frame is a target of its own (site isolation).
      const framed = /[?&]frame=([^&]+)/.exec(req.url ?? "")?.[1];
      res
        .writeHead(200, { "content-type": "text/html" })
        .end(
          framed === undefined
            ? "<p>portal</p>"
            : `<p>portal</p><iframe src="${decodeURIComponent(framed)}" onload="document.title='framed'"></iframe>`,
        );
    });
    portalPort = portal.port;
    warm = await startWarmInstance({ launch: (o) => launchBrowser({ ...o, spkiPins: pins }) });
  });
  after(async () => {
    await warm.close();
    await portal.close();
    tls.closeAllConnections();
    await new Promise<void>((r) => tls.close(() => r()));
  });

  const url = (path: string, secret = false) =>
    `https://127.0.0.1:${tlsPort}${path}${secret ? `?password=${SECRET}` : ""}`;
  /**
   * Opens `target` as a popup and waits until its document is there: the popup's document
   * turns cross-origin to the opener once it committed, the page or the error page.
   */
  const popup = (target: string) => `new Promise((resolve) => {
    const w = window.open(${JSON.stringify(target)});
    const poll = () => { try { void w.document.body; } catch (e) { return resolve("committed"); } requestAnimationFrame(poll); };
    poll();
  })`;

  /** A frame of another site on the portal's page, with the secret and without. */
  const frames = async (page: Page, tag: string): Promise<void> => {
    for (const [path, secret] of [
      [`/steal-frame-${tag}`, true],
      [`/fine-frame-${tag}`, false],
    ] as const) {
      const framed = encodeURIComponent(url(path, secret));
      await page.goto(`http://portal.test:${portalPort}/framing?frame=${framed}`);
      await page.waitForFunction("document.title === 'framed'");
    }
    assert.ok(seen.includes(`/fine-frame-${tag}`), JSON.stringify(seen));
  };

  test("in a leased browser: a new tab and a popup of the plugin's connection", async () => {
    const refusals: string[] = [];
    const lease = await warm.leaseData(
      leaseBinding({
        pluginId: "tabs",
        credentials: { password: SECRET },
        portalHosts: [{ host: "portal.test", allowHttp: true }],
        transport: { lookup: portalLink },
        onRefused: (e) => refusals.push(e.message),
      }),
    );
    assert.ok(lease);
    const remote = await connectWarmLease(lease.data);
    try {
      const second = await remote.page.browserContext().newPage();
      await assert.rejects(second.goto(url("/steal-tab", true)), /ERR_BLOCKED_BY_CLIENT/);
      assert.equal((await second.goto(url("/fine-tab")))?.status(), 200);

      await remote.page.goto(`http://portal.test:${portalPort}/`);
      assert.equal(await remote.page.evaluate(popup(url("/steal-popup", true))), "committed");
      assert.equal(await remote.page.evaluate(popup(url("/fine-popup"))), "committed");
      await frames(remote.page, "lease");
    } finally {
      await remote.release();
      await lease.release();
    }
    assert.ok(seen.includes("/fine-tab") && seen.includes("/fine-popup"), JSON.stringify(seen));
    assert.ok(!seen.some((p) => p.includes(SECRET)), "no request with the secret arrived");
    assert.ok(refusals.length >= 2, refusals.join("\n"));
    assert.ok(refusals.every((m) => !m.includes(SECRET)));
  });

  test("in a browser of the hook's own: a popup of its first tab", async () => {
    const refusals: string[] = [];
    const session = createBrowserSession({
      pluginId: "tabs",
      credentials: { password: SECRET },
      portalHosts: [{ host: "portal.test", allowHttp: true }],
      lookup: portalLink,
      signal: new AbortController().signal,
      log: { ...quiet, warn: (m: string) => refusals.push(m) },
      spkiPins: pins,
    });
    try {
      const page = await session.open();
      await page.open(`http://portal.test:${portalPort}/own`);
      assert.equal(await page.page.evaluate(popup(url("/steal-own", true))), "committed");
      assert.equal(await page.page.evaluate(popup(url("/fine-own"))), "committed");
      await frames(page.page, "own");
    } finally {
      await session.close();
    }
    assert.ok(seen.includes("/fine-own"), JSON.stringify(seen));
    assert.ok(!seen.some((p) => p.includes(SECRET)));
    assert.ok(refusals.some((m) => m.startsWith("browser: blocked a request")));
  });
});
