import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { detectPortal } from "../src/auth/detect.ts";
import { launchBrowser } from "../src/browser/launch.ts";
import { createWarmBrowser, type WarmBrowser } from "../src/browser/warm.ts";
import { startWarmInstance } from "../src/browser/warm-instance.ts";
import { userConfigSchema } from "../src/config/schema.ts";
import { startPortal } from "../src/harness/index.ts";
import { loadRegistry } from "../src/helper-api/loader.ts";
import { type JoinedNetwork, scannedNetwork } from "../src/helper-api/network.ts";
import { createPluginHost } from "../src/plugin-host/host.ts";
import { PluginSupervisor } from "../src/plugin-host/supervisor.ts";
import { loopbackPortalSettings } from "../test/integration/browser/helpers.ts";

/**
 * The browser login in the default mode: the plugin's hooks run in a process of their own
 * (pluginIsolation "process"), so its `ctx.browser()` is lent the daemon's warm Chromium
 * through the DevTools relay, or launches one in that process. Each run loads the plugins
 * into a fresh supervisor and starts their processes ahead (as a scan does in the daemon:
 * the process is up and has loaded its link context by the join), then times the
 * authenticate call from the daemon's side: IPC, the hook, and for the browser the lease
 * or the launch.
 */

const root = fileURLToPath(new URL("../", import.meta.url));
/** Between the processes being up (and the warm tab ready) and the login: the join takes seconds. */
const SETTLE_MS = 2_000;

export const CITY = scannedNetwork({
  ssid: new TextEncoder().encode("City Wi-Fi"),
  bssid: "02:c1:71:00:00:01",
  strength: 70,
  frequency: 2437,
  security: "open",
});
const JOINED: JoinedNetwork = { ...CITY, interface: "wlan0", justJoined: true, autoJoined: true };

export type IsolatedLogin = "plain" | "cold" | "warm";

/** One login of `kind` with the plugin in its own process, ms (throws unless it succeeded). */
export async function isolatedLoginMs(kind: IsolatedLogin): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), "hh-bench-browser-"));
  const portal = await startPortal({ scenario: kind === "plain" ? "form-login:direct" : "js-only" });
  const pluginId = kind === "plain" ? "example-cafe" : "example-js-portal";
  const config = userConfigSchema.parse({
    probeUrl: portal.probeUrl,
    plugins: { [pluginId]: loopbackPortalSettings(portal) },
  });
  const supervisor = new PluginSupervisor({
    storeRoot: join(dir, "stores"),
    tmpRoot: join(dir, "tmp"),
    side: {},
    importTimeoutMs: 30_000,
    permissions: true,
    log: () => {},
    pluginLog: () => {},
  });
  let warm: WarmBrowser | undefined;
  let lent = 0;
  try {
    if (kind === "warm") {
      const w = createWarmBrowser({
        start: () => startWarmInstance({ launch: (o) => launchBrowser(o) }),
        needsBrowser: () => true,
      });
      warm = w;
      w.onScan(
        "wlan0",
        [CITY],
        [[{ pluginId, displayName: "City Wi-Fi", confidence: "high", priority: 0, origin: "static" }]],
      );
    }
    const host = createPluginHost({
      config,
      storeRoot: join(dir, "stores"),
      processes: supervisor,
      ...(warm
        ? {
            warmBrowser: {
              acquireData: async (signal, binding) => {
                const lease = await warm?.acquireData(signal, binding);
                if (lease !== undefined) lent++;
                return lease;
              },
            },
          }
        : {}),
    });
    const registry = await loadRegistry({
      roots: [{ kind: "cli", path: join(root, "plugins", pluginId), required: true }],
      config,
      strict: true,
      isolate: supervisor,
      host,
    });
    const plugin = registry.get(pluginId);
    if (!plugin) throw new Error(`${pluginId} did not load`);
    await supervisor.ready(pluginId);
    if (warm && !(await warm.ready())) throw new Error("the warm browser prepared no tab");
    await delay(SETTLE_MS);
    const info = await detectPortal(portal.probeUrl);
    const started = performance.now();
    const answer = await host.authenticate(plugin, JOINED, info);
    const ms = performance.now() - started;
    if (answer.result.result !== "success")
      throw new Error(`${kind} isolated login: ${JSON.stringify(answer.result)}`);
    // A warm login that launched its own browser would be measured as warm otherwise.
    if (kind === "warm" && lent !== 1)
      throw new Error("the isolated warm login did not use the warm browser");
    return ms;
  } finally {
    await warm?.close();
    await supervisor.close();
    await portal.close();
    await rm(dir, { recursive: true, force: true });
  }
}
