import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { createBrowserSession } from "../../../src/browser/session.ts";
import { isHotspotError } from "../../../src/errors.ts";
import { runPluginTest } from "../../../src/harness/index.ts";
import type { PluginLogger } from "../../../src/helper-api/context.ts";
import { chromiumCount, noChromium } from "./helpers.ts";

const fixtures = fileURLToPath(new URL("../../fixtures/browser-plugins/", import.meta.url));
const quiet: PluginLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** Resolves with the profile folder once a session reports it is closed. */
function closedSignal(): {
  onClosed: (i: { profileDir?: string | undefined }) => void;
  closed: Promise<string>;
} {
  let done: (dir: string) => void = () => {};
  const closed = new Promise<string>((r) => {
    done = r;
  });
  return { onClosed: (i) => done(i.profileDir ?? ""), closed };
}

describe("the hook's browser is always closed, without leftover processes", {
  skip: noChromium(),
  timeout: 120_000,
}, () => {
  let server: Server;
  let hangUrl = "";
  let arrived: () => void = () => {};
  let profileRoot = "";
  before(async () => {
    profileRoot = await mkdtemp(join(tmpdir(), "hh-browser-cleanup-"));
    // A server that takes the request and never answers: a navigation stuck mid-way.
    server = createServer(() => arrived());
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const a = server.address();
    hangUrl = `http://127.0.0.1:${typeof a === "object" && a !== null ? a.port : 0}/slow`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await rm(profileRoot, { recursive: true, force: true });
  });

  test("leaving the network mid-navigation closes Chromium at once", async () => {
    const controller = new AbortController();
    const watch = closedSignal();
    const session = createBrowserSession({
      pluginId: "t",
      credentials: undefined,
      portalHosts: [],
      signal: controller.signal,
      log: quiet,
      profileRoot,
      onClosed: watch.onClosed,
    });
    const page = await session.open();
    const requested = new Promise<void>((r) => {
      arrived = r;
    });
    const navigation = page.open(hangUrl);
    await requested;
    assert.ok(chromiumCount(profileRoot) > 0, "Chromium is running mid-navigation");
    controller.abort();
    await assert.rejects(navigation, (e: unknown) => isHotspotError(e, "HH_BROWSER_CLOSED"));
    const profileDir = await watch.closed;
    assert.equal(chromiumCount(profileRoot), 0);
    assert.equal(existsSync(profileDir), false, "the profile is removed");
    await assert.rejects(session.open(), (e: unknown) => isHotspotError(e, "HH_BROWSER_CLOSED"));
  });

  test("a hook that times out mid-navigation leaves no Chromium behind (waits for a 10 s hook deadline)", async () => {
    const watch = closedSignal();
    const requested = new Promise<void>((r) => {
      arrived = r;
    });
    const report = await runPluginTest({
      pluginDir: join(fixtures, "hangs"),
      scenario: "form-login:direct",
      pluginConfig: { url: hangUrl },
      hookTimeoutMs: 10_000,
      browser: { profileRoot, onClosed: watch.onClosed },
    });
    await requested; // the navigation had started when the deadline hit
    const auth = report.steps.find((s) => s.step === "authenticate");
    assert.equal(auth?.status, "fail");
    assert.match(auth?.detail ?? "", /timed out|deadline|10000/i);
    await watch.closed;
    assert.equal(chromiumCount(profileRoot), 0);
  });

  test("a failed step saves a screenshot and the page, with the account masked, and names the folder", async () => {
    const artifactsRoot = await mkdtemp(join(tmpdir(), "hh-browser-artifacts-"));
    try {
      const credentials = { username: "walter-the-user", password: "p4ss-in-the-page" };
      const report = await runPluginTest({
        pluginDir: join(fixtures, "stuck-step"),
        scenario: "js-only",
        credentials,
        browser: { artifactsRoot, profileRoot },
      });
      const auth = report.steps.find((s) => s.step === "authenticate");
      assert.equal(auth?.status, "fail");
      assert.match(auth?.detail ?? "", /browser step click #no-such-button failed/);
      const [folder] = await readdir(artifactsRoot);
      assert.ok(folder !== undefined, "a folder was written");
      assert.ok((auth?.detail ?? "").includes(join(artifactsRoot, folder)), "the error names the folder");
      const html = await readFile(join(artifactsRoot, folder, "page.html"), "utf8");
      assert.match(html, /Signed in as \*\*\*/);
      assert.ok(!html.includes(credentials.username) && !html.includes(credentials.password));
      const png = await readFile(join(artifactsRoot, folder, "page.png"));
      assert.equal(png.subarray(1, 4).toString(), "PNG");
      assert.ok(!JSON.stringify(report.pluginLog).includes(credentials.password));
    } finally {
      await rm(artifactsRoot, { recursive: true, force: true });
    }
  });
});
