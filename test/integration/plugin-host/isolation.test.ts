import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { defaultUserConfig, type UserConfig } from "../../../src/config/schema.ts";
import { isHotspotError } from "../../../src/errors.ts";
import type { PortalInfo } from "../../../src/helper-api/context.ts";
import { loadRegistry } from "../../../src/helper-api/loader.ts";
import type { JoinedNetwork } from "../../../src/helper-api/network.ts";
import type { LoadedPlugin, PluginRegistry } from "../../../src/helper-api/registry-types.ts";
import type { AuthenticateResult } from "../../../src/helper-api/results.ts";
import { childLaunch } from "../../../src/plugin-host/child-launch.ts";
import { createPluginHost, type PluginHost } from "../../../src/plugin-host/host.ts";
import { remoteDescriptor } from "../../../src/plugin-host/remote-plugin.ts";
import {
  type PluginProcessState,
  type PluginProcessStatus,
  PluginSupervisor,
  type SupervisorOptions,
} from "../../../src/plugin-host/supervisor.ts";
import { network } from "../../unit/helper-api/helpers.ts";

/**
 * Plugins in child processes of their own, for real: each fault of test/fixtures/isolation-plugins
 * ends (at most) its own process, the test process (standing in for the daemon) and a healthy
 * plugin carry on, and the supervisor restarts, backs off and quarantines as it reports.
 * Waits are on the supervisor's state events, never on sleeps; durations are the fixtures'
 * short deadlines.
 */

const FIXTURES = new URL("../../fixtures/isolation-plugins/", import.meta.url).pathname;
const PORTAL: PortalInfo = { verdict: "portal", probeUrl: "http://probe.invalid/generate_204" };
const TOKEN = "T0KEN-iso-7731";

const joined = (ssid: string): JoinedNetwork => ({
  ...network(ssid),
  interface: "wlan0",
  justJoined: true,
  autoJoined: true,
});

let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "hh-iso-"));
});
after(() => rm(dir, { recursive: true, force: true }));

function config(): UserConfig {
  return {
    ...defaultUserConfig(),
    plugins: { "iso-healthy": { enabled: true, credentials: { token: TOKEN } } },
  };
}

interface World {
  readonly supervisor: PluginSupervisor;
  readonly registry: PluginRegistry;
  readonly host: PluginHost;
  readonly logs: string[];
  plugin(id: string): LoadedPlugin;
  /** Resolves with the plugin's status once it reaches `state`. */
  reaches(id: string, state: PluginProcessState): Promise<PluginProcessStatus>;
}

async function world(
  name: string,
  extra: Partial<SupervisorOptions> = {},
  roots = [{ kind: "cli" as const, path: FIXTURES, required: true }],
): Promise<World> {
  const events = new EventEmitter();
  const logs: string[] = [];
  const seen = new Map<string, PluginProcessStatus>();
  const supervisor = new PluginSupervisor({
    storeRoot: join(dir, name, "stores"),
    tmpRoot: join(dir, name, "tmp"),
    side: {},
    importTimeoutMs: 3_000,
    permissions: true,
    graceMs: 300,
    backoffBaseMs: 20,
    backoffMaxMs: 100,
    quarantineAfter: 100,
    maxOldSpaceMb: 32,
    log: (level, message) => logs.push(`${level} ${message}`),
    pluginLog: (plugin, level, message) => logs.push(`${level} [${plugin}] ${message}`),
    onState: (s) => {
      seen.set(s.id, s);
      events.emit(s.id, s);
    },
    ...extra,
  });
  const cfg = config();
  const host = createPluginHost({ config: cfg, storeRoot: join(dir, name, "stores"), processes: supervisor });
  const registry = await loadRegistry({
    roots,
    config: cfg,
    strict: false,
    isolate: supervisor,
    host,
  });
  return {
    supervisor,
    registry,
    host,
    logs,
    plugin(id) {
      const p = registry.get(id);
      assert.ok(p, `${id} loaded`);
      return p;
    },
    reaches: (id, state) =>
      new Promise((resolve) => {
        const now = seen.get(id);
        if (now?.state === state) return resolve(now);
        const on = (s: PluginProcessStatus): void => {
          if (s.state !== state) return;
          events.off(id, on);
          resolve(s);
        };
        events.on(id, on);
      }),
  };
}

/** The fixtures' success carries `/login/<count>/<pid>` in its logoff URL. */
function login(r: AuthenticateResult): { count: number; pid: number } {
  const m = r.result === "success" ? /\/login\/(\d+)\/(\d+)$/.exec(r.session?.logoffUrl ?? "") : null;
  assert.ok(m, JSON.stringify(r));
  return { count: Number(m[1]), pid: Number(m[2]) };
}

