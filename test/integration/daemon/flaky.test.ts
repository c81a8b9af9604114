import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { userConfigSchema } from "../../../src/config/schema.ts";
import { Daemon } from "../../../src/daemon/daemon.ts";
import type { StateChange } from "../../../src/daemon/events.ts";
import type { HttpLogEntry, LogEntry } from "../../../src/daemon/log.ts";
import type { HotspotError } from "../../../src/errors.ts";
import { startPortal } from "../../../src/harness/index.ts";
import { loadRegistry } from "../../../src/helper-api/loader.ts";
import { FixtureScanSource } from "../../../src/scan/fixture-source.ts";

const SCAN = fileURLToPath(new URL("../../../fixtures/scans/demo.json", import.meta.url));
const account = { username: "flaky-user", password: "fl4ky-Secret-pw" };
const RETRIES = 4;

describe("Daemon against the flaky portal", () => {
  test("gets through the 503s and dropped connections by retrying, ends Authenticated, and sends the account only to the portal", async () => {
    // The file's faults (3 × 503, every 4th request dropped) without its 300 ms slowdowns.
    const portal = await startPortal({ scenario: "flaky", credentials: account, faults: { slowMs: 0 } });
    const config = userConfigSchema.parse({
      probeUrl: portal.probeUrl,
      plugins: {
        "example-cafe": { config: { portalHost: "127.0.0.1", allowHttp: true }, credentials: account },
        "click-through": { enabled: false },
        wispr: { enabled: false },
        capport: { enabled: false },
        "uam-chap": { enabled: false },
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
      // A tiny backoff: the retries are what is under test, not their waiting.
      retry: { retries: RETRIES, minTimeoutMs: 1, maxTimeoutMs: 4 },
      verifyAttempts: 3,
      verifyDelayMs: 1,
    });
    const states: StateChange[] = [];
    const problems: HotspotError[] = [];
    daemon.on("state", (c) => states.push(c));
    daemon.on("problem", (_device, e) => problems.push(e));
    try {
      await daemon.start();
      source.join("02:ca:fe:00:00:01");
      await daemon.session("wlan0")?.idle();

      const trail = states.map((s) => `${s.to}: ${s.reason}`).join("\n");
      assert.equal(daemon.session("wlan0")?.state, "Authenticated", trail);
      assert.equal(portal.authorized(), true);

      assert.deepEqual(
        portal.log.slice(0, 3).map((e) => e.status),
        [503, 503, 503],
      );
      assert.ok(
        portal.log.some((e) => e.status === 0),
        "a connection was dropped on the way",
      );
      const reprobes = states.filter((s) => /probing again/.test(s.reason)).length;
      assert.ok(reprobes >= 3 && reprobes <= RETRIES, trail);
      const logins = states.filter((s) => s.to === "Authenticating").length;
      assert.ok(logins >= 1 && logins <= RETRIES + 1, trail);
      const posts = portal.log.filter((e) => e.method === "POST");
      assert.ok(posts.length >= 1 && posts.length <= RETRIES + 1);
      assert.ok(portal.log.length <= 40, `${portal.log.length} requests`);

      assert.ok(portal.receivedCredentials.length >= 1);
      for (const c of portal.receivedCredentials) {
        assert.deepEqual([c.host.replace(/:\d+$/, ""), c.path], ["127.0.0.1", "/login"]);
      }
      assert.ok(problems.every((p) => p.code.startsWith("HH_")));
      const captured = JSON.stringify([logs, http, problems.map((p) => p.message), trail]);
      assert.ok(!captured.includes(account.password));
    } finally {
      await daemon.stop();
      await portal.close();
    }
  });
});
