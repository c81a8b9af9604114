import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { type PluginTestReport, runPluginTest } from "../../../src/harness/index.ts";

const plugin = (id: string) => fileURLToPath(new URL(`../../../plugins/${id}/`, import.meta.url));
const local = [{ host: "127.0.0.1", allowHttp: true }];

function assertSteps(report: PluginTestReport, expected: Record<string, "pass" | "skip">): void {
  const got = Object.fromEntries(report.steps.map((s) => [s.step, s.status]));
  const details = report.steps.map((s) => `${s.step}: ${s.status} ${s.detail}`).join("\n");
  assert.deepEqual(got, expected, details);
  assert.equal(report.ok, true, details);
}

const fullRun = {
  claim: "pass",
  evaluate: "pass",
  authenticate: "pass",
  maintain: "pass",
  logoff: "pass",
  credentials: "pass",
} as const;

describe("generic plugins under `hotspot plugin test`", () => {
  for (const scenario of ["wispr", "wispr2", "wispr:proxy", "wispr:pending"]) {
    test(`wispr logs in, maintains and logs off against ${scenario}`, async () => {
      const report = await runPluginTest({
        pluginDir: plugin("wispr"),
        scenario,
        pluginConfig: { anyOpenNetwork: true, hosts: local },
      });
      assertSteps(report, fullRun);
      const posts = report.pluginHttp.filter((e) => e.method === "POST");
      assert.equal(posts.length, 1, "one login POST");
      if (scenario === "wispr:pending")
        assert.ok(report.pluginHttp.some((e) => e.url.includes("/wispr/results")));
      if (scenario === "wispr:proxy") assert.ok(report.pluginHttp.some((e) => e.url.includes("/wispr/next")));
    });
  }

  test("wispr declines a gateway whose location has no account, and sends nothing", async () => {
    const report = await runPluginTest({
      pluginDir: plugin("wispr"),
      scenario: "wispr",
      pluginConfig: { anyOpenNetwork: true, hosts: local },
      credentials: { accounts: [{ username: "u", password: "p", location: "SomewhereElse" }] },
    });
    const evaluate = report.steps.find((s) => s.step === "evaluate");
    assert.equal(evaluate?.status, "fail");
    assert.match(evaluate?.detail ?? "", /^none/);
    assert.equal(report.pluginHttp.filter((e) => e.method === "POST").length, 0);
  });

  test("wispr with its hosts undeclared is refused by the credential guard before anything is sent", async () => {
    const report = await runPluginTest({
      pluginDir: plugin("wispr"),
      scenario: "wispr",
      pluginConfig: { anyOpenNetwork: true, hosts: [{ host: "wispr.example.net" }] },
    });
    const auth = report.steps.find((s) => s.step === "authenticate");
    assert.equal(auth?.status, "fail");
    assert.ok(report.pluginHttp.some((e) => e.error === "HH_CREDENTIAL_HOST_REFUSED"));
    assert.equal(report.log.filter((e) => e.method === "POST").length, 0);
  });

  for (const scenario of ["capport", "expiring"]) {
    test(`capport accepts the terms page of ${scenario} and keeps the session`, async () => {
      const report = await runPluginTest({
        pluginDir: plugin("capport"),
        scenario,
        pluginConfig: { anyOpenNetwork: true },
      });
      assertSteps(report, { ...fullRun, logoff: "skip" });
    });
  }

  test("under plugin test capport sees the RFC 8908 API as under the daemon, and logs in on its HTTPS portal", async () => {
    const report = await runPluginTest({
      pluginDir: plugin("capport"),
      scenario: "capport",
      pluginConfig: { anyOpenNetwork: true },
    });
    assertSteps(report, { ...fullRun, logoff: "skip" });
    assert.equal(report.portal.decidedBy, "api");
    assert.equal(report.portal.api?.captive, true);
    assert.match(report.portal.loginUrl ?? "", /^https:\/\/127\.0\.0\.1:\d+\/capport\/portal$/);
    assert.match(report.steps.find((s) => s.step === "evaluate")?.detail ?? "", /RFC 8908 API: captive\)$/);
    assert.ok(report.log.some((e) => e.path === "/capport/api" && e.tls && !e.authorized));
    const pluginUrls = report.pluginHttp.map((e) => `${e.method} ${e.url}`);
    assert.ok(pluginUrls.length > 0);
    for (const url of pluginUrls) assert.match(url, /^(GET|POST) https:/);
  });

  test("under plugin test an API that answers garbage is reported, and the probe decides", async () => {
    const report = await runPluginTest({
      pluginDir: plugin("capport"),
      scenario: "hostile:bad-api-json",
      pluginConfig: { anyOpenNetwork: true },
    });
    assert.equal(report.portal.decidedBy, "probe");
    assert.ok(report.portal.apiError);
    assert.match(report.steps.find((s) => s.step === "evaluate")?.detail ?? "", /RFC 8908 API unusable/);
  });

  test("capport stays out of networks that announce no API", async () => {
    const report = await runPluginTest({
      pluginDir: plugin("capport"),
      scenario: "click-through",
      pluginConfig: { anyOpenNetwork: true },
    });
    assert.match(report.steps.find((s) => s.step === "evaluate")?.detail ?? "", /^none/);
  });

  test("uam-chap logs in with a CHAP response (the password never sent) and logs off", async () => {
    const report = await runPluginTest({
      pluginDir: plugin("uam-chap"),
      scenario: "uam-chap",
      pluginConfig: { anyOpenNetwork: true, hosts: local },
    });
    assertSteps(report, { ...fullRun, maintain: "pass" });
    assert.ok(report.pluginHttp.some((e) => /\/logon\?username=\*\*\*&response=[0-9a-f]{32}/.test(e.url)));
  });

  test("uam-chap keys the challenge with the operator's UAM secret", async () => {
    const report = await runPluginTest({
      pluginDir: plugin("uam-chap"),
      scenario: "uam-chap:uamsecret",
      pluginConfig: { anyOpenNetwork: true, hosts: local, uamSecret: "testing123" },
    });
    assertSteps(report, fullRun);
  });
});
