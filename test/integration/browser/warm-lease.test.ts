import assert from "node:assert/strict";
import type { LookupFunction } from "node:net";
import { after, before, describe, test } from "node:test";
import { createBrowserGuard } from "../../../src/browser/guard.ts";
import { launchBrowser } from "../../../src/browser/launch.ts";
import { createBrowserSession } from "../../../src/browser/session.ts";
import { startWarmInstance, type WarmInstance } from "../../../src/browser/warm-instance.ts";
import type { HotspotError } from "../../../src/errors.ts";
import { runPluginTest } from "../../../src/harness/index.ts";
import { chromiumCount, noChromium, type PortalStandIn, startPortalStandIn } from "./helpers.ts";

/**
 * One warm Chromium serving hook after hook: each lease gets a tab prepared ahead, in a
 * context of its own (nothing of the previous hook's cookies or storage), and the
 * long-lived proxy and the in-page guard follow the binding of the hook holding the lease.
 */

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** A link's DNS that knows one name (the system resolver knows neither). */
function linkKnowing(name: string): LookupFunction {
  return (hostname, options, callback) => {
    if (hostname === name) {
      if (options.all === true) callback(null, [{ address: "127.0.0.1", family: 4 }]);
      else callback(null, "127.0.0.1", 4);
    } else callback(Object.assign(new Error(`not on this link: ${hostname}`), { code: "ENOTFOUND" }), "", 0);
  };
}

interface Seen {
  readonly path: string;
  readonly from: string;
  readonly cookie: string;
  readonly body: string;
}

