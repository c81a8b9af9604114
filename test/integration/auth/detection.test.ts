import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { CAPPORT_UNRESTRICTED } from "../../../src/auth/capport.ts";
import { detectPortal } from "../../../src/auth/detect.ts";
import { createHttpClient } from "../../../src/auth/http-client.ts";
import { verifyOnline } from "../../../src/auth/verify.ts";
import { runPluginTest, withPortal } from "../../../src/harness/index.ts";

const plugin = (id: string) => fileURLToPath(new URL(`../../../plugins/${id}/`, import.meta.url));
const local = [{ host: "127.0.0.1", allowHttp: true }];

describe("detection against the harness", () => {
  test("WISPr: the Redirect is read from the intercepted page, with no extra request", () =>
    withPortal({ scenario: "wispr2" }, async (portal) => {
      const info = await detectPortal(portal.probeUrl);
      assert.equal(info.verdict, "portal");
      assert.equal(info.wispr?.messageType, 100);
      assert.equal(info.wispr?.versionHigh, "2.0");
      assert.ok(info.wispr?.loginUrl?.startsWith(portal.url));
      assert.equal(portal.log.length, 1);
    }));

  test("RFC 8908: the API (HTTPS, trusted certificate) decides, in parallel with the probe; after login it reports expiry and quota", () =>
    withPortal({ scenario: "capport" }, async (portal) => {
      assert.ok(portal.apiUrl?.startsWith("https:"));
      const opts = { apiUri: portal.apiUrl ?? "", ...(portal.ca === undefined ? {} : { ca: portal.ca }) };
      const held = await detectPortal(portal.probeUrl, opts);
      assert.deepEqual([held.verdict, held.decidedBy, held.api?.captive], ["portal", "api", true]);
      assert.equal(held.loginUrl, held.api?.userPortalUrl);
      const accept = await createHttpClient().post(
        `${portal.url}/capport/portal/accept`,
        new URLSearchParams({ terms: "accepted" }),
      );
      assert.equal(accept.status, 303);
      const verified = await verifyOnline(portal.probeUrl, { ...opts, attempts: 1 });
      assert.equal(verified.online, true);
      assert.equal(verified.portal.api?.captive, false);
      assert.ok((verified.portal.api?.secondsRemaining ?? 0) > 0);
      assert.ok((verified.portal.api?.bytesRemaining ?? 0) > 0);
    }));

  test("RFC 8908: an API whose certificate is not trusted is not used; the probe decides and the reason is kept", () =>
    withPortal({ scenario: "capport" }, async (portal) => {
      const info = await detectPortal(portal.probeUrl, { apiUri: portal.apiUrl ?? "" });
      assert.deepEqual([info.verdict, info.decidedBy], ["portal", "probe"]);
      assert.match(info.apiError ?? "", /HH_|certificate|self-signed/i);
    }));

  test("RFC 8908: a plain-HTTP API URI is refused unless the network is a test network", () =>
    withPortal({ scenario: "capport" }, async (portal) => {
      const httpApi = `${portal.url}${portal.scenario.apiPath ?? ""}`;
      const refused = await detectPortal(portal.probeUrl, { apiUri: httpApi });
      assert.match(refused.apiError ?? "", /HTTPS/);
      const test = await detectPortal(portal.probeUrl, { apiUri: httpApi, allowHttpApi: true });
      assert.equal(test.decidedBy, "api");
    }));

  test("urn:ietf:params:capport:unrestricted skips detection: nothing is probed", () =>
    withPortal({ scenario: "form-login" }, async (portal) => {
      const info = await detectPortal(portal.probeUrl, { apiUri: CAPPORT_UNRESTRICTED });
      assert.deepEqual([info.verdict, info.decidedBy], ["online", "dhcp"]);
      assert.equal(portal.log.length, 0);
    }));

  test("not-captive and broken-proxy networks are told apart from portals", async () => {
    await withPortal({ scenario: "not-captive" }, async (portal) => {
      assert.equal((await detectPortal(portal.probeUrl)).verdict, "online");
    });
    await withPortal({ scenario: "broken-proxy" }, async (portal) => {
      const info = await detectPortal(portal.probeUrl);
      assert.deepEqual([info.verdict, info.reason], ["unreachable", "broken proxy"]);
    });
  });
});

