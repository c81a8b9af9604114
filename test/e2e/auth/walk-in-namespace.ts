import { fileURLToPath } from "node:url";
import { userConfigSchema } from "../../../src/config/schema.ts";
import { Daemon } from "../../../src/daemon/daemon.ts";
import { loadRegistry } from "../../../src/helper-api/loader.ts";
import { FixtureScanSource } from "../../../src/scan/fixture-source.ts";

/**
 * Run inside the client namespace by walk-netns.test.ts (`ip netns exec`): the real daemon
 * with only the click-through plugin, joining "Library Guest" of the demo scan; names
 * resolve through the namespace's resolver (the access point's dnsmasq). Prints the final
 * state and the state changes as JSON.
 */
const SCAN = fileURLToPath(new URL("../../../fixtures/scans/demo.json", import.meta.url));
const config = userConfigSchema.parse({
  probeUrl: "http://connectivitycheck.gstatic.com/generate_204",
  plugins: {
    "click-through": { config: { ssids: ["Library Guest"] } },
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
source.join("02:11:b0:00:00:01");
await daemon.session("wlan0")?.idle();
console.log(JSON.stringify({ state: daemon.session("wlan0")?.state ?? "none", states }));
await daemon.stop();
