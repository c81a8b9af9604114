import { fileURLToPath } from "node:url";
import { userConfigSchema } from "../../../src/config/schema.ts";
import { Daemon } from "../../../src/daemon/daemon.ts";
import { loadRegistry } from "../../../src/helper-api/loader.ts";
import { FixtureScanSource } from "../../../src/scan/fixture-source.ts";

/**
 * Run inside the client namespace by js-only-netns.test.ts (`ip netns exec`): the real
 * daemon with only the bundled example-js-portal plugin, joining "Cafe Free WiFi" of the
 * demo scan; the plugin's headless Chromium runs here too, so its traffic (through our
 * proxy) crosses the namespace's link and resolves through the access point's dnsmasq.
 * argv[2] is the portal's host; the account comes in HOTSPOT_TEST_ACCOUNT (JSON), not argv.
 * Prints the final state and the state changes as JSON.
 */
const SCAN = fileURLToPath(new URL("../../../fixtures/scans/demo.json", import.meta.url));
const account: unknown = JSON.parse(process.env.HOTSPOT_TEST_ACCOUNT ?? "null");
const config = userConfigSchema.parse({
  probeUrl: "http://connectivitycheck.gstatic.com/generate_204",
  plugins: {
    "example-js-portal": {
      config: { ssid: "Cafe Free WiFi", portalHost: process.argv[2], allowHttp: true },
      credentials: account,
    },
    "click-through": { enabled: false },
    "example-cafe": { enabled: false },
    wispr: { enabled: false },
    capport: { enabled: false },
    "uam-chap": { enabled: false },
  },
});
const registry = await loadRegistry({ pluginDirs: [], config, strict: true });
const source = new FixtureScanSource(SCAN);
const daemon = new Daemon({ source, registry, config, log: () => {}, verifyAttempts: 2, verifyDelayMs: 50 });
const states: string[] = [];
daemon.on("state", (c) => states.push(`${c.to}: ${c.reason}`));
await daemon.start();
source.join("02:ca:fe:00:00:01");
await daemon.session("wlan0")?.idle();
console.log(JSON.stringify({ state: daemon.session("wlan0")?.state ?? "none", states }));
await daemon.stop();
