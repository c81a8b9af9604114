import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { launchBrowser } from "../../../src/browser/launch.ts";
import { runPluginTest, startPortal } from "../../../src/harness/index.ts";
import { noChromium } from "./helpers.ts";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const jsPortal = `${root}plugins/example-js-portal/`;
const cafe = `${root}plugins/example-cafe/`;
const pluginConfig = { portalHost: "127.0.0.1", allowHttp: true };
const stepOf = (r: { steps: readonly { step: string; status: string; detail: string }[] }, step: string) =>
  r.steps.find((s) => s.step === step);

describe("the bundled js-only plugin, headless on loopback", { skip: noChromium() }, () => {
  test("`hotspot plugin test` passes it against js-only", async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [`${root}bin/hotspot.js`, "plugin", "test", jsPortal, "--scenario", "js-only"],
      { timeout: 90_000 },
    );
    assert.match(stdout, /PASS {2}authenticate {2}success; probe after: online/);
    assert.match(stdout, /POST 200 {2}http:\/\/127\.0\.0\.1:\d+\/app\/api\/session/);
    assert.match(stdout, /result: PASS/);
  });

  test("a wrong password is a failure and the portal keeps the client out", async () => {
    const report = await runPluginTest({
      pluginDir: jsPortal,
      scenario: "js-only",
      pluginConfig,
      credentials: { username: "someone", password: "not-the-password" },
    });
    assert.equal(stepOf(report, "authenticate")?.status, "fail");
    assert.match(stepOf(report, "authenticate")?.detail ?? "", /rejected the credentials/);
    assert.ok(!report.log.some((e) => e.path === "/app/welcome" && e.status === 200));
  });

  test("a page script copying the typed password to another host is blocked on every route", async () => {
    const report = await runPluginTest({ pluginDir: jsPortal, scenario: "js-only:exfiltrate", pluginConfig });
    assert.equal(report.ok, true, report.steps.map((s) => `${s.step}: ${s.detail}`).join("\n"));
    assert.ok(!report.log.some((e) => e.path.startsWith("/collect/")), "nothing reached the collector");
    const blocked = report.pluginLog.filter((e) => e.message.startsWith("browser: blocked a request"));
    for (const route of ["fetch", "xhr", "pixel.gif", "beacon", "form"])
      assert.ok(
        blocked.some((e) => e.message.includes(`localhost:`) && e.message.includes(`/collect/${route}`)),
        `${route} blocked`,
      );
    assert.equal(stepOf(report, "credentials")?.status, "pass");
  });

  test("control: without our guard the same page does reach the collector", { timeout: 60_000 }, async () => {
    let collected: () => void = () => {};
    const arrived = new Promise<void>((r) => {
      collected = r;
    });
    const portal = await startPortal({
      scenario: "js-only:exfiltrate",
      onRequest: (e) => {
        if (e.host.startsWith("localhost") && e.path.startsWith("/collect/")) collected();
      },
    });
    const browser = await launchBrowser();
    try {
      const page = await browser.browser.newPage();
      await page.goto(`${portal.url}/app/login`);
      await page.locator("input[autocomplete=username]").fill(portal.credentials.username);
      await page.locator("input[type=password]").fill(portal.credentials.password);
      await page.locator("button").click();
      await arrived;
      const stolen = portal.receivedCredentials.filter((r) => r.host.startsWith("localhost"));
      assert.ok(stolen.length > 0, "the attack works when nothing guards the browser");
    } finally {
      await browser.close();
      await portal.close();
    }
  });
});

describe("no Chromium installed", () => {
  test("a plugin that needs the browser fails with the install hint", async () => {
    const report = await runPluginTest({
      pluginDir: jsPortal,
      scenario: "js-only",
      pluginConfig,
      browser: { executablePath: "/nonexistent/chromium" },
    });
    const auth = stepOf(report, "authenticate");
    assert.equal(auth?.status, "fail");
    assert.match(auth?.detail ?? "", /apt install chromium-headless-shell`.*apt install chromium`/);
  });

  test("a plugin that needs no browser is unaffected", async () => {
    const report = await runPluginTest({
      pluginDir: cafe,
      scenario: "form-login:direct",
      pluginConfig,
      browser: { executablePath: "/nonexistent/chromium" },
    });
    assert.equal(report.ok, true, report.steps.map((s) => `${s.step}: ${s.detail}`).join("\n"));
  });
});