describe("plugins in child processes", () => {
  let w: World;
  before(async () => {
    w = await world("main");
  });
  after(() => w.supervisor.close());

  test("a plugin that throws, exits or never finishes at import is skipped with its reason; the others load as stand-ins", () => {
    const ids = w.registry.plugins.map((p) => p.id).sort();
    assert.deepEqual(ids, ["iso-escape", "iso-faulty", "iso-healthy"]);
    for (const p of w.registry.plugins) assert.ok(remoteDescriptor(p), `${p.id} runs in a child`);
    const problems = w.registry.problems.map((e) => e.message).sort();
    assert.equal(problems.length, 3, problems.join("\n"));
    assert.match(problems.find((m) => m.includes("import-exit")) ?? "", /its process exited with code 7/);
    assert.match(problems.find((m) => m.includes("import-spin")) ?? "", /did not finish loading within/);
    assert.match(problems.find((m) => m.includes("import-throws")) ?? "", /top-level failure in the plugin/);
    assert.deepEqual(
      w.supervisor.status().map((s) => s.state),
      ["idle", "idle", "idle"],
      "loading children do not stay",
    );
  });

  test("a healthy plugin logs in from its own process and keeps its store there", async () => {
    const healthy = w.plugin("iso-healthy");
    const first = await w.host.authenticate(healthy, joined("Healthy"), PORTAL);
    const second = await w.host.authenticate(healthy, joined("Healthy"), PORTAL);
    assert.equal(login(first.result).count, 1);
    assert.equal(login(second.result).count, 2);
    assert.notEqual(login(first.result).pid, process.pid);
    assert.equal(login(first.result).pid, login(second.result).pid, "the warm child served both");
    assert.equal(first.capport, undefined, "side facts from a child are not trusted");
    // The child's logger redacts its own credentials; the daemon's sink redacts again.
    assert.ok(
      w.logs.some((l) => /\[iso-healthy\] logging in with token \*\*\*/.test(l)),
      w.logs.join("\n"),
    );
  });

  const faults: readonly [string, string, RegExp, boolean][] = [
    ["Fault throw", "HH_PLUGIN_HOOK_FAILED", /portal said no/, false],
    ["Fault hang", "HH_PLUGIN_HOOK_TIMEOUT", /timed out after 1500 ms/, true],
    ["Fault spin", "HH_PLUGIN_HOOK_TIMEOUT", /timed out after 1500 ms/, true],
    ["Fault alloc", "HH_PLUGIN_PROCESS_FAILED", /its process (was killed by SIG|exited with code)/, true],
    ["Fault exit", "HH_PLUGIN_PROCESS_FAILED", /its process exited with code 3/, true],
    ["Fault kill", "HH_PLUGIN_PROCESS_FAILED", /its process was killed by SIGKILL/, true],
    ["Fault stray", "HH_PLUGIN_PROCESS_FAILED", /its process exited with code 1/, true],
  ];
  for (const [ssid, code, message, crashes] of faults) {
    test(`${ssid.slice(6)}: the call fails with ${code}, ${crashes ? "the process is replaced" : "the process stays"}, the healthy plugin carries on`, async () => {
      const faulty = w.plugin("iso-faulty");
      const host = createPluginHost({
        config: config(),
        storeRoot: join(dir, "main", "stores"),
        processes: w.supervisor,
        deadlineCapMs: 1_500,
      });
      const before = await host.authenticate(faulty, joined("Fine"), PORTAL);
      const crashed = crashes ? w.reaches("iso-faulty", "backoff") : undefined;
      await assert.rejects(host.authenticate(faulty, joined(ssid), PORTAL), (e: unknown) => {
        assert.ok(isHotspotError(e), String(e));
        assert.equal(e.code, code, e.message);
        assert.match(e.message, message);
        assert.match(e.message, /iso-faulty/);
        return true;
      });
      if (crashed) {
        const status = await crashed;
        assert.match(status.lastError ?? "", /its process/);
      }
      const healthy = await host.authenticate(w.plugin("iso-healthy"), joined("Healthy"), PORTAL);
      assert.ok(login(healthy.result).count > 0);
      const next = await host.authenticate(faulty, joined("Fine"), PORTAL);
      if (crashes) assert.notEqual(login(next.result).pid, login(before.result).pid, "a new process");
      else assert.equal(login(next.result).pid, login(before.result).pid, "the same process");
    });
  }

  test("the restarts are counted and the last error is kept", () => {
    const faulty = w.supervisor.status().find((s) => s.id === "iso-faulty");
    assert.ok(faulty);
    assert.equal(faulty.restarts + faulty.crashes >= 6, true, JSON.stringify(faulty));
    assert.match(faulty.lastError ?? "", /its process/);
  });

  test("the permission model: no file read or written outside its folders, not from a worker either", async () => {
    const target = join(dir, "escaped");
    await writeFile(`${target}.secret`, "other plugins' credentials");
    const answer = await w.host.authenticate(w.plugin("iso-escape"), joined(target), PORTAL);
    const report = JSON.parse(answer.result.result === "failure" ? (answer.result.reason ?? "{}") : "{}");
    assert.equal(report.write, "ERR_ACCESS_DENIED");
    assert.equal(report.worker, "ERR_ACCESS_DENIED");
    assert.equal(report.store, "done", "its own store is writable");
    assert.equal(existsSync(target), false);
    assert.equal(existsSync(`${target}.worker`), false);
    // A child that compiles TypeScript (a daemon run from its sources) needs esbuild's process.
    const launch = childLaunch({
      file: join(FIXTURES, "escape", "index.mjs"),
      needsBrowser: false,
      tmpDir: dir,
      maxOldSpaceMb: 32,
      permissions: true,
      env: {},
    });
    assert.equal(report.spawn, launch.mayStartProcesses ? "done" : "ERR_ACCESS_DENIED");
    // Reads are limited where no TypeScript is compiled in the child (the installed daemon).
    const readsLimited = !launch.execArgv.includes("--allow-fs-read=*");
    assert.equal(report.read, readsLimited ? "ERR_ACCESS_DENIED" : "done");
  });
});

