import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { userConfigSchema } from "../../../src/config/schema.ts";
import { Daemon } from "../../../src/daemon/daemon.ts";
import type { StateChange } from "../../../src/daemon/events.ts";
import { type LogEntry, streamSink } from "../../../src/daemon/log.ts";
import type { HotspotError } from "../../../src/errors.ts";
import { type Portal, startPortal } from "../../../src/harness/index.ts";
import { loadRegistry } from "../../../src/helper-api/loader.ts";
import { FixtureScanSource } from "../../../src/scan/fixture-source.ts";

const PLUGINS = fileURLToPath(new URL("../../fixtures/daemon-plugins/", import.meta.url));
const account = { username: "alice", password: "s3cret-Pa55word" };

async function world(opts: { portalHost: string; pluginDirs?: string[]; onlyLeaky?: boolean }) {
  const portal = await startPortal({ scenario: "form-login", credentials: account });
  const config = userConfigSchema.parse({
    probeUrl: portal.probeUrl,
    plugins: {
      "example-cafe": opts.onlyLeaky
        ? { enabled: false }
        : { config: { portalHost: opts.portalHost, allowHttp: true }, credentials: account },
      leaky: { credentials: account },
      chatty: { credentials: account },
      "click-through": { enabled: false },
    },
  });
  const registry = await loadRegistry({ pluginDirs: opts.pluginDirs ?? [], config, strict: false });
  const source = new FixtureScanSource(
    fileURLToPath(new URL("../../../fixtures/scans/demo.json", import.meta.url)),
  );
  const logs: LogEntry[] = [];
  const printed: string[] = [];
  const sink = streamSink({ write: (s: string) => printed.push(s) }, { minLevel: "debug" });
  const daemon = new Daemon({
    source,
    registry,
    config,
    log: (e) => {
      logs.push(e);
      sink(e);
    },
    retry: { retries: 0, minTimeoutMs: 1, maxTimeoutMs: 1 },
    verifyAttempts: 1,
  });
  const states: StateChange[] = [];
  const problems: HotspotError[] = [];
  daemon.on("state", (c) => states.push(c));
  daemon.on("problem", (_d, e) => problems.push(e));
  await daemon.start();
  const settle = async () => {
    await daemon.session("wlan0")?.idle();
  };
  return { portal, daemon, source, states, problems, logs, printed, settle, registry };
}

describe("Daemon", () => {
  const portals: Portal[] = [];
  after(async () => {
    await Promise.all(portals.map((p) => p.close()));
  });

  test("an evil twin with our SSID but another portal host is declined and gets no credential", async () => {
    const w = await world({ portalHost: "portal.cafe.example" });
    portals.push(w.portal);
    w.source.join("02:ca:fe:00:00:01");
    await w.settle();
    await w.daemon.stop();
    assert.equal(w.daemon.session("wlan0")?.state, "Inactive");
    assert.ok(w.states.some((s) => /declined after evaluate/.test(s.reason)));
    assert.deepEqual(w.portal.receivedCredentials, []);
    assert.equal(w.portal.log.filter((r) => r.method === "POST").length, 0);
  });

  test("a plugin posting credentials to an undeclared host is refused before anything is sent", async () => {
    const w = await world({ portalHost: "127.0.0.1", pluginDirs: [`${PLUGINS}leaky`], onlyLeaky: true });
    portals.push(w.portal);
    w.source.join("02:ca:fe:00:00:01");
    await w.settle();
    await w.daemon.stop();
    assert.equal(w.daemon.session("wlan0")?.state, "Inactive");
    assert.ok(
      w.problems.some(
        (e) => e.code === "HH_PLUGIN_HOOK_FAILED" && /refused to send credentials/.test(e.message),
      ),
    );
    assert.deepEqual(w.portal.receivedCredentials, []);
    assert.equal(w.portal.log.filter((r) => r.method === "POST").length, 0);
    assert.ok(!w.printed.join("").includes(account.password));
  });

  test("a plugin's failure text quoting its password leaves the daemon redacted in events and logs", async () => {
    const w = await world({ portalHost: "127.0.0.1", pluginDirs: [`${PLUGINS}chatty`], onlyLeaky: true });
    portals.push(w.portal);
    w.source.join("02:ca:fe:00:00:01");
    await w.settle();
    await w.daemon.stop();
    const failure = w.states.find((s) => s.to === "Failure");
    assert.ok(failure);
    assert.match(failure.reason, /the portal refused \*\*\*:\*\*\*/);
    const everything = [
      ...w.states.map((s) => s.reason),
      ...w.problems.map((e) => e.message),
      w.printed.join(""),
    ];
    assert.ok(!everything.some((t) => t.includes(account.password)));
  });

  test("the daemon skips a broken plugin, says which, and still logs in with the others", async () => {
    const w = await world({ portalHost: "127.0.0.1", pluginDirs: [`${PLUGINS}broken`] });
    portals.push(w.portal);
    assert.ok(
      w.logs.some((l) => l.level === "warn" && /plugin skipped: .*broken.*index\.ts/.test(l.message)),
    );
    w.source.join("02:ca:fe:00:00:01");
    await w.settle();
    assert.equal(w.daemon.session("wlan0")?.state, "Authenticated");
    assert.equal(w.portal.authorized(), true);
    assert.equal(await w.daemon.logoff("wlan0"), 1);
    assert.equal(w.portal.authorized(), false);
    await w.daemon.stop();
    assert.ok(!w.printed.join("").includes(account.password));
  });

  test("plugins loaded in the daemon's own process report the state in-process to the API", async () => {
    const w = await world({ portalHost: "127.0.0.1" });
    portals.push(w.portal);
    const states = w.daemon.pluginStates();
    assert.deepEqual(
      states.map((s) => s.id),
      w.registry.plugins.map((p) => p.id),
    );
    assert.ok(states.length > 0);
    for (const s of states) assert.deepEqual(s, { id: s.id, state: "in-process", restarts: 0, crashes: 0 });
    await w.daemon.stop();
  });

  test("a scan is annotated with each network's claims", async () => {
    const w = await world({ portalHost: "127.0.0.1" });
    portals.push(w.portal);
    const cafe = w.source.current()[0]?.networks.find((n) => n.ssidText === "Cafe Free WiFi");
    assert.ok(cafe);
    assert.deepEqual(
      w.daemon.claimsFor(cafe).map((c) => [c.pluginId, c.confidence]),
      [["example-cafe", "high"]],
    );
    await w.daemon.stop();
  });
});
