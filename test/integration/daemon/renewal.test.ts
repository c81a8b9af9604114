import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { userConfigSchema } from "../../../src/config/schema.ts";
import { Daemon } from "../../../src/daemon/daemon.ts";
import { withPortal } from "../../../src/harness/index.ts";
import { loadRegistry } from "../../../src/helper-api/loader.ts";
import { scannedNetwork } from "../../../src/helper-api/network.ts";
import { FixtureScanSource } from "../../../src/scan/fixture-source.ts";

const CAPPORT = fileURLToPath(new URL("../../../plugins/capport", import.meta.url));
const AIRPORT = scannedNetwork({
  ssid: new TextEncoder().encode("Airport Free"),
  bssid: "02:00:00:00:00:0a",
  strength: 80,
  frequency: 2437,
  security: "open",
});

describe("an RFC 8908 session that announces its end (the expiring scenario) under the daemon", () => {
  test("maintain runs before seconds-remaining runs out and the capport plugin renews it through the portal", {
    timeout: 30_000,
  }, async (t) => {
    let clock = Date.UTC(2026, 0, 1, 12);
    await withPortal(
      { scenario: "expiring", now: () => clock, params: { sessionSeconds: 60 } },
      async (portal) => {
        const config = userConfigSchema.parse({
          plugins: { capport: { config: { ssids: ["Airport Free"], renewBelowSeconds: 20 } } },
        });
        const registry = await loadRegistry({
          pluginDirs: [CAPPORT],
          includeBundled: false,
          config,
          strict: true,
        });
        const source = new FixtureScanSource({ device: "wlan0", networks: [AIRPORT], at: 0 });
        const daemon = new Daemon({
          source,
          registry,
          config,
          log: () => {},
          probeUrlFor: () => portal.probeUrl,
          ...(portal.ca === undefined ? {} : { ca: portal.ca }),
          testNetwork: true,
          random: () => 0,
        });
        await daemon.start();
        t.mock.timers.enable({ apis: ["setTimeout"] });
        const maintained = () =>
          new Promise<string>((resolve) => daemon.once("maintained", (_d, _p, result) => resolve(result)));
        try {
          source.join(AIRPORT.bssid, { captivePortalUri: portal.apiUrl ?? "" });
          await daemon.session("wlan0")?.idle();
          const first = daemon.listSessions()[0];
          assert.equal(first?.state, "Authenticated");
          assert.equal(first?.expiresAt !== undefined, true);
          assert.equal(first?.canExtend, true);
          assert.equal(portal.log.filter((r) => r.method === "POST").length, 1);

          const renewAt = (first?.nextMaintainAt ?? 0) - Date.now();
          assert.ok(renewAt > 0 && renewAt < 60_000, `first maintain in ${renewAt} ms, before the 60 s end`);
          clock += 30_000;
          let done = maintained();
          t.mock.timers.tick(30_000);
          assert.equal(await done, "success");
          assert.equal(portal.log.filter((r) => r.path.endsWith("/extend")).length, 0);

          clock += 15_000;
          done = maintained();
          t.mock.timers.tick(15_000);
          assert.equal(await done, "success");
          assert.equal(portal.log.filter((r) => r.method === "POST" && r.path.endsWith("/extend")).length, 1);
          assert.equal(portal.authorized(), true);
          const renewed = daemon.listSessions()[0];
          assert.equal(renewed?.state, "Authenticated");
          // 15 s were left on the portal's clock; renewed, a full minute is left again.
          const left = (renewed?.expiresAt ?? 0) - Date.now();
          assert.ok(left > 50_000 && left <= 60_000, `${left} ms left after renewal`);
          assert.equal(
            portal.log.filter((r) => r.method === "POST" && !r.path.endsWith("/extend")).length,
            1,
          );
        } finally {
          t.mock.timers.reset();
          await daemon.stop();
        }
      },
    );
  });
});
