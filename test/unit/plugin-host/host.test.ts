import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { defaultUserConfig } from "../../../src/config/schema.ts";
import { type HotspotError, isHotspotError } from "../../../src/errors.ts";
import type { PortalInfo } from "../../../src/helper-api/context.ts";
import type { JoinedNetwork } from "../../../src/helper-api/network.ts";
import type { PluginDefinition } from "../../../src/helper-api/plugin.ts";
import type { ClaimMatch, LoadedPlugin } from "../../../src/helper-api/registry-types.ts";
import { createPluginHost, type PluginHostOptions } from "../../../src/plugin-host/host.ts";
import type { PluginLogEntry } from "../../../src/plugin-host/logger.ts";
import { loaded, lookup, network } from "../helper-api/helpers.ts";

const PORTAL: PortalInfo = { verdict: "portal", probeUrl: "http://probe.test/generate_204" };
const SESSION = { authenticatedAt: 0, facts: {} };
const config = defaultUserConfig();
const meta = { version: "1.0.0", sdk: "^0.1.0" };

let storeRoot = "";
before(async () => {
  storeRoot = await mkdtemp(join(tmpdir(), "hh-host-"));
});
after(() => rm(storeRoot, { recursive: true, force: true }));

const host = (o: Omit<PluginHostOptions, "config"> = {}) =>
  createPluginHost({ config, storeRoot, transportFor: () => ({}), ...o });

function joined(extra: Partial<JoinedNetwork> = {}): JoinedNetwork {
  return { ...network("Cafe"), interface: "wlan0", justJoined: true, autoJoined: true, ...extra };
}

function plugin(
  id: string,
  hooks: Partial<PluginDefinition<unknown, unknown>>,
  credentials?: unknown,
): LoadedPlugin {
  return { ...loaded({ id, displayName: id, ...meta, ...hooks }), credentials };
}

const claim = (pluginId: string): ClaimMatch => ({
  pluginId,
  displayName: pluginId,
  confidence: "medium",
  priority: 0,
  origin: "static",
});

describe("plugin host deadlines", () => {
  test("defaults are the config's, a plugin's own timeouts override them, and the cap shortens all", () => {
    const plain = plugin("plain", {});
    const own = plugin("own", { timeouts: { authenticate: 90_000, evaluate: 2_000 } });
    const h = host();
    assert.equal(h.deadline(plain, "evaluate"), 5_000);
    assert.equal(h.deadline(plain, "filterScanList"), 5_000);
    for (const hook of ["authenticate", "maintain", "logoff"] as const)
      assert.equal(h.deadline(plain, hook), 45_000);
    assert.equal(h.deadline(own, "authenticate"), 90_000);
    assert.equal(h.deadline(own, "evaluate"), 2_000);
    const capped = host({ deadlineCapMs: 3_000 });
    assert.equal(capped.deadline(own, "authenticate"), 3_000);
    assert.equal(capped.deadline(own, "evaluate"), 2_000);
  });

  test("an authenticate that never answers fails at the capped deadline with an error naming plugin and hook", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const hang = plugin("hang", { authenticate: () => new Promise(() => {}) });
    let done = false;
    const pending: Promise<unknown> = host({ deadlineCapMs: 1_000 })
      .authenticate(hang, joined(), PORTAL)
      .then(
        () => "resolved",
        (e: unknown) => e,
      )
      .finally(() => {
        done = true;
      });
    for (let i = 0; i < 5; i++) await Promise.resolve();
    t.mock.timers.tick(999);
    for (let i = 0; i < 5; i++) await Promise.resolve();
    assert.equal(done, false);
    t.mock.timers.tick(1);
    const settled = await pending;
    assert.ok(isHotspotError(settled, "HH_PLUGIN_HOOK_TIMEOUT"));
    assert.equal(settled.params.plugin, "hang");
    assert.equal(settled.params.hook, "authenticate");
    assert.equal(settled.params.ms, 1_000);
  });
});

describe("plugin host results", () => {
  test("a result that fails validation is HH_PLUGIN_RESULT_INVALID naming plugin and hook", async () => {
    const bad = plugin("bad", { maintain: async () => ({ result: "fine" }) as never });
    await assert.rejects(host().maintain(bad, joined(), PORTAL, SESSION), (e) => {
      assert.ok(isHotspotError(e, "HH_PLUGIN_RESULT_INVALID"));
      assert.deepEqual([e.params.plugin, e.params.hook], ["bad", "maintain"]);
      return true;
    });
  });

  test("missing hooks get the same answers everywhere", async () => {
    const bare = plugin("bare", {});
    const h = host();
    assert.equal((await h.authenticate(bare, joined(), PORTAL)).result.result, "unsupportedNetwork");
    assert.equal((await h.maintain(bare, joined(), PORTAL, SESSION)).result.result, "authenticationRequired");
    const online: PortalInfo = { verdict: "online", probeUrl: PORTAL.probeUrl };
    assert.equal((await h.maintain(bare, joined(), online, SESSION)).result.result, "success");
    assert.deepEqual(await h.logoff(bare, joined(), PORTAL, SESSION), { result: undefined });
    assert.equal(await h.filterScanList(bare, [network("Cafe")]), undefined);
  });

  test("evaluate hooks that throw or answer garbage are reported with the network and count as none", async () => {
    const throwing = plugin("throwing", {
      evaluate: async () => {
        throw new Error("boom");
      },
    });
    const garbage = plugin("garbage", { evaluate: async () => ({ confidence: "very" }) as never });
    const reported: { device: string | undefined; code: string; plugin: unknown }[] = [];
    const h = host({
      onHookError: (error: HotspotError, n?: JoinedNetwork) =>
        reported.push({ device: n?.interface, code: error.code, plugin: error.params.plugin }),
    });
    const { ranked } = await h.evaluate([claim("throwing"), claim("garbage")], joined(), PORTAL, {
      registry: lookup([throwing, garbage]),
    });
    assert.deepEqual(ranked, []);
    reported.sort((a, b) => String(b.plugin).localeCompare(String(a.plugin)));
    assert.deepEqual(reported, [
      { device: "wlan0", code: "HH_PLUGIN_HOOK_FAILED", plugin: "throwing" },
      { device: "wlan0", code: "HH_PLUGIN_RESULT_INVALID", plugin: "garbage" },
    ]);
  });
});

