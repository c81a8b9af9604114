import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { checkCommand } from "../../../src/browser/cdp-policy.ts";

/** What a plugin's DevTools connection to the daemon's warm Chromium may send (the relay enforces it). */

const ctx = "CONTEXT-1";
const ok = (method: string, params: unknown, where: "browser" | "page") =>
  checkCommand(method, params, where, ctx).ok;

describe("cdp policy", () => {
  test("the browser session may discover and attach, and open tabs only in the leased context", () => {
    assert.equal(ok("Target.setAutoAttach", { autoAttach: true, flatten: true }, "browser"), true);
    assert.equal(ok("Target.getBrowserContexts", {}, "browser"), true);
    assert.equal(ok("Target.createTarget", { url: "about:blank", browserContextId: ctx }, "browser"), true);
    assert.equal(ok("Target.createTarget", { url: "about:blank" }, "browser"), false, "the default context");
    assert.equal(
      ok("Target.createTarget", { url: "about:blank", browserContextId: "OTHER" }, "browser"),
      false,
    );
  });

  test("the browser session may not manage contexts, downloads or the browser", () => {
    for (const method of [
      "Target.createBrowserContext",
      "Target.disposeBrowserContext",
      "Browser.setDownloadBehavior",
      "Browser.close",
      "Browser.grantPermissions",
      "Storage.getCookies",
      "Target.exposeDevToolsProtocol",
    ])
      assert.equal(ok(method, {}, "browser"), false, method);
  });

  test("no session navigates or opens a tab to anything but the web", () => {
    assert.equal(ok("Page.navigate", { url: "https://portal.example/login" }, "page"), true);
    assert.equal(ok("Page.navigate", { url: "http://10.0.0.1/" }, "page"), true);
    assert.equal(ok("Page.navigate", { url: "data:text/html,<p>x</p>" }, "page"), true);
    for (const url of [
      "file:///etc/shadow",
      "FILE:///root",
      "chrome://settings",
      "view-source:file:///etc/passwd",
      "",
    ])
      assert.equal(ok("Page.navigate", { url }, "page"), false, url);
    assert.equal(
      ok("Target.createTarget", { url: "file:///etc/shadow", browserContextId: ctx }, "browser"),
      false,
    );
  });

  test("a page session may script its page but not hand it local files or set downloads", () => {
    assert.equal(ok("Runtime.evaluate", { expression: "1" }, "page"), true);
    assert.equal(ok("Input.dispatchMouseEvent", { type: "mousePressed", x: 1, y: 1 }, "page"), true);
    assert.equal(ok("Fetch.enable", {}, "page"), true);
    assert.equal(ok("DOM.setFileInputFiles", { files: ["/etc/shadow"] }, "page"), false);
    assert.equal(ok("Page.setDownloadBehavior", { behavior: "allow", downloadPath: "/etc" }, "page"), false);
    assert.equal(ok("Network.loadNetworkResource", { url: "https://x.example/" }, "page"), false);
  });
});
