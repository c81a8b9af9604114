import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { userConfigSchema } from "../../../src/config/schema.ts";
import { Daemon } from "../../../src/daemon/daemon.ts";
import { withPortal } from "../../../src/harness/index.ts";
import { loadRegistry } from "../../../src/helper-api/loader.ts";
import { scannedNetwork } from "../../../src/helper-api/network.ts";
import { FixtureScanSource } from "../../../src/scan/fixture-source.ts";
import { SimulatedClock } from "../../soak/clock.ts";

const CAPPORT = fileURLToPath(new URL("../../../plugins/capport", import.meta.url));
const DAY_PASS = scannedNetwork({
  ssid: new TextEncoder().encode("Day Pass"),
  bssid: "02:00:00:00:00:0d",
  strength: 80,
  frequency: 2437,
  security: "open",
});

describe("an RFC 8908 session that cannot be extended, under the daemon on a simulated clock", () => {
  test("is looked at on the periodic interval and once at its end, where the capport plugin logs in again, not every second before the end", async () => {
    const clock = new SimulatedClock();
    await withPortal(
      {
        scenario: "capport",
        variant: "no-extend",
        now: () => clock.now(),
        params: { sessionSeconds: 600, bytesQuota: 0 },
      },
      async (portal) => {
        const config = userConfigSchema.parse({
          plugins: { capport: { config: { ssids: ["Day Pass"], renewBelowSeconds: 300 } } },
        });
        const registry = await loadRegistry({
          pluginDirs: [CAPPORT],
          includeBundled: false,
          config,
          strict: true,
        });
        const source = new FixtureScanSource({ device: "wlan0", networks: [DAY_PASS], at: 0 });
        const daemon = new Daemon({
          source,
          registry,
          config,
          log: () => {},
          probeUrlFor: () => portal.probeUrl,
          ...(portal.ca === undefined ? {} : { ca: portal.ca }),
          testNetwork: true,
          random: () => 0,
          clock,
        });
        const maintains: number[] = [];
        let logins = 0;
        const started = clock.now();
        daemon.on("maintained", () => maintains.push((clock.now() - started) / 1000));
        daemon.on("authenticated", () => logins++);
        await daemon.start();
        try {
          source.join(DAY_PASS.bssid, { captivePortalUri: portal.apiUrl ?? "" });
          await daemon.session("wlan0")?.idle();
          assert.equal(daemon.listSessions()[0]?.canExtend, false);
          await clock.advance(700_000, async () => daemon.session("wlan0")?.idle());
          assert.deepEqual(maintains, [300, 600]);
          assert.equal(logins, 2);
          assert.equal(portal.authorized(), true);
          assert.equal(daemon.listSessions()[0]?.state, "Authenticated");
        } finally {
          await daemon.stop();
        }
      },
    );
  });
});
