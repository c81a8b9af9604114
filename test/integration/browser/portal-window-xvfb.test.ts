import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { openPortalWindow } from "../../../src/browser/portal-window.ts";
import { chromiumCount, noChromium } from "./helpers.ts";

/**
 * `hotspot portal` as a person sees it: a real, visible Chromium window on an X server
 * (Xvfb, a virtual one: Debian's `xvfb`, installed by scripts/ensure-system-deps.sh as
 * root). The window is the full browser, not the headless shell, and it shows the portal
 * page through the link proxy.
 */

const xvfbMissing =
  spawnSync("Xvfb", ["-help"], { stdio: "ignore" }).error === undefined
    ? false
    : "Xvfb is not installed (apt install xvfb)";

/** Starts Xvfb on a free display; resolves with ":N" once it accepts clients (-displayfd). */
function startXvfb(): Promise<{ display: string; proc: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const proc = spawn("Xvfb", ["-displayfd", "3", "-screen", "0", "1280x1024x24", "-nolisten", "tcp"], {
      stdio: ["ignore", "ignore", "ignore", "pipe"],
    });
    let text = "";
    proc.stdio[3]?.on("data", (c: Buffer) => {
      text += c.toString();
      if (text.includes("\n")) resolve({ display: `:${text.trim()}`, proc });
    });
    proc.once("error", reject);
    proc.once("exit", (code) => reject(new Error(`Xvfb exited with ${code}`)));
  });
}

describe("the portal window on a display (a headful Chromium start: several seconds)", {
  skip: noChromium() || xvfbMissing,
  timeout: 60_000,
}, () => {
  let x: { display: string; proc: ChildProcess } | undefined;
  let web: Server;
  before(async () => {
    x = await startXvfb();
    web = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" }).end("<title>Pay to surf</title><h1>Pay here</h1>");
    });
    await new Promise<void>((resolve) => web.listen(0, "127.0.0.1", resolve));
  });
  after(async () => {
    await new Promise((resolve) => web.close(resolve));
    if (x && x.proc.exitCode === null) {
      const gone = new Promise((r) => x?.proc.once("exit", r));
      x.proc.kill();
      await gone;
    }
  });

  test("opens a visible window of the full browser showing the portal page, and closes without leftovers", async () => {
    const port = (web.address() as AddressInfo).port;
    const window = await openPortalWindow({
      url: `http://127.0.0.1:${port}/pay`,
      env: { DISPLAY: x?.display ?? "" },
    });
    try {
      assert.equal(await window.page.title(), "Pay to surf");
      const agent = String(await window.page.evaluate("navigator.userAgent"));
      assert.doesNotMatch(agent, /Headless/, "a window a person can see");
      assert.doesNotMatch(window.browser.browser.process()?.spawnfile ?? "", /headless-shell/);
      assert.equal(await window.page.evaluate("document.visibilityState"), "visible");
    } finally {
      await window.close();
    }
    await window.closed;
    assert.equal(chromiumCount(window.browser.profileDir), 0);
  });
});
