import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { defaultUserConfig } from "../../../src/config/schema.ts";
import { loadRegistry } from "../../../src/helper-api/loader.ts";
import { PluginChild } from "../../../src/plugin-host/child-process.ts";
import { createPluginHost } from "../../../src/plugin-host/host.ts";
import { type PluginProcessStatus, PluginSupervisor } from "../../../src/plugin-host/supervisor.ts";
import { network } from "../../unit/helper-api/helpers.ts";

/**
 * The process `warm()` starts ahead of a join (the daemon does so for the plugin claiming a
 * network in range) is the one that serves the plugin's first call: the login pays no
 * process start, and `ready` with its pid names a process that is running. Two processes
 * run for a plugin, one after the other, and a /proc poll can take one for the other: the
 * loading process, which only describes the plugin and ends with `loaded` (retired, no
 * state line), then the warm one. Real processes; every wait is on a state report or a call.
 */

const ROOT = new URL("../../fixtures/prepared-plugin/", import.meta.url).pathname;
const ID = "prepared-probe";

let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "hh-warm-child-"));
});
after(() => rm(dir, { recursive: true, force: true }));

/** Whether a process with this pid exists (signal 0 checks without signalling). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test("the process warm() starts is the one the first call reaches, still running after it", async () => {
  const children: PluginChild[] = [];
  const states: PluginProcessStatus[] = [];
  let onReady: (s: PluginProcessStatus) => void = () => {};
  const ready = new Promise<PluginProcessStatus>((resolve) => {
    onReady = resolve;
  });
  const supervisor = new PluginSupervisor({
    storeRoot: join(dir, "stores"),
    tmpRoot: join(dir, "tmp"),
    side: {},
    importTimeoutMs: 10_000,
    permissions: true,
    graceMs: 300,
    maxOldSpaceMb: 64,
    log: () => {},
    pluginLog: () => {},
    onState: (s) => {
      states.push(s);
      if (s.state === "ready") onReady(s);
    },
    spawn: (opts) => {
      const child = new PluginChild(opts);
      children.push(child);
      return child;
    },
  });
  try {
    const config = defaultUserConfig();
    const host = createPluginHost({ config, storeRoot: join(dir, "stores"), processes: supervisor });
    const registry = await loadRegistry({
      roots: [{ kind: "cli", path: ROOT, required: true }],
      config,
      strict: false,
      isolate: supervisor,
      host,
    });
    assert.deepEqual(
      registry.problems.map((p) => p.message),
      [],
    );
    // The loading process has described the plugin and is retired: it ends, as it should.
    const [loading] = children;
    assert.ok(loading);
    const loadExit = await loading.exited;
    assert.equal(loadExit.retired, true, JSON.stringify(loadExit));

    supervisor.warm([ID]);
    const up = await ready;
    const warm = children[1];
    assert.ok(warm?.pid !== undefined);
    assert.equal(up.pid, warm.pid, "ready names the warm process's pid");
    assert.notEqual(warm.pid, loading.pid);

    const controller = new AbortController();
    await supervisor.call(ID, { hook: "filterScanList", networks: [network("Probe")] }, controller.signal);
    assert.equal(children.length, 2, "the first call started no process of its own");
    assert.ok(warm.alive && running(warm.pid), "the warm process still runs after serving the call");
    const now = supervisor.status().find((s) => s.id === ID);
    assert.equal(now?.state, "ready");
    assert.equal(now?.pid, warm.pid);
    assert.deepEqual(
      states.filter((s) => s.id === ID).map((s) => s.state),
      ["idle", "starting", "ready"],
      "no state change after ready: the process never ended",
    );
  } finally {
    await supervisor.close();
  }
});
