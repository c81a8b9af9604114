import { fileURLToPath } from "node:url";
import { userConfigSchema } from "../../../src/config/schema.ts";
import { Daemon } from "../../../src/daemon/daemon.ts";
import { loadRegistry } from "../../../src/helper-api/loader.ts";
import { FixtureScanSource } from "../../../src/scan/fixture-source.ts";

const SCAN = fileURLToPath(new URL("../../../fixtures/scans/demo.json", import.meta.url));

/**
 * For the scripts the netns tests run inside the client namespace: the real daemon with the
 * given plugin settings (every bundled plugin not named there disabled by the caller), joining
 * `bssid` of the demo scan with the real probe URL. Prints the final state and the state
 * changes as JSON.
 */
export async function joinInNamespace(plugins: Record<string, unknown>, bssid: string): Promise<void> {
  const config = userConfigSchema.parse({
    probeUrl: "http://connectivitycheck.gstatic.com/generate_204",
    plugins,
  });
  const registry = await loadRegistry({ pluginDirs: [], config, strict: true });
  const source = new FixtureScanSource(SCAN);
  const daemon = new Daemon({
    source,
    registry,
    config,
    log: () => {},
    verifyAttempts: 2,
    verifyDelayMs: 50,
  });
  const states: string[] = [];
  daemon.on("state", (c) => states.push(`${c.to}: ${c.reason}`));
  await daemon.start();
  source.join(bssid);
  await daemon.session("wlan0")?.idle();
  console.log(JSON.stringify({ state: daemon.session("wlan0")?.state ?? "none", states }));
  await daemon.stop();
}
