import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { detectPortal } from "../../../src/auth/detect.ts";
import { browserFailuresDir } from "../../../src/cli/daemon-plugin-processes.ts";
import { userConfigSchema } from "../../../src/config/schema.ts";
import { createDaemonCalls } from "../../../src/daemon/daemon-calls.ts";
import { LinkChecks } from "../../../src/daemon/link-checks.ts";
import type { LogEntry } from "../../../src/daemon/log.ts";
import { type Portal, startPortal } from "../../../src/harness/index.ts";
import { loadRegistry } from "../../../src/helper-api/loader.ts";
import { remoteDescriptor } from "../../../src/plugin-host/remote-plugin.ts";
import { FixtureScanSource } from "../../../src/scan/fixture-source.ts";
import { network } from "../../unit/helper-api/helpers.ts";
import { chromiumBelow, noChromium } from "../browser/helpers.ts";

/**
 * With `pluginIsolation: "none"` the daemon's hooks run in its own process. A failed browser
 * step there must save its screenshot and page under the daemon's state directory
 * (`--state-dir`), as its plugin processes do, not under $STATE_DIRECTORY or $XDG_STATE_HOME.
 */

const STUCK = fileURLToPath(new URL("../../fixtures/browser-plugins/stuck-step/", import.meta.url));
const account = { username: "walter-the-user", password: "p4ss-in-the-page" };

describe("a failed browser step of an in-process plugin in the daemon (a Chromium launch: several seconds)", {
  skip: noChromium(),
  timeout: 120_000,
}, () => {
  let dir = "";
  let portal: Portal;
  const saved = { STATE_DIRECTORY: process.env.STATE_DIRECTORY, XDG_STATE_HOME: process.env.XDG_STATE_HOME };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "hh-in-process-failures-"));
    // Where the artifacts went without the daemon's folder: kept inside this test's folder.
    delete process.env.STATE_DIRECTORY;
    process.env.XDG_STATE_HOME = join(dir, "xdg-state");
    portal = await startPortal({ scenario: "js-only" });
  });
  after(async () => {
    await portal.close();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    assert.deepEqual(chromiumBelow(process.pid), [], "no Chromium left behind");
    await rm(dir, { recursive: true, force: true });
  });

  test("saves the screenshot and page under the state directory and names that folder", async () => {
    const stateDir = join(dir, "state");
    const config = userConfigSchema.parse({
      probeUrl: portal.probeUrl,
      pluginIsolation: "none",
      plugins: { "browser-stuck-step": { credentials: account } },
    });
    const registry = await loadRegistry({
      roots: [{ kind: "cli", path: STUCK, required: true }],
      config,
      strict: true,
    });
    const logs: LogEntry[] = [];
    const calls = createDaemonCalls({
      opts: {
        source: new FixtureScanSource({ device: "lo", networks: [], at: 0 }),
        registry,
        config,
        log: (e) => logs.push(e),
        pluginStoreRoot: join(stateDir, "plugins"),
        browserArtifactsRoot: browserFailuresDir(stateDir),
      },
      config,
      registry,
      links: new LinkChecks({ config: () => config, transportFor: () => ({}) }),
      write: (e) => logs.push(e),
      problem: () => {},
    });
    const plugin = calls.plugin("browser-stuck-step");
    assert.ok(plugin && !remoteDescriptor(plugin), "the plugin runs in this process");
    const joined = { ...network("Stuck Net"), interface: "lo", justJoined: true, autoJoined: true };
    const failed = await calls
      .authenticate(plugin, joined, await detectPortal(portal.probeUrl), new AbortController().signal)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    const message = failed instanceof Error ? failed.message : String(failed);
    assert.match(message, /browser step click #no-such-button failed/);
    const root = browserFailuresDir(stateDir);
    const [folder, ...more] = await readdir(root).catch(() => []);
    assert.ok(folder !== undefined && more.length === 0, `one folder in ${root}: ${message}`);
    assert.ok(message.includes(join(root, folder)), `the error names the folder: ${message}`);
    const html = await readFile(join(root, folder, "page.html"), "utf8");
    assert.ok(!html.includes(account.username) && !html.includes(account.password));
    const png = await readFile(join(root, folder, "page.png"));
    assert.equal(png.subarray(1, 4).toString(), "PNG");
  });
});
