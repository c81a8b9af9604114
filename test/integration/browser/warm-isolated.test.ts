import assert from "node:assert/strict";
import { type FSWatcher, watch } from "node:fs";
import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { detectPortal } from "../../../src/auth/detect.ts";
import { createWarmBrowser, type WarmBrowser } from "../../../src/browser/warm.ts";
import { type UserConfig, userConfigSchema } from "../../../src/config/schema.ts";
import { isHotspotError } from "../../../src/errors.ts";
import { type Portal, startPortal } from "../../../src/harness/index.ts";
import { loadRegistry } from "../../../src/helper-api/loader.ts";
import type { JoinedNetwork } from "../../../src/helper-api/network.ts";
import type { LoadedPlugin, PluginRegistry } from "../../../src/helper-api/registry-types.ts";
import { createPluginHost, type PluginHost } from "../../../src/plugin-host/host.ts";
import { remoteDescriptor } from "../../../src/plugin-host/remote-plugin.ts";
import { PluginSupervisor } from "../../../src/plugin-host/supervisor.ts";
import { network } from "../../unit/helper-api/helpers.ts";
import { countedWarmStart } from "./counted-warm.ts";
import {
  chromiumBelow,
  chromiumCount,
  loopbackPortalSettings,
  noChromium,
  type PortalStandIn,
  startPortalStandIn,
} from "./helpers.ts";

/**
 * The warm start in the default mode: plugins in processes of their own. The bundled
 * js-only plugin logs in from its process on the daemon's warm Chromium (lent as plain
 * data, driven through the relay), launching none itself; the guard the daemon builds
 * holds on that path (the exfiltrating page); a process killed in the middle of its hook
 * gives the lease back; without a warm browser the process launches its own. No Chromium
 * is left behind.
 */

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const HOLD = fileURLToPath(new URL("../../fixtures/lease-plugins/lease-hold/", import.meta.url));

const joined = (ssid: string): JoinedNetwork => ({
  ...network(ssid),
  interface: "wlan0",
  justJoined: true,
  autoJoined: true,
});