/** Only the two plugins these tests call. */
const TWO = ["healthy", "faulty"].map((name) => ({
  kind: "cli" as const,
  path: join(FIXTURES, name),
  required: true,
}));

describe("quarantine and idle", () => {
  test("repeated crashes within the window quarantine the plugin: calls fail at once, the others carry on", async () => {
    const w = await world("quarantine", { quarantineAfter: 2, quarantineMs: 60_000 }, TWO);
    try {
      const faulty = w.plugin("iso-faulty");
      for (let i = 0; i < 2; i++) {
        await assert.rejects(w.host.authenticate(faulty, joined("Fault exit"), PORTAL), /exited with code 3/);
      }
      const status = await w.reaches("iso-faulty", "quarantined");
      assert.equal(status.crashes, 2);
      assert.match(status.lastError ?? "", /exited with code 3/);
      await assert.rejects(w.host.authenticate(faulty, joined("Fine"), PORTAL), (e: unknown) =>
        isHotspotError(e, "HH_PLUGIN_QUARANTINED"),
      );
      assert.ok(
        w.logs.some((l) => /^warn plugin process iso-faulty: quarantined/.test(l)),
        w.logs.join("\n"),
      );
      const healthy = await w.host.authenticate(w.plugin("iso-healthy"), joined("Healthy"), PORTAL);
      assert.equal(login(healthy.result).count, 1);
    } finally {
      await w.supervisor.close();
    }
  });

  test("a process over its resident-memory cap while it works (here: loading) is ended with the reason", async () => {
    const w = await world("rss", { maxRssBytes: 1024 * 1024, rssCheckMs: 20 }, TWO);
    try {
      assert.equal(w.registry.plugins.length, 0);
      assert.ok(w.registry.problems.length > 0);
      for (const problem of w.registry.problems) {
        assert.match(problem.message, /resident memory \d+ MB is over the cap of 1 MB/);
      }
    } finally {
      await w.supervisor.close();
    }
  });

  test("an idle child ends, without counting as a crash; the next call starts another", async () => {
    const w = await world("idle", { idleMs: 50 }, TWO);
    try {
      const healthy = w.plugin("iso-healthy");
      const first = await w.host.authenticate(healthy, joined("Healthy"), PORTAL);
      await w.reaches("iso-healthy", "idle");
      const second = await w.host.authenticate(healthy, joined("Healthy"), PORTAL);
      assert.notEqual(login(first.result).pid, login(second.result).pid);
      assert.equal(login(second.result).count, 2, "the store outlived the process");
      const status = w.supervisor.status().find((s) => s.id === "iso-healthy");
      assert.deepEqual([status?.crashes, status?.restarts], [0, 0]);
    } finally {
      await w.supervisor.close();
    }
  });
});
