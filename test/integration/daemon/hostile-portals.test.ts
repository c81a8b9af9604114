import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import v8 from "node:v8";
import vm from "node:vm";
import { userConfigSchema } from "../../../src/config/schema.ts";
import { Daemon } from "../../../src/daemon/daemon.ts";
import type { StateChange } from "../../../src/daemon/events.ts";
import type { HttpLogEntry, LogEntry } from "../../../src/daemon/log.ts";
import type { HotspotError } from "../../../src/errors.ts";
import { listScenarios, startPortal } from "../../../src/harness/index.ts";
import { loadRegistry } from "../../../src/helper-api/loader.ts";
import { FixtureScanSource } from "../../../src/scan/fixture-source.ts";

const SCAN = fileURLToPath(new URL("../../../fixtures/scans/demo.json", import.meta.url));
const account = { username: "hostile-victim", password: "n0t-For-Strangers-9x" };
/** The only host the credentialed plugins declare (the harness portal's address). */
const DECLARED = "127.0.0.1";
/** Far above any variant (the slowest, the flaky portal's retries, takes about a second); a hang ends here. */
const DEADLINE_MS = 30_000;
/** Retained heap after a variant, with a garbage collection on both sides: the bombs are 50-256 MB. */
const MAX_HEAP_GROWTH = 32 * 1024 * 1024;
/** Peak resident memory over the whole file: a client that buffered the 256 MiB gzip bomb passes this. */
const MAX_PEAK_RSS_GROWTH = 200 * 1024 * 1024;

v8.setFlagsFromString("--expose-gc");
const gc: unknown = vm.runInNewContext("gc");
function collect(): void {
  if (typeof gc === "function") gc();
}

/** Every variant of the hostile and flaky scenarios, so a new trap is covered the day it is added. */
const VARIANTS = listScenarios()
  .filter((s) => s.name === "hostile" || s.name === "flaky")
  .flatMap((s) => [s.name, ...s.variants.map((v) => `${s.name}:${v.name}`)]);

function settled(daemon: Daemon): Promise<"idle" | "deadline"> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<"deadline">((resolve) => {
    timer = setTimeout(() => resolve("deadline"), DEADLINE_MS);
  });
  const idle = (daemon.session("wlan0")?.idle() ?? Promise.resolve()).then(() => "idle" as const);
  return Promise.race([idle, deadline]).finally(() => clearTimeout(timer));
}

/** The bundled generic plugins set to look at every open network, two with the account. */
const GENERIC = {
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

/**
 * On the café, the credentialed operator plugin claims at high confidence and the bundled
 * plugins keep their defaults (they claim nothing until configured); on the guest network the
 * bundled generic plugins claim every open network, two of them with the account.
 */
const NETWORKS = [
  { name: "cafe", bssid: "02:ca:fe:00:00:01" },
  { name: "guest", bssid: "02:11:b0:00:00:01" },
] as const;
type Network = (typeof NETWORKS)[number];

async function runVariant(scenario: string, network: Network) {
  const portal = await startPortal({ scenario, credentials: account, faults: { slowMs: 0 } });
  const config = userConfigSchema.parse({
    probeUrl: portal.probeUrl,
    plugins: {
      "example-cafe": { config: { portalHost: DECLARED, allowHttp: true }, credentials: account },
      ...(network.name === "guest" ? GENERIC : {}),
    },
  });
  const registry = await loadRegistry({ pluginDirs: [], config, strict: true });
  const source = new FixtureScanSource(SCAN);
  const logs: LogEntry[] = [];
  const http: HttpLogEntry[] = [];
  const daemon = new Daemon({
    source,
    registry,
    config,
    log: (e) => logs.push(e),
    onHttp: (e) => http.push(e),
    retry: { retries: 4, minTimeoutMs: 1, maxTimeoutMs: 4 },
    verifyAttempts: 3,
    verifyDelayMs: 1,
    testNetwork: true,
    ...(portal.ca === undefined ? {} : { ca: portal.ca }),
  });
  const states: StateChange[] = [];
  const problems: HotspotError[] = [];
  daemon.on("state", (c) => states.push(c));
  daemon.on("problem", (_device, e) => problems.push(e));
  collect();
  const heapBefore = process.memoryUsage().heapUsed;
  try {
    await daemon.start();
    source.join(network.bssid, portal.apiUrl === undefined ? {} : { captivePortalUri: portal.apiUrl });
    const ended = await settled(daemon);
    const state = daemon.session("wlan0")?.state;
    collect();
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    return {
      portal,
      states,
      problems,
      logs,
      http,
      ended,
      state,
      heapGrowth,
      plugins: registry.plugins.map((p) => p.id),
    };
  } finally {
    await daemon.stop();
    await portal.close();
  }
}

describe("Daemon against every hostile and flaky portal, with the bundled plugins and credentialed ones", () => {
  const rssBefore = process.resourceUsage().maxRSS * 1024;

  test("the variants are found in the catalogue", () => {
    assert.ok(VARIANTS.includes("hostile:gzip-bomb") && VARIANTS.includes("flaky"), VARIANTS.join());
    assert.ok(VARIANTS.length >= 7, VARIANTS.join());
  });

  for (const scenario of VARIANTS)
    for (const network of NETWORKS)
      test(`${scenario} on the ${network.name} network: the join ends in a final state, memory stays bounded and the account goes only to the declared host`, async () => {
        const r = await runVariant(scenario, network);
        const trail = r.states.map((s) => `${s.to}: ${s.reason}`).join("\n");
        assert.equal(r.ended, "idle", `still working after ${DEADLINE_MS} ms:\n${trail}`);
        assert.ok(
          r.plugins.includes("example-cafe") && r.plugins.includes("click-through"),
          r.plugins.join(),
        );
        assert.ok(r.state !== "Evaluating" && r.state !== "Authenticating", `${r.state}\n${trail}`);
        if (scenario === "flaky" && network.name === "cafe") assert.equal(r.state, "Authenticated", trail);
        else assert.notEqual(r.portal.authorized(), true, `a trap let the client through:\n${trail}`);
        assert.ok(r.heapGrowth < MAX_HEAP_GROWTH, `heap grew ${(r.heapGrowth / 1048576).toFixed(1)} MiB`);

        for (const c of r.portal.receivedCredentials) {
          assert.equal(c.host.replace(/:\d+$/, ""), DECLARED, `credentials sent to ${c.host}${c.path}`);
        }
        if (scenario === "hostile:evil-twin") assert.deepEqual(r.portal.receivedCredentials, []);
        assert.ok(
          r.problems.every((p) => p.code.startsWith("HH_")),
          r.problems.map((p) => p.message).join("\n"),
        );
        const captured = JSON.stringify([r.logs, r.http, r.problems.map((p) => p.message), trail]);
        assert.ok(!captured.includes(account.password), "the password reached a log");
      });

  test("peak resident memory over every variant stays bounded", () => {
    const growth = process.resourceUsage().maxRSS * 1024 - rssBefore;
    assert.ok(growth < MAX_PEAK_RSS_GROWTH, `peak RSS grew ${(growth / 1048576).toFixed(0)} MiB`);
  });
});