describe("the warm browser lent to plugin processes", { skip: noChromium(), timeout: 180_000 }, () => {
  let dir = "";
  let profileRoot = "";
  let artifactsRoot = "";
  let portal: Portal;
  let holdPage: PortalStandIn;
  let holding: () => void = () => {};
  let supervisor: PluginSupervisor;
  let registry: PluginRegistry;
  let config: UserConfig;
  const counted = countedWarmStart();
  const warm = createWarmBrowser({ start: counted.start, needsBrowser: () => true });
  const logs: string[] = [];
  /** Profile folders made under the processes' profile root: a launch of their own. */
  const launches: string[] = [];
  let watcher: FSWatcher;

  const hostWith = (lender: WarmBrowser | undefined): PluginHost =>
    createPluginHost({
      config,
      storeRoot: join(dir, "stores"),
      processes: supervisor,
      ...(lender ? { warmBrowser: lender } : {}),
      log: (e) => logs.push(`${e.level} [${e.plugin}] ${e.message}`),
    });
  const plugin = (id: string): LoadedPlugin => {
    const p = registry.get(id);
    assert.ok(p, `${id} loaded`);
    return p;
  };
  const jsLogin = async (host: PluginHost) => {
    portal.reset();
    const info = await detectPortal(portal.probeUrl);
    return host.authenticate(plugin("example-js-portal"), joined("City Wi-Fi"), info);
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "hh-warm-iso-"));
    profileRoot = join(dir, "profiles");
    artifactsRoot = join(dir, "failures");
    await mkdir(profileRoot);
    await mkdir(artifactsRoot);
    watcher = watch(profileRoot, (_event, name) => {
      if (name !== null && !launches.includes(name)) launches.push(name);
    });
    portal = await startPortal({ scenario: "js-only:exfiltrate" });
    holdPage = await startPortalStandIn("127.0.0.1", (_req, _body, res) => {
      res.writeHead(200, { "content-type": "text/html" }).end("<p>held</p>");
      holding();
    });
    config = userConfigSchema.parse({
      probeUrl: portal.probeUrl,
      plugins: {
        "example-js-portal": loopbackPortalSettings(portal),
        "lease-hold": { config: { url: `http://127.0.0.1:${holdPage.port}/held` } },
      },
    });
    supervisor = new PluginSupervisor({
      storeRoot: join(dir, "stores"),
      tmpRoot: join(dir, "tmp"),
      side: { browser: { profileRoot, artifactsRoot } },
      // A launch of the process's own writes its profile there (the daemon's default is the
      // process's own temp folder).
      browserDirs: [profileRoot, artifactsRoot],
      importTimeoutMs: 30_000,
      permissions: true,
      log: (level, message) => logs.push(`${level} ${message}`),
      pluginLog: (id, level, message) => logs.push(`${level} [${id}] ${message}`),
    });
    registry = await loadRegistry({
      roots: [
        { kind: "cli", path: join(ROOT, "plugins/example-js-portal"), required: true },
        { kind: "cli", path: HOLD, required: true },
      ],
      config,
      strict: true,
      isolate: supervisor,
      host: hostWith(undefined),
    });
    assert.ok(remoteDescriptor(plugin("example-js-portal")), "the js-only plugin runs in its own process");
    assert.ok(remoteDescriptor(plugin("lease-hold")));
  });
  after(async () => {
    watcher.close();
    await warm.close();
    await supervisor.close();
    for (const w of counted.instances)
      assert.equal(chromiumCount(w.profileDir), 0, "the warm Chromium is gone");
    assert.deepEqual(await readdir(profileRoot), [], "no profile of a launch left behind");
    assert.equal(chromiumCount(profileRoot), 0, "no Chromium of a plugin process left behind");
    await holdPage.close();
    await portal.close();
    await rm(dir, { recursive: true, force: true });
  });

  test("without a warm browser, the plugin's process launches its own and closes it", async () => {
    const answer = await jsLogin(hostWith(warm));
    assert.equal(answer.result.result, "success", JSON.stringify(answer.result));
    assert.equal(counted.counts.lent, 0);
    assert.equal(launches.length, 1, "one launch in the plugin's process");
    const pid = supervisor.status().find((s) => s.id === "example-js-portal")?.pid;
    assert.ok(pid);
    assert.deepEqual(chromiumBelow(pid), [], "its Chromium is closed with the hook");
  });

  test("with one, the login takes the warm tab: no launch in the plugin's process, the guard holds", async () => {
    warm.onScan(
      "wlan0",
      [network("City Wi-Fi")],
      [
        [
          {
            pluginId: "example-js-portal",
            displayName: "City Wi-Fi",
            confidence: "high",
            priority: 0,
            origin: "static",
          },
        ],
      ],
    );
    assert.equal(await warm.ready(), true);
    const warmPid = counted.instances[0]?.pid;
    const before = launches.length;
    const returned = counted.returned();
    const answer = await jsLogin(hostWith(warm));
    assert.equal(answer.result.result, "success", JSON.stringify(answer.result));
    assert.equal(portal.authorized(), true);
    assert.equal(counted.counts.lent, 1, "the warm tab was lent to the plugin's process");
    assert.equal(launches.length, before, "the plugin's process launched no Chromium");
    assert.equal(counted.instances.length, 1);
    assert.equal(counted.instances[0]?.pid, warmPid);
    // The exfiltrating page: the daemon's guard refused, the collector got nothing.
    assert.ok(!portal.log.some((e) => e.path.startsWith("/collect/")), "nothing reached the collector");
    assert.ok(
      logs.some((l) => l.includes("[example-js-portal] browser: blocked a request")),
      logs.join("\n"),
    );
    assert.ok(!logs.some((l) => l.includes(portal.credentials.password)), "no secret in the log");
    await returned;
    assert.equal(warm.leased, false, "given back when the hook ended");
    assert.equal(await warm.ready(), true, "a fresh tab is prepared");
  });

  test("a hook the daemon abandons (the network was left) gives the lease back", async () => {
    const host = hostWith(warm);
    const held = new Promise<void>((r) => {
      holding = r;
    });
    const returned = counted.returned();
    const caller = new AbortController();
    const info = await detectPortal(portal.probeUrl);
    const call = host.authenticate(plugin("lease-hold"), joined("Lease Hold"), info, caller.signal);
    await held;
    assert.equal(warm.leased, true);
    caller.abort(new Error("the network was left"));
    await assert.rejects(call, (e: unknown) => isHotspotError(e, "HH_PLUGIN_HOOK_CANCELLED"));
    await returned;
    assert.equal(warm.leased, false, "the daemon took the lease back");
    assert.equal(await warm.ready(), true);
  });

  test("a failed step on the lent tab saves its screenshot and page in the process and names them", async () => {
    const host = hostWith(warm);
    const returned = counted.returned();
    const lentBefore = counted.counts.lent;
    const info = await detectPortal(portal.probeUrl);
    await assert.rejects(
      host.authenticate(plugin("lease-hold"), joined("Lease Fail"), info),
      (e: unknown) => {
        assert.ok(isHotspotError(e, "HH_PLUGIN_HOOK_FAILED"), String(e));
        assert.match(e.message, /no such text/);
        assert.ok(e.message.includes(artifactsRoot), `names the folder: ${e.message}`);
        return true;
      },
    );
    await returned;
    assert.equal(counted.counts.lent, lentBefore + 1, "the step ran on the lent tab");
    const files = (await readdir(artifactsRoot, { recursive: true })).map(String);
    assert.ok(
      files.some((f) => f.endsWith("page.png")),
      JSON.stringify(files),
    );
    assert.ok(
      files.some((f) => f.endsWith("page.html")),
      JSON.stringify(files),
    );
  });

  test("a process killed in the middle of its hook gives the lease back; the next login takes it", async () => {
    const host = hostWith(warm);
    const held = new Promise<void>((r) => {
      holding = r;
    });
    const returned = counted.returned();
    const info = await detectPortal(portal.probeUrl);
    const call = host.authenticate(plugin("lease-hold"), joined("Lease Hold"), info);
    await held;
    assert.equal(warm.leased, true, "the warm instance is lent to the hook");
    const pid = supervisor.status().find((s) => s.id === "lease-hold")?.pid;
    assert.ok(pid);
    assert.deepEqual(chromiumBelow(pid), [], "the hook drives the warm Chromium, none of its own");
    process.kill(pid, "SIGKILL");
    await assert.rejects(call, (e: unknown) => isHotspotError(e, "HH_PLUGIN_PROCESS_FAILED"));
    await returned;
    assert.equal(warm.leased, false, "the daemon took the lease back");
    assert.equal(await warm.ready(), true);
    const lentBefore = counted.counts.lent;
    const answer = await jsLogin(host);
    assert.equal(answer.result.result, "success", JSON.stringify(answer.result));
    assert.equal(counted.counts.lent, lentBefore + 1, "the next login was lent the same warm browser");
    assert.equal(counted.instances.length, 1);
  });
});
