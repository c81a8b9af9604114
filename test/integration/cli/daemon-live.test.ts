import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type PrivateBus, startPrivateBus } from "../../../src/harness/dbus-daemon.ts";
import { type Portal, startPortal } from "../../../src/harness/index.ts";
import { SimulatedNetworkManager } from "../../../src/harness/nm/index.ts";
import { DbusMock, dbusmockUnavailableReason } from "../nm/dbusmock.ts";
import { noDbusReason } from "../nm/helpers.ts";
import { NmcliMockExtras, nmcliUnavailableReason } from "../nodewifi/helpers.ts";
import { DaemonProcess } from "./daemon-process.ts";

const TOKEN = "tok-Very-Secret-42";

/** A config that points the probe at the portal and enables click-through for the SSID. */
async function writeConfig(
  dir: string,
  portal: Portal,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const file = join(dir, "config.json");
  await writeFile(
    file,
    JSON.stringify({
      probeUrl: portal.probeUrl,
      plugins: { "click-through": { config: { ssids: ["Hotel Guest"] } }, ...extra },
    }),
  );
  return file;
}

describe("hotspot daemon --bus against the simulated NetworkManager and a loopback click-through portal", {
  skip: noDbusReason,
}, () => {
  let bus: PrivateBus;
  let sim: SimulatedNetworkManager;
  let portal: Portal;
  let dir: string;
  let daemon: DaemonProcess;
  let ap = "";
  let checkConnectivityCalled: Promise<void>;

  before(async () => {
    bus = await startPrivateBus();
    sim = await SimulatedNetworkManager.start({ busAddress: bus.address, connectivity: "portal" });
    sim.addWifiDevice("wlan0");
    ap = sim.addAccessPoint("wlan0", { ssid: "Hotel Guest", bssid: "02:00:00:00:00:01", strength: 70 });
    sim.completeScan("wlan0");
    checkConnectivityCalled = new Promise((resolve) =>
      sim.onCheckConnectivity(() => {
        resolve();
        return "full";
      }),
    );
    portal = await startPortal({ scenario: "click-through" });
    dir = await mkdtemp(join(tmpdir(), "hotspot-daemon-test-"));
    const config = await writeConfig(dir, portal, { "test-chatty": { credentials: { token: TOKEN } } });
    daemon = new DaemonProcess([
      "--bus",
      bus.address,
      "--no-bundled",
      "--plugins",
      "plugins/click-through",
      "--plugins",
      "test/fixtures/daemon-cli-plugins/chatty",
      "--plugins",
      "test/fixtures/cli-plugins/broken",
      "--config",
      config,
      "--json-logs",
    ]);
  });
  after(async () => {
    daemon?.kill("SIGKILL");
    await portal?.close();
    await sim?.stop();
    await bus?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test("it starts on the given bus with the working plugins and skips the broken one with a message", async () => {
    const started = await daemon.waitFor(/^started: source networkmanager/);
    assert.match(started.message, /2 plugin\(s\) loaded/);
    assert.ok(daemon.lines.some((l) => l.level === "warn" && /^plugin skipped: /.test(l.message)));
  });

  test("a join in the simulator ends with the portal authorising us and NetworkManager re-checking connectivity", async () => {
    assert.equal(portal.authorized(), false);
    await sim.join("wlan0", ap, { ipv4: "10.0.0.23", gateway: "10.0.0.1" });
    await checkConnectivityCalled;
    assert.equal(portal.authorized(), true);
    assert.ok(sim.calls("org.freedesktop.NetworkManager.CheckConnectivity") >= 1);
    await daemon.waitFor(/→ Authenticated/);
  });

  test("a plugin's credential never reaches the log, even when the plugin logs it", async () => {
    await daemon.waitFor(/evaluating with token/);
    assert.ok(!daemon.stderr.includes(TOKEN));
    assert.ok(
      daemon.lines.some((l) => l.scope === "test-chatty" && l.message === "evaluating with token ***"),
    );
  });

  test("SIGTERM stops it cleanly with exit code 0", async () => {
    daemon.kill("SIGTERM");
    const { code, signal } = await daemon.exited;
    assert.equal(signal, null);
    assert.equal(code, 0);
    assert.ok(daemon.lines.some((l) => l.message === "SIGTERM received, stopping"));
    assert.equal(daemon.lines.at(-1)?.message, "stopped");
  });
});

describe("hotspot daemon --backend nmcli against python3-dbusmock and a loopback click-through portal", {
  skip: noDbusReason ?? dbusmockUnavailableReason() ?? nmcliUnavailableReason(),
}, () => {
  let bus: PrivateBus;
  let mock: DbusMock;
  let portal: Portal;
  let dir: string;
  let daemon: DaemonProcess;

  before(async () => {
    bus = await startPrivateBus();
    mock = await DbusMock.start(bus.address);
    portal = await startPortal({ scenario: "click-through" });
    dir = await mkdtemp(join(tmpdir(), "hotspot-daemon-nmcli-test-"));
    const config = await writeConfig(dir, portal);
    daemon = new DaemonProcess([
      "--backend",
      "nmcli",
      "--bus",
      bus.address,
      "--poll-interval",
      "200",
      "--no-bundled",
      "--plugins",
      "plugins/click-through",
      "--config",
      config,
      "--json-logs",
      "--verbose",
    ]);
  });
  after(async () => {
    daemon?.kill("SIGKILL");
    await portal?.close();
    await mock?.stop();
    await bus?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test("a join seen by polling nmcli is logged in through the portal and NetworkManager re-checks", async () => {
    await daemon.waitFor(/^started: source nmcli \(nmcli\)/);
    const dev = await mock.addWifiDevice("wlan0");
    const ap = await mock.addAccessPoint(dev, "Hotel Guest", "02:40:00:00:00:01", 70);
    await mock.join(dev, ap, "Hotel Guest", { ipv4: "10.0.0.23", gateway: "10.0.0.1", dns: [] });
    await new NmcliMockExtras(mock).setActiveAccessPoint(dev, ap);
    await daemon.waitFor(/NetworkManager connectivity after login: /);
    assert.equal(portal.authorized(), true);
    assert.ok((await mock.callCount("/org/freedesktop/NetworkManager", "CheckConnectivity")) >= 1);
  });

  test("SIGTERM stops it with exit code 0", async () => {
    daemon.kill("SIGTERM");
    const { code } = await daemon.exited;
    assert.equal(code, 0);
    assert.equal(daemon.lines.at(-1)?.message, "stopped");
  });
});