describe("warm leases", { skip: noChromium(), timeout: 120_000 }, () => {
  let server: PortalStandIn;
  let port = 0;
  const seen: Seen[] = [];
  let warm: WarmInstance;
  before(async () => {
    server = await startPortalStandIn("0.0.0.0", (req, body, res) => {
      const path = req.url ?? "";
      seen.push({ path, from: req.socket.remoteAddress ?? "", cookie: req.headers.cookie ?? "", body });
      const headers: Record<string, string> = { "content-type": "text/html" };
      if (path === "/set") headers["set-cookie"] = "portal_sid=first-hook; Path=/";
      res.writeHead(200, headers).end("<title>portal</title><p>portal page</p>");
    });
    port = server.port;
    warm = await startWarmInstance({ launch: (o) => launchBrowser(o) });
  });
  after(async () => {
    await warm.close();
    await server.close();
  });

  test("the next lease starts clean: no cookie, no storage of the previous hook, in the same Chromium", async () => {
    const binding = {
      guard: createBrowserGuard({}),
      onRefused: () => {},
      lookup: linkKnowing("portal.test"),
    };
    const first = await warm.lease(binding);
    assert.ok(first, "a prepared tab");
    await first.page.goto(`http://portal.test:${port}/set`);
    await first.page.evaluate(
      "localStorage.setItem('hook', 'first'); sessionStorage.setItem('hook', 'first')",
    );
    assert.match(String(await first.page.evaluate("document.cookie")), /portal_sid=first-hook/);
    const pid = warm.pid;
    await first.release();
    assert.equal(await warm.ready(), true, "a fresh tab is prepared after the release");
    assert.equal(first.page.isClosed(), true, "the first hook's tab went with its context");

    const second = await warm.lease(binding);
    assert.ok(second, "a new tab was prepared after the release");
    assert.notEqual(second.page, first.page);
    await second.page.goto(`http://portal.test:${port}/read`);
    const storage = await second.page.evaluate(
      "JSON.stringify([document.cookie, localStorage.getItem('hook'), sessionStorage.getItem('hook')])",
    );
    assert.equal(storage, JSON.stringify(["", null, null]));
    assert.equal(
      seen.find((s) => s.path === "/read")?.cookie,
      "",
      "the portal got no cookie of the first hook",
    );
    await second.release();
    assert.equal(warm.pid, pid);
    assert.ok(chromiumCount(warm.profileDir) > 0, "the same Chromium served both");
  });

  test("each lease's traffic leaves through its own link and is screened by its own guard", async () => {
    const refusals: { readonly one: string[]; readonly two: string[] } = { one: [], two: [] };
    const one = await warm.lease({
      localAddress: "127.0.0.1",
      lookup: linkKnowing("one.link.test"),
      guard: createBrowserGuard({
        credentials: { password: "alpha-secret" },
        portalHosts: [{ host: "one.link.test", allowHttp: true }],
        pluginId: "one",
      }),
      onRefused: (e: HotspotError) => refusals.one.push(e.message),
    });
    assert.ok(one);
    await one.page.goto(`http://one.link.test:${port}/one`);
    assert.equal(seen.find((s) => s.path === "/one")?.from, "127.0.0.1");
    await one.release();

    const two = await warm.lease({
      localAddress: "127.0.0.2",
      lookup: linkKnowing("two.link.test"),
      guard: createBrowserGuard({
        credentials: { password: "beta-secret" },
        portalHosts: [{ host: "two.link.test", allowHttp: true }],
        pluginId: "two",
      }),
      onRefused: (e: HotspotError) => refusals.two.push(e.message),
    });
    assert.ok(two);
    try {
      await two.page.goto(`http://two.link.test:${port}/two`);
      assert.equal(
        seen.find((s) => s.path === "/two")?.from,
        "127.0.0.2",
        "lease 2 leaves from its own address",
      );
      // The first link's name does not resolve on the second link: the proxy answers 502.
      const gone = await two.page.goto(`http://one.link.test:${port}/gone`);
      assert.equal(gone?.status(), 502);
      assert.equal(
        seen.some((s) => s.path === "/gone"),
        false,
      );
      await two.page.goto(`http://two.link.test:${port}/two-again`);
      // Its own secret to a host it did not declare (127.0.0.1): blocked by its guard, reported to it.
      const post = (body: string, path: string): Promise<unknown> =>
        two.page.evaluate(
          `fetch("http://127.0.0.1:${port}${path}", { method: "POST", mode: "no-cors", body: "${body}" }).then(() => "sent", () => "failed")`,
        );
      assert.equal(await post("p=beta-secret", "/steal"), "failed");
      // The first hook's secret is not the second plugin's to guard: it passes.
      assert.equal(await post("p=alpha-secret", "/other"), "sent");
    } finally {
      await two.release();
    }
    assert.ok(seen.some((s) => s.path === "/other" && s.body.includes("alpha-secret")));
    assert.equal(
      seen.filter((s) => s.body.includes("beta-secret")).length,
      0,
      "nothing carried lease 2's secret",
    );
    assert.equal(refusals.one.length, 0, "the first hook's guard saw none of the second's traffic");
    assert.ok(refusals.two.length >= 1);
    assert.ok(refusals.two.every((m) => !m.includes("beta-secret")));
  });

  test("a hook on a warm tab cannot exfiltrate the typed password", async () => {
    const report = await runPluginTest({
      pluginDir: new URL("../../../plugins/example-js-portal/", import.meta.url).pathname,
      scenario: "js-only:exfiltrate",
      pluginConfig: { portalHost: "127.0.0.1", allowHttp: true },
      browser: { acquire: (_signal, binding) => warm.lease(binding) },
    });
    assert.equal(report.ok, true, report.steps.map((s) => `${s.step}: ${s.detail}`).join("\n"));
    assert.ok(!report.log.some((e) => e.path.startsWith("/collect/")), "nothing reached the collector");
    assert.ok(report.pluginLog.some((e) => e.message.startsWith("browser: blocked a request")));
  });

  test("a session on a lease returns the tab when the hook ends, and the next hook gets a fresh one", async () => {
    let leased = 0;
    const session = createBrowserSession({
      pluginId: "t",
      credentials: undefined,
      portalHosts: [],
      lookup: linkKnowing("portal.test"),
      signal: new AbortController().signal,
      log: quiet,
      acquire: async (_signal, binding) => {
        const lease = await warm.lease(binding);
        if (lease) leased++;
        return lease;
      },
    });
    const page = await session.open();
    await page.open(`http://portal.test:${port}/session`);
    await session.close();
    assert.equal(leased, 1);
    assert.equal(await warm.ready(), true);
    assert.equal(page.page.isClosed(), true, "the hook's tab is gone with its context");
  });
});
