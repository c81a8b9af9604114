import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { type PluginTestReport, runPluginTest } from "../../../src/harness/index.ts";

const pluginDir = fileURLToPath(new URL("../../../plugins/example-cafe/", import.meta.url));
const pluginConfig = { portalHost: "127.0.0.1", allowHttp: true };

const stepOf = (report: PluginTestReport, step: string) => report.steps.find((s) => s.step === step);
const loginRequests = (report: PluginTestReport) =>
  report.pluginHttp
    .filter((e) => !e.url.endsWith("/logoff"))
    .map((e) => `${e.method} ${new URL(e.url).pathname}`);

describe("example-cafe judges the login answer instead of fetching the page behind it", () => {
  test("against the single-page form it posts once and does not fetch the welcome page", async () => {
    const report = await runPluginTest({ pluginDir, scenario: "form-login:direct", pluginConfig });
    assert.equal(report.ok, true, report.steps.map((s) => `${s.step}: ${s.detail}`).join("\n"));
    assert.deepEqual(loginRequests(report), ["GET /login", "POST /login"]);
    assert.ok(!report.log.some((e) => e.path === "/welcome"));
  });

  test("the login page and the POST share one kept connection; probes get their own", async () => {
    const report = await runPluginTest({ pluginDir, scenario: "form-login:direct", pluginConfig });
    const connection = (method: string, path: string) =>
      report.log.find((e) => e.method === method && e.path === path)?.connectionId;
    assert.equal(connection("GET", "/login"), connection("POST", "/login"));
    const probes = report.log.filter((e) => e.path === "/generate_204").map((e) => e.connectionId);
    assert.ok(probes.length >= 2);
    assert.equal(new Set([...probes, connection("GET", "/login")]).size, probes.length + 1);
  });

  test("against the two-page flow it follows the ticket redirect inside the login, but not the welcome page", async () => {
    const report = await runPluginTest({ pluginDir, scenario: "form-login", pluginConfig });
    assert.equal(stepOf(report, "authenticate")?.status, "pass", stepOf(report, "authenticate")?.detail);
    assert.deepEqual(loginRequests(report), [
      "GET /login",
      "GET /portal/",
      "GET /login",
      "POST /login",
      "GET /login/authorize",
    ]);
    assert.ok(!report.log.some((e) => e.path === "/welcome"));
  });

  for (const scenario of ["form-login", "form-login:direct"]) {
    test(`a wrong password against ${scenario} is a failure, and the portal keeps the client out`, async () => {
      const report = await runPluginTest({
        pluginDir,
        scenario,
        pluginConfig,
        credentials: { username: "someone", password: "not-the-password" },
      });
      const auth = stepOf(report, "authenticate");
      assert.equal(auth?.status, "fail");
      assert.match(auth?.detail ?? "", /rejected the credentials/);
      assert.ok(!report.log.some((e) => e.path === "/login/authorize" || e.path === "/welcome"));
    });
  }
});
