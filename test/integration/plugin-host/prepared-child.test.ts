import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { defaultUserConfig } from "../../../src/config/schema.ts";
import { loadRegistry } from "../../../src/helper-api/loader.ts";
import { createPluginHost } from "../../../src/plugin-host/host.ts";
import { PluginSupervisor } from "../../../src/plugin-host/supervisor.ts";
import { network } from "../../unit/helper-api/helpers.ts";

/**
 * A plugin's process that will serve calls has loaded what its hooks need (the link context:
 * HTTP client, forms, WISPr) before the supervisor calls it ready, which is when the host
 * starts a hook's deadline. Loading those modules is the daemon's work (seconds from a
 * checkout on a busy machine); spent inside the first call, it timed out well-behaved hooks
 * with short deadlines. The fixture reports which of Node's HTTP modules its process holds
 * from a filterScanList call, the one hook that does not load the link context itself.
 */

const ROOT = new URL("../../fixtures/prepared-plugin/", import.meta.url).pathname;

let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "hh-prepared-"));
});
after(() => rm(dir, { recursive: true, force: true }));

test("a plugin's process has loaded its hooks' link context when it is ready, before its first call", async () => {
  const lines: string[] = [];
  const supervisor = new PluginSupervisor({
    storeRoot: join(dir, "stores"),
    tmpRoot: join(dir, "tmp"),
    side: {},
    importTimeoutMs: 10_000,
    permissions: true,
    graceMs: 300,
    maxOldSpaceMb: 64,
    log: () => {},
    pluginLog: (plugin, _level, message) => lines.push(`[${plugin}] ${message}`),
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
    await supervisor.ready("prepared-probe");
    assert.equal(supervisor.status().find((s) => s.id === "prepared-probe")?.state, "ready");
    const controller = new AbortController();
    await supervisor.call(
      "prepared-probe",
      { hook: "filterScanList", networks: [network("Probe")] },
      controller.signal,
    );
    assert.ok(
      lines.includes("[prepared-probe] stack before any link hook: http,https,tls,zlib"),
      lines.join("\n"),
    );
  } finally {
    await supervisor.close();
  }
});