describe("hostile and flaky portals end bounded, with coded errors", () => {
  test("xml-bomb: the WISPr XML is refused (no expansion) and the wispr plugin declines", () =>
    withPortal({ scenario: "hostile:xml-bomb" }, async (portal) => {
      const before = process.memoryUsage().heapUsed;
      const info = await detectPortal(portal.probeUrl);
      assert.equal(info.wispr, undefined);
      assert.match(info.wisprError ?? "", /invalid WISPr message.*document type/);
      assert.ok(process.memoryUsage().heapUsed - before < 50 * 1024 * 1024);
    }));

  test("bad-api-json: the malformed API answer is a coded reason and the probe decides", () =>
    withPortal({ scenario: "hostile:bad-api-json" }, async (portal) => {
      const opts = { apiUri: portal.apiUrl ?? "", ...(portal.ca === undefined ? {} : { ca: portal.ca }) };
      const info = await detectPortal(portal.probeUrl, opts);
      assert.equal(info.decidedBy, "probe");
      assert.match(info.apiError ?? "", /captive portal API .* answered badly/);
    }));

  for (const [scenario, id, config] of [
    ["hostile", "capport", { anyOpenNetwork: true }],
    ["hostile:huge-body", "capport", { anyOpenNetwork: true }],
    ["hostile:xml-bomb", "wispr", { anyOpenNetwork: true, hosts: local }],
    ["hostile", "wispr", { anyOpenNetwork: true, hosts: local }],
  ] as const) {
    test(`${scenario}: ${id} ends in bounded time without a crash and sends no credential`, async () => {
      const started = performance.now();
      const report = await runPluginTest({
        pluginDir: plugin(id),
        scenario,
        pluginConfig: config,
        hookTimeoutMs: 10_000,
      });
      assert.ok(performance.now() - started < 15_000);
      assert.equal(report.steps.find((s) => s.step === "credentials")?.status, "pass");
      assert.equal(report.ok, false);
    });
  }

  test("hostile huge body: the capport plugin's page load fails with HH_HTTP_BODY_TOO_LARGE", async () => {
    const report = await runPluginTest({
      pluginDir: plugin("capport"),
      scenario: "hostile:huge-body",
      pluginConfig: { anyOpenNetwork: true },
    });
    assert.ok(
      report.pluginHttp.some((e) => e.error === "HH_HTTP_BODY_TOO_LARGE") ||
        report.steps.some((s) => /none/.test(s.detail)),
    );
  });

  test("evil twin: the operator plugin sends it nothing", async () => {
    const report = await runPluginTest({
      pluginDir: plugin("example-cafe"),
      scenario: "hostile:evil-twin",
      pluginConfig: { portalHost: "127.0.0.1", allowHttp: true },
    });
    const creds = report.steps.find((s) => s.step === "credentials");
    assert.deepEqual([creds?.status, creds?.detail], ["pass", "no credentials reached the portal"]);
  });

  test("flaky: the form-login plugin gets through 503s and dropped connections with coded transport errors", async () => {
    const report = await runPluginTest({
      pluginDir: plugin("example-cafe"),
      scenario: "flaky",
      pluginConfig: { portalHost: "127.0.0.1", allowHttp: true },
      hookTimeoutMs: 10_000,
    });
    const codes = report.pluginHttp
      .filter((e) => e.error !== undefined)
      .map((e) => (e.error ?? "").slice(0, 14));
    assert.ok(codes.every((c) => c.startsWith("HH_")));
    assert.equal(report.steps.find((s) => s.step === "credentials")?.status, "pass");
  });
});
