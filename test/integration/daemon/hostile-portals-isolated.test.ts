import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { userConfigSchema } from "../../../src/config/schema.ts";
import { Daemon } from "../../../src/daemon/daemon.ts";
import type { StateChange } from "../../../src/daemon/events.ts";
import type { HttpLogEntry, LogEntry } from "../../../src/daemon/log.ts";
import type { HotspotError } from "../../../src/errors.ts";
import { listScenarios, startPortal } from "../../../src/harness/index.ts";
import { loadRegistry } from "../../../src/helper-api/loader.ts";
import type { PluginRegistry } from "../../../src/helper-api/registry-types.ts";
import { createPluginHost } from "../../../src/plugin-host/host.ts";
import { remoteDescriptor } from "../../../src/plugin-host/remote-plugin.ts";
import { PluginSupervisor } from "../../../src/plugin-host/supervisor.ts";
import { FixtureScanSource } from "../../../src/scan/fixture-source.ts";

/**
 * hostile-portals.test.ts runs the hostile and flaky portals against plugins in the
 * daemon's own process. This runs them against the daemon's default host: each plugin in a
 * process of its own under the permission model, its HTTP client, forms and walker rebuilt
 * there, what it sends back redacted by the daemon. The bundled generic plugins claim the
 * open guest network, two of them with the account; the plugins are loaded once and every
 * variant gets a daemon of its own on them.
 */

const SCAN = fileURLToPath(new URL("../../../fixtures/scans/demo.json", import.meta.url));
const GUEST = "02:11:b0:00:00:01";
const account = { username: "hostile-victim", password: "n0t-For-Strangers-9x" };
const DECLARED = "127.0.0.1";
/** Far above any variant; a hang ends here. */
const DEADLINE_MS = 45_000;

const VARIANTS = listScenarios()
  .filter((s) => s.name === "hostile" || s.name === "flaky")
  .flatMap((s) => [s.name, ...s.variants.map((v) => `${s.name}:${v.name}`)]);

const plugins = {
  wispr: {
    config: { anyOpenNetwork: true, hosts: [{ host: DECLARED, allowHttp: true }] },
    credentials: account,
  },
  "uam-chap": {
    config: { anyOpenNetwork: true, hosts: [{ host: DECLARED, allowHttp: true }] },
    credentials: account,
  },
  capport: { config: { anyOpenNetwork: true } },
  "click-through": { config: { anyOpenNetwork: true } },
};

describe("the daemon's default host (plugins in processes) against every hostile and flaky portal", {
  timeout: 600_000,
}, () => {
  let dir = "";
  let supervisor: PluginSupervisor;
  let registry: PluginRegistry;
  const childLines: string[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "hh-hostile-isolated-"));
    supervisor = new PluginSupervisor({
      storeRoot: join(dir, "stores"),
      tmpRoot: join(dir, "tmp"),
      side: { testNetwork: true },
      importTimeoutMs: 30_000,
      permissions: true,
      log: (level, message) => childLines.push(`${level} ${message}`),
      pluginLog: (id, level, message) => childLines.push(`${level} [${id}] ${message}`),
    });
    // Settings do not name the portal's port, so one load serves every variant.
    const config = userConfigSchema.parse({ plugins });
    registry = await loadRegistry({
      pluginDirs: [],
      config,
      strict: true,
      isolate: supervisor,
      host: createPluginHost({ config, storeRoot: join(dir, "stores"), processes: supervisor }),
    });
    for (const id of Object.keys(plugins)) {
      const p = registry.get(id);
      assert.ok(p && remoteDescriptor(p), `${id} runs in a process of its own`);
    }
  });
  after(async () => {
    await supervisor?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  for (const scenario of VARIANTS)
    test(`${scenario}: the join ends in a final state and the account goes only to the declared host`, async () => {
      const portal = await startPortal({ scenario, credentials: account, faults: { slowMs: 0 } });
      const config = userConfigSchema.parse({ probeUrl: portal.probeUrl, plugins });
      const source = new FixtureScanSource(SCAN);
      const logs: LogEntry[] = [];
      const http: HttpLogEntry[] = [];
      const states: StateChange[] = [];
      const problems: HotspotError[] = [];
      const daemon = new Daemon({
        source,
        registry,
        config,
        pluginProcesses: supervisor,
        log: (e) => logs.push(e),
        onHttp: (e) => http.push(e),
        retry: { retries: 4, minTimeoutMs: 1, maxTimeoutMs: 4 },
        verifyAttempts: 3,
        verifyDelayMs: 1,
        testNetwork: true,
        ...(portal.ca === undefined ? {} : { ca: portal.ca }),
      });
      daemon.on("state", (c) => states.push(c));
      daemon.on("problem", (_device, e) => problems.push(e));
      let timer: NodeJS.Timeout | undefined;
      try {
        await daemon.start();
        source.join(GUEST, portal.apiUrl === undefined ? {} : { captivePortalUri: portal.apiUrl });
        const deadline = new Promise<"deadline">((resolve) => {
          timer = setTimeout(() => resolve("deadline"), DEADLINE_MS);
        });
        const idle = (daemon.session("wlan0")?.idle() ?? Promise.resolve()).then(() => "idle" as const);
        const ended = await Promise.race([idle, deadline]);
        const trail = states.map((s) => `${s.to}: ${s.reason}`).join("\n");
        assert.equal(ended, "idle", `still working after ${DEADLINE_MS} ms:\n${trail}`);
        // The plugins answered from their own processes (started at their first call).
        const running = supervisor
          .status()
          .filter((st) => st.pid !== undefined)
          .map((st) => st.id);
        assert.ok(
          Object.keys(plugins).some((id) => running.includes(id)),
          JSON.stringify(supervisor.status()),
        );
        const state = daemon.session("wlan0")?.state;
        assert.ok(state !== "Evaluating" && state !== "Authenticating", `${state}\n${trail}`);
        assert.notEqual(portal.authorized(), true, `a trap let the client through:\n${trail}`);
        for (const c of portal.receivedCredentials)
          assert.equal(c.host.replace(/:\d+$/, ""), DECLARED, `credentials sent to ${c.host}${c.path}`);
        if (scenario === "hostile:evil-twin") assert.deepEqual(portal.receivedCredentials, []);
        assert.ok(
          problems.every((p) => p.code.startsWith("HH_")),
          problems.map((p) => p.message).join("\n"),
        );
        const captured = JSON.stringify([logs, http, problems.map((p) => p.message), trail, childLines]);
        assert.ok(!captured.includes(account.password), "the password reached a log");
      } finally {
        clearTimeout(timer);
        await daemon.stop();
        await portal.close();
      }
    });
});
