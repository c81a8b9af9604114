import assert from "node:assert/strict";
import net, { type LookupFunction } from "node:net";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { detectPortal } from "../../../src/auth/detect.ts";
import { type PluginTestReport, runPluginTest, withPortal } from "../../../src/harness/index.ts";

const plugin = (id: string) => fileURLToPath(new URL(`../../../plugins/${id}/`, import.meta.url));
const clickThrough = { ssids: ["Guest"] };

function stepsOf(report: PluginTestReport): Record<string, string> {
  return Object.fromEntries(report.steps.map((s) => [s.step, `${s.status} ${s.detail}`]));
}

function assertLoggedIn(report: PluginTestReport): void {
  const details = report.steps.map((s) => `${s.step}: ${s.status} ${s.detail}`).join("\n");
  assert.equal(report.steps.find((s) => s.step === "authenticate")?.status, "pass", details);
  assert.ok(report.criticalPath !== undefined, `the portal let the client through\n${details}`);
}

/** One request with lower-case header names, as the client sent them before, on a raw socket. */
function lowerCaseRequest(base: string, path: string): Promise<string> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname, () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nhost: ${url.host}\r\nuser-agent: CaptiveNetworkSupport/1.0 wispr\r\naccept: */*\r\nconnection: close\r\n\r\n`,
      );
    });
    let answer = "";
    socket.on("data", (d: Buffer) => {
      answer += d.toString("latin1");
    });
    socket.on("close", () => resolve(answer));
    // A reset is how the gateway drops the connection: still "no answer".
    socket.on("error", (e: NodeJS.ErrnoException) => (e.code === "ECONNRESET" ? resolve(answer) : reject(e)));
  });
}

describe("strict-headers: a gateway that compares header names byte for byte", () => {
  test("a request with lower-case header names gets no answer at all", async () => {
    await withPortal({ scenario: "strict-headers" }, async (portal) => {
      assert.equal(await lowerCaseRequest(portal.url, "/generate_204"), "");
      assert.equal(await lowerCaseRequest(portal.url, "/splash.html"), "");
    });
  });

  test("detection sees the portal and click-through logs in through the splash page", async () => {
    await withPortal({ scenario: "strict-headers" }, async (portal) => {
      const info = await detectPortal(portal.probeUrl);
      assert.deepEqual([info.verdict, info.shape], ["portal", "redirect"]);
      assert.match(info.loginUrl ?? "", /\/splash\.html\?redir=/);
    });
    const report = await runPluginTest({
      pluginDir: plugin("click-through"),
      scenario: "strict-headers",
      pluginConfig: clickThrough,
    });
    assertLoggedIn(report);
    assert.ok(report.log.some((e) => e.path === "/nodogsplash_auth/" && e.status === 302));
    assert.ok(
      report.log.every((e) => e.status !== 0),
      "no connection was dropped",
    );
  });
});

describe("status-511: Network Authentication Required", () => {
  test("the body's meta refresh names the login page and the Link header the API, which is queried", async () => {
    await withPortal({ scenario: "status-511" }, async (portal) => {
      assert.equal(portal.apiUrl, undefined, "DHCP announces no API");
      const info = await detectPortal(portal.probeUrl, { ...(portal.ca ? { ca: portal.ca } : {}) });
      assert.equal(info.verdict, "portal");
      assert.equal(info.shape, "status-511");
      assert.equal(info.status, 511);
      assert.equal(info.apiSource, "link-header");
      assert.match(info.apiUri ?? "", /^https:\/\/127\.0\.0\.1:\d+\/capport\/api$/);
      assert.equal(info.api?.captive, true);
      assert.match(info.loginUrl ?? "", /\/capport\/portal$/);
    });
  });

  test("capport logs in through the API the Link header named", async () => {
    const report = await runPluginTest({
      pluginDir: plugin("capport"),
      scenario: "status-511",
      pluginConfig: { anyOpenNetwork: true },
    });
    assertLoggedIn(report);
    assert.equal(report.portal.apiSource, "link-header");
    assert.ok(report.log.some((e) => e.path === "/capport/api" && e.tls));
  });

  test("with an empty body the API alone leads to the login page", async () => {
    const report = await runPluginTest({
      pluginDir: plugin("capport"),
      scenario: "status-511:no-body",
      pluginConfig: { anyOpenNetwork: true },
    });
    assertLoggedIn(report);
    assert.match(report.portal.loginUrl ?? "", /^https:.*\/capport\/portal$/);
  });

  test("without a Link header the body's page is the login page and click-through accepts it", async () => {
    const report = await runPluginTest({
      pluginDir: plugin("click-through"),
      scenario: "status-511:no-link",
      pluginConfig: clickThrough,
    });
    assertLoggedIn(report);
    assert.equal(report.portal.shape, "status-511");
    assert.equal(report.portal.apiUri, undefined);
  });
});

describe("meta-refresh: 200 intercepts that move you on", () => {
  for (const [spec, shape] of [
    ["meta-refresh", "meta-refresh"],
    ["meta-refresh:script", "script-redirect"],
  ] as const) {
    test(`${spec}: detection walks to the terms page with the session cookie, and click-through logs in`, async () => {
      await withPortal({ scenario: spec }, async (portal) => {
        const info = await detectPortal(portal.probeUrl);
        assert.deepEqual([info.verdict, info.shape, info.status], ["portal", shape, 200]);
        assert.equal(info.loginUrl, `${portal.url}/guest/terms`);
        assert.equal(info.loginChain?.length, 2);
        assert.deepEqual(
          info.cookies?.map((c) => c.name),
          ["hs_session"],
        );
        assert.equal(info.loginChainError, undefined);
      });
      const report = await runPluginTest({
        pluginDir: plugin("click-through"),
        scenario: spec,
        pluginConfig: clickThrough,
      });
      assertLoggedIn(report);
      assert.ok(
        report.log.some((e) => e.path === "/guest/accept" && e.status === 302),
        stepsOf(report).authenticate,
      );
    });
  }

  test("meta-refresh:loop: detection stops at the loop and names the step; no plugin reports success", async () => {
    await withPortal({ scenario: "meta-refresh:loop" }, async (portal) => {
      const info = await detectPortal(portal.probeUrl);
      assert.equal(info.verdict, "portal");
      assert.match(
        info.loginChainError ?? "",
        /^HH_PORTAL_CHAIN_STOPPED: .* stopped at step 3 \(\S+\/guest\/wait\): a loop/,
      );
      assert.ok(portal.log.length <= 4, `bounded: ${portal.log.length} requests`);
    });
    const report = await runPluginTest({
      pluginDir: plugin("click-through"),
      scenario: "meta-refresh:loop",
      pluginConfig: clickThrough,
    });
    assert.notEqual(report.steps.find((s) => s.step === "authenticate")?.status, "pass");
    assert.equal(report.criticalPath, undefined, "never let through");
  });
});

describe("redirect-chain: a 30x chain through two hosts", () => {
  test("click-through follows it, keeps both hosts' cookies, and the gateway lets the client through", async () => {
    const report = await runPluginTest({
      pluginDir: plugin("click-through"),
      scenario: "redirect-chain",
      pluginConfig: clickThrough,
    });
    assertLoggedIn(report);
    assert.equal(report.portal.shape, "redirect");
    const hosts = new Set(report.log.map((e) => e.host.split(":")[0]));
    assert.ok(hosts.has("127.0.0.1") && hosts.has("localhost"), [...hosts].join(","));
    assert.ok(report.log.some((e) => e.path === "/cp/authorize" && e.status === 200));
  });
});

describe("tls-intercept: the HTTPS probe's certificate fails, the HTTP probe decides", () => {
  test("a name the gateway's certificate cannot hold is a portal sign with the reason; click-through logs in over HTTP", async () => {
    await withPortal({ scenario: "tls-intercept" }, async (portal) => {
      const port = new URL(portal.httpsUrl ?? "").port;
      // DNS on a captive network answers every name with the gateway, as dnsmasq does here in namespace mode.
      const lookup: LookupFunction = (_host, _opts, cb) => cb(null, [{ address: "127.0.0.1", family: 4 }]);
      const info = await detectPortal(portal.probeUrl, {
        httpsProbeUrl: `https://www.google.com:${port}/generate_204`,
        lookup,
        ...(portal.ca ? { ca: portal.ca } : {}),
      });
      assert.deepEqual([info.verdict, info.shape, info.decidedBy], ["portal", "redirect", "probe"]);
      assert.equal(info.httpsProbe?.verdict, "portal");
      assert.match(
        info.httpsProbe?.reason ?? "",
        /^certificate did not verify: .*ERR_TLS_CERT_ALTNAME_INVALID/,
      );
    });
    const report = await runPluginTest({
      pluginDir: plugin("click-through"),
      scenario: "tls-intercept",
      pluginConfig: clickThrough,
    });
    assertLoggedIn(report);
  });
});