describe("plugin host services", () => {
  test("the logger is namespaced by plugin and never carries the plugin's credentials", async () => {
    const entries: PluginLogEntry[] = [];
    const chatty = plugin(
      "chatty",
      {
        authenticate: async ({ log, credentials }) => {
          log.info(`logging in with ${JSON.stringify(credentials)}`, { sent: credentials });
          return { result: "failure", reason: "test" };
        },
      },
      { username: "room-412", password: "Sm1th-secret" },
    );
    await host({ log: (e) => entries.push(e) }).authenticate(chatty, joined(), PORTAL);
    assert.equal(entries.length, 1);
    assert.equal(entries[0]?.plugin, "chatty");
    const text = JSON.stringify(entries);
    assert.doesNotMatch(text, /Sm1th-secret|room-412/);
    assert.match(text, /\*\*\*/);
  });

  test("what filterScanList stores, authenticate reads, through another host over the same folder", async () => {
    let seen: unknown;
    const keeper = plugin("keeper", {
      filterScanList: async (_n, { store }) => {
        await store.set("seen", "scan-1");
        return [];
      },
      authenticate: async ({ store }) => {
        seen = await store.get("seen");
        return { result: "failure", reason: "test" };
      },
    });
    await host().filterScanList(keeper, [network("Cafe")]);
    await host().authenticate(keeper, joined(), PORTAL);
    assert.equal(seen, "scan-1");
  });
});

describe("plugin host store failures", () => {
  test("a corrupt store file is a warning in the plugin's own log, and the hook still runs", async () => {
    const root = await mkdtemp(join(tmpdir(), "hh-host-corrupt-"));
    try {
      await mkdir(join(root, "broken"), { recursive: true });
      await writeFile(join(root, "broken", "store.json"), "{ torn write");
      const entries: PluginLogEntry[] = [];
      const broken = plugin("broken", {
        authenticate: async ({ store }) => ({
          result: "failure",
          reason: `token ${String(await store.get("token"))}`,
        }),
      });
      const outcome = await host({ storeRoot: root, log: (e) => entries.push(e) }).authenticate(
        broken,
        joined(),
        PORTAL,
      );
      assert.deepEqual(outcome.result, { result: "failure", reason: "token undefined" });
      assert.equal(entries[0]?.plugin, "broken");
      assert.equal(entries[0]?.level, "warn");
      assert.match(entries[0]?.message ?? "", /not a JSON object/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  test("a store over its cap rejects the plugin's set with HH_PLUGIN_STORE_FULL", async () => {
    const greedy = plugin("greedy", {
      authenticate: async ({ store }) => {
        await store.set("blob", "x".repeat(100));
        return { result: "success" };
      },
    });
    await assert.rejects(host({ storeMaxBytes: 50 }).authenticate(greedy, joined(), PORTAL), (e) => {
      assert.ok(isHotspotError(e, "HH_PLUGIN_HOOK_FAILED"));
      assert.ok(isHotspotError(e.cause, "HH_PLUGIN_STORE_FULL"));
      return true;
    });
  });
});

describe("plugin host RFC 8908 answers", () => {
  let server: Server;
  let api = "";
  before(async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/captive+json" });
      res.end(JSON.stringify({ captive: false, "seconds-remaining": 600 }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test("the API answer a login's traffic received comes back next to the result", async () => {
    const querying = plugin("querying", {
      authenticate: async ({ capport }) => {
        const info = await capport.query();
        return { result: "success", session: capport.sessionFacts(info) };
      },
    });
    const outcome = await host({ testNetwork: true }).authenticate(
      querying,
      joined({ captivePortalUri: api }),
      PORTAL,
    );
    assert.deepEqual(outcome.result, { result: "success", session: { expiresInSeconds: 600 } });
    assert.equal(outcome.capport?.captive, false);
    assert.equal(outcome.capport?.uri, api);
  });

  test("a call that did not query the API carries no answer", async () => {
    const quiet = plugin("quiet", { authenticate: async () => ({ result: "success" }) });
    const outcome = await host({ testNetwork: true }).authenticate(
      quiet,
      joined({ captivePortalUri: api }),
      PORTAL,
    );
    assert.equal("capport" in outcome, false);
  });
});
