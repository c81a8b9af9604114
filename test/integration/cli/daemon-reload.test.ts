import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { stateSchema } from "../../../src/daemon/state/schema.ts";
import { type PrivateBus, startPrivateBus } from "../../../src/harness/dbus-daemon.ts";
import { type Portal, startPortal } from "../../../src/harness/index.ts";
import { SimulatedNetworkManager } from "../../../src/harness/nm/index.ts";
import { noDbusReason } from "../nm/helpers.ts";
import { DaemonProcess, tempStateDir } from "./daemon-process.ts";

const ROOT = join(import.meta.dirname, "../../..");

describe("hotspot daemon reloads its config and plugins on SIGHUP", { skip: noDbusReason }, () => {
  let bus: PrivateBus;
  let sim: SimulatedNetworkManager;
  let portal: Portal;
  let dir = "";
  let config = "";
  let daemon: DaemonProcess;
  let ap = "";
  const stateDir = tempStateDir();

  const writeConfig = (extra: Record<string, unknown>) =>
    writeFile(
      config,
      JSON.stringify({
        probeUrl: portal.probeUrl,
        plugins: { "click-through": { config: { ssids: ["Hotel Guest"] } } },
        ...extra,
      }),
    );

  before(async () => {
    bus = await startPrivateBus();
    sim = await SimulatedNetworkManager.start({ busAddress: bus.address, connectivity: "portal" });
    sim.addWifiDevice("wlan0");
    ap = sim.addAccessPoint("wlan0", { ssid: "Hotel Guest", bssid: "02:00:00:00:00:01", strength: 70 });
    sim.completeScan("wlan0");
    portal = await startPortal({ scenario: "click-through" });
    dir = await mkdtemp(join(tmpdir(), "hotspot-daemon-reload-"));
    config = join(dir, "config.json");
    await writeConfig({});
    daemon = new DaemonProcess(
      [
        "--bus",
        bus.address,
        "--no-bundled",
        "--plugins",
        "plugins/click-through",
        "--config",
        config,
        "--json-logs",
      ],
      { STATE_DIRECTORY: stateDir },
    );
  });
  after(async () => {
    daemon?.kill("SIGKILL");
    await portal?.close();
    await sim?.stop();
    await bus?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test("a plugin added through the config loads, and the running session is kept", async () => {
    await daemon.waitFor(/^started: /);
    await sim.join("wlan0", ap, { ipv4: "10.0.0.23", gateway: "10.0.0.1" });
    await daemon.waitFor(/wlan0: Authenticating → Authenticated/);
    const linesBefore = daemon.lines.length;
    await writeConfig({ pluginDirs: [join(ROOT, "test/fixtures/cli-plugins/cafe-free")] });
    daemon.kill("SIGHUP");
    const reloaded = await daemon.waitFor(/^reloaded: 2 plugin\(s\)/);
    assert.equal(reloaded.level, "info");
    const since = daemon.lines.slice(linesBefore);
    assert.ok(!since.some((l) => /wlan0: .* → /.test(l.message)), JSON.stringify(since));
    assert.equal(portal.log.filter((r) => r.method === "POST").length, 1);
  });

  test("a config that no longer validates is refused and the daemon keeps running as it was", async () => {
    await writeConfig({ maintainIntervalSeconds: "often" });
    daemon.kill("SIGHUP");
    const refused = await daemon.waitFor(/^reload failed, keeping the running config and plugins: /);
    assert.equal(refused.level, "error");
    assert.match(refused.message, /maintainIntervalSeconds/);
    daemon.kill("SIGTERM");
    assert.equal((await daemon.exited).code, 0);
    assert.equal(daemon.lines.at(-1)?.message, "stopped");
  });

  test("stopping logs nothing off and leaves the session saved for the next start", async () => {
    assert.equal(portal.authorized(), true);
    assert.equal(portal.log.filter((r) => r.method === "POST").length, 1);
    const state = stateSchema.parse(JSON.parse(await readFile(join(stateDir, "state.json"), "utf8")));
    const saved = Object.values(state.sessions.wlan0 ?? {});
    assert.equal(saved.length, 1);
    assert.equal(saved[0]?.ssidText, "Hotel Guest");
    assert.equal(saved[0]?.pluginId, "click-through");
  });
});
