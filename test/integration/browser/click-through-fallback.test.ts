import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { type PluginTestReport, runPluginTest } from "../../../src/harness/index.ts";
import { noChromium } from "./helpers.ts";

const plugin = fileURLToPath(new URL("../../../plugins/click-through/", import.meta.url));
const step = (r: PluginTestReport, name: string) => r.steps.find((s) => s.step === name);
const details = (r: PluginTestReport) => r.steps.map((s) => `${s.step}: ${s.status} ${s.detail}`).join("\n");

describe("click-through falls back to the browser on script-built pages", { skip: noChromium() }, () => {
  test("click-through:script-built: nothing for plain HTTP, online through the browser, verified by a probe", async () => {
    const r = await runPluginTest({
      pluginDir: plugin,
      scenario: "click-through:script-built",
      pluginConfig: { anyOpenNetwork: true },
    });
    assert.equal(r.ok, true, details(r));
    assert.match(step(r, "authenticate")?.detail ?? "", /^success; probe after: online/);
    assert.ok(r.pluginLog.some((e) => e.message.includes("walking it in headless Chromium")));
    // The accept went out from the page's own script (fetch with the derived token), ticked box included.
    const accept = r.log.find((e) => e.method === "POST" && e.path === "/guest/api/authorize");
    assert.equal(accept?.status, 200);
    // Plain HTTP made no POST: only the browser could.
    assert.ok(!r.pluginHttp.some((e) => e.method === "POST"));
  });

  test("a script-built page asking for a password is left to a person (uiRequired), never submitted", async () => {
    const r = await runPluginTest({
      pluginDir: plugin,
      scenario: "js-only",
      pluginConfig: { anyOpenNetwork: true },
    });
    const auth = step(r, "authenticate");
    assert.match(auth?.detail ?? "", /^uiRequired/, details(r));
    assert.match(auth?.detail ?? "", /HH_TERMS_PERSONAL_DATA.*password/);
    assert.ok(!r.log.some((e) => e.method === "POST"), "nothing was posted");
  });

  test("when the browser cannot start, the plain-HTTP answer stands", async () => {
    const r = await runPluginTest({
      pluginDir: plugin,
      scenario: "click-through:script-built",
      pluginConfig: { anyOpenNetwork: true },
      browser: { executablePath: "/nonexistent/chromium" },
    });
    const auth = step(r, "authenticate");
    assert.match(auth?.detail ?? "", /unsupportedNetwork.*HH_TERMS_NO_ACTION/, details(r));
    assert.ok(!r.log.some((e) => e.path === "/guest/api/authorize"));
  });

  test("in a plugin process granted only the browsers plugins declare, click-through (it declares needsBrowser) still walks the page in Chromium", async () => {
    const r = await runPluginTest({
      pluginDir: plugin,
      scenario: "click-through:script-built",
      pluginConfig: { anyOpenNetwork: true },
      browser: { declaredOnly: true },
    });
    const auth = step(r, "authenticate");
    assert.match(auth?.detail ?? "", /^success/, details(r));
    const accept = r.log.find((e) => e.method === "POST" && e.path === "/guest/api/authorize");
    assert.equal(accept?.status, 200);
  });
});
