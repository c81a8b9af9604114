import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { detectPortal } from "../../../src/auth/detect.ts";
import { daemonPluginProcessesIn } from "../../../src/cli/daemon-plugin-processes.ts";
import { userConfigSchema } from "../../../src/config/schema.ts";
import type { LogEntry } from "../../../src/daemon/log.ts";
import { type Portal, startPortal } from "../../../src/harness/index.ts";
import { loadRegistry } from "../../../src/helper-api/loader.ts";
import { createPluginHost } from "../../../src/plugin-host/host.ts";
import { remoteDescriptor } from "../../../src/plugin-host/remote-plugin.ts";
import type { PluginSupervisor } from "../../../src/plugin-host/supervisor.ts";
import { network } from "../../unit/helper-api/helpers.ts";
import { chromiumBelow, noChromium } from "../browser/helpers.ts";

/**
 * The daemon's plugin processes run under Node's permission model. A browser step that
 * fails there must still leave its screenshot and page in the daemon's state directory
 * (`--state-dir`) and name the folder in the error, as `hotspot plugin test` does in its
 * output folder. Until the daemon made and granted that folder, the process was refused
 * the write, saved nothing and said nothing.
 */

const STUCK = fileURLToPath(new URL("../../fixtures/browser-plugins/stuck-step/", import.meta.url));
const account = { username: "walter-the-user", password: "p4ss-in-the-page" };

describe("a failed browser step in the daemon's plugin process (a Chromium launch: several seconds)", {
  skip: noChromium(),
  timeout: 120_000,
}, () => {
  let dir = "";
  let stateDir = "";
  let portal: Portal;
  let processes: PluginSupervisor;
  const logs: LogEntry[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "hh-daemon-browser-failures-"));
    stateDir = join(dir, "state");
    portal = await startPortal({ scenario: "js-only" });
    processes = await daemonPluginProcessesIn({
      stateDir,
      side: () => ({}),
      env: process.env,
      log: (e) => logs.push(e),
    });
  });
  after(async () => {
    await processes.close();
    await portal.close();
    assert.deepEqual(chromiumBelow(process.pid), [], "no Chromium left behind");
    await rm(dir, { recursive: true, force: true });
  });

  test("saves the screenshot and page under the state directory, account masked, and names the folder", async () => {
    const config = userConfigSchema.parse({
      probeUrl: portal.probeUrl,
      plugins: { "browser-stuck-step": { credentials: account } },
    });
    const host = createPluginHost({ config, storeRoot: join(stateDir, "plugins"), processes });
    const registry = await loadRegistry({
      roots: [{ kind: "cli", path: STUCK, required: true }],
      config,
      strict: true,
      isolate: processes,
      host,
    });
    const plugin = registry.get("browser-stuck-step");
    assert.ok(plugin && remoteDescriptor(plugin), "the plugin runs in a process of its own");
    const joined = { ...network("Stuck Net"), interface: "lo", justJoined: true, autoJoined: true };
    const failed = await host.authenticate(plugin, joined, await detectPortal(portal.probeUrl)).then(
      () => undefined,
      (e: unknown) => e,
    );
    const message = failed instanceof Error ? failed.message : String(failed);
    assert.match(message, /browser step click #no-such-button failed/);
    const root = join(stateDir, "browser-failures");
    const [folder, ...more] = await readdir(root);
    assert.ok(folder !== undefined && more.length === 0, `one folder in ${root}`);
    assert.ok(message.includes(join(root, folder)), `the error names the folder: ${message}`);
    const html = await readFile(join(root, folder, "page.html"), "utf8");
    assert.match(html, /Signed in as \*\*\*/);
    assert.ok(!html.includes(account.username) && !html.includes(account.password));
    const png = await readFile(join(root, folder, "page.png"));
    assert.equal(png.subarray(1, 4).toString(), "PNG");
    assert.ok(!JSON.stringify(logs).includes(account.password));
  });
});
