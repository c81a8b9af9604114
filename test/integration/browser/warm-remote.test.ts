import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import type { LookupFunction } from "node:net";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { launchBrowser } from "../../../src/browser/launch.ts";
import { leaseBinding } from "../../../src/browser/lease-binding.ts";
import { connectWarmLease, warmLeaseDataSchema } from "../../../src/browser/remote-lease.ts";
import {
  type LeaseBinding,
  startWarmInstance,
  type WarmInstance,
} from "../../../src/browser/warm-instance.ts";
import { isHotspotError } from "../../../src/errors.ts";
import { noChromium, type PortalStandIn, startPortalStandIn } from "./helpers.ts";

/**
 * The warm tab leased across processes: the daemon holds Chromium and hands the lease out
 * as plain data; the plugin's process connects through the relay, drives its tab through
 * the hook's link, and cannot leave its context or the web.
 */

const child = fileURLToPath(new URL("../../fixtures/browser-remote/child.ts", import.meta.url));

const portalLink: LookupFunction = (hostname, options, callback) => {
  if (hostname === "portal.test") {
    if (options.all === true) callback(null, [{ address: "127.0.0.1", family: 4 }]);
    else callback(null, "127.0.0.1", 4);
  } else callback(Object.assign(new Error(`not on the link: ${hostname}`), { code: "ENOTFOUND" }), "", 0);
};

function runChild(input: unknown): Promise<{ text: string; pid: number }> {
  return new Promise((resolve, reject) => {
    const proc = execFile(
      process.execPath,
      ["--import", "tsx", child],
      { encoding: "utf8", timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout));
      },
    );
    proc.stdin?.end(JSON.stringify(input));
  });
}

describe("a warm lease in another process", { skip: noChromium(), timeout: 120_000 }, () => {
  let server: PortalStandIn;
  let port = 0;
  const seen: { path: string; body: string }[] = [];
  let warm: WarmInstance;
  const refusals: string[] = [];
  // As the daemon builds it: from the link's transport and the plugin's own settings.
  const binding: LeaseBinding = leaseBinding({
    pluginId: "remote",
    credentials: { password: "remote-secret" },
    portalHosts: [{ host: "portal.test", allowHttp: true }],
    transport: { lookup: portalLink },
    onRefused: (e) => refusals.push(e.message),
  });
  before(async () => {
    server = await startPortalStandIn("127.0.0.1", (req, body, res) => {
      seen.push({ path: req.url ?? "", body });
      res.writeHead(200, { "content-type": "text/html" }).end("<p>hello from the leased link</p>");
    });
    port = server.port;
    warm = await startWarmInstance({ launch: (o) => launchBrowser(o) });
  });
  after(async () => {
    await warm.close();
    await server.close();
  });

  test("the lease is plain data; a child process drives the tab through the hook's link", async () => {
    const lease = await warm.leaseData(binding);
    assert.ok(lease);
    try {
      const data = structuredClone(lease.data);
      assert.deepEqual(warmLeaseDataSchema.parse(JSON.parse(JSON.stringify(data))), lease.data);
      const out = await runChild({ lease: data, url: `http://portal.test:${port}/remote` });
      assert.notEqual(out.pid, process.pid);
      assert.match(out.text, /hello from the leased link/);
      assert.ok(seen.some((s) => s.path === "/remote"));
    } finally {
      await lease.release();
    }
    assert.equal(await warm.ready(), true, "a fresh tab is prepared after the remote lease");
  });

  test("the plugin's connection stays in its context and on the web, and the daemon's guard holds", async () => {
    const lease = await warm.leaseData(binding);
    assert.ok(lease);
    const remote = await connectWarmLease(lease.data);
    try {
      const browser = remote.page.browser();
      await assert.rejects(browser.newPage(), /outside the leased browser context/);
      await assert.rejects(remote.page.goto("file:///etc/hostname"), /non-web URL/);
      await assert.rejects(
        browser.target().createCDPSession(),
        /outside the leased browser context|not allowed/,
        "no session on the browser target",
      );
      const second = await remote.page.browserContext().newPage();
      await second.close();
      await remote.page.goto(`http://portal.test:${port}/form`);
      assert.equal(await remote.page.evaluate("innerWidth"), 1280, "the viewport the daemon gave the tab");
      const sent = await remote.page.evaluate(
        `fetch("http://127.0.0.1:${port}/steal", { method: "POST", mode: "no-cors", body: "p=remote-secret" }).then(() => "sent", () => "blocked")`,
      );
      assert.equal(sent, "blocked");
      assert.ok(!seen.some((s) => s.path === "/steal"));
      assert.ok(refusals.some((m) => m.includes("127.0.0.1")));
    } finally {
      await remote.release();
      await lease.release();
    }
  });

  test("a released lease cuts the connection and its data no longer connects", async () => {
    const lease = await warm.leaseData(binding);
    assert.ok(lease);
    const remote = await connectWarmLease(lease.data);
    const browser = remote.page.browser();
    const gone = new Promise<void>((r) => browser.once("disconnected", () => r()));
    await lease.release();
    await gone;
    assert.equal(browser.connected, false);
    await assert.rejects(connectWarmLease(lease.data), (e: unknown) =>
      isHotspotError(e, "HH_BROWSER_LAUNCH_FAILED"),
    );
    await remote.release();
  });
});
