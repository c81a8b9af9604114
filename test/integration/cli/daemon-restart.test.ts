import assert from "node:assert/strict";
import { watch } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type PrivateBus, startPrivateBus } from "../../../src/harness/dbus-daemon.ts";
import { type Portal, startPortal } from "../../../src/harness/index.ts";
import { SimulatedNetworkManager } from "../../../src/harness/nm/index.ts";
import { noDbusReason } from "../nm/helpers.ts";
import { DaemonProcess, tempStateDir } from "./daemon-process.ts";

/** Resolves once the state file holds a saved session for `device` (watched, not polled). */
async function savedSession(dir: string, device: string): Promise<unknown> {
  const read = async (): Promise<unknown> => {
    try {
      const state = JSON.parse(await readFile(join(dir, "state.json"), "utf8"));
      return state.sessions?.[device];
    } catch {
      return undefined;
    }
  };
  const watcher = watch(dir);
  try {
    for (;;) {
      const changed = new Promise((resolve) => watcher.once("change", resolve));
      const found = await read();
      if (found) return found;
      await changed;
    }
  } finally {
    watcher.close();
  }
}

describe("hotspot daemon killed with SIGKILL while Authenticated, then started again", {
  skip: noDbusReason,
}, () => {
  let bus: PrivateBus;
  let sim: SimulatedNetworkManager;
  let portal: Portal;
  let dir = "";
  let args: string[] = [];
  const stateDir = tempStateDir();
  const running: DaemonProcess[] = [];

  before(async () => {
    bus = await startPrivateBus();
    sim = await SimulatedNetworkManager.start({ busAddress: bus.address, connectivity: "portal" });
    sim.addWifiDevice("wlan0");
    sim.addAccessPoint("wlan0", { ssid: "Hotel Guest", bssid: "02:00:00:00:00:01", strength: 70 });
    sim.completeScan("wlan0");
    portal = await startPortal({ scenario: "click-through" });
    dir = await mkdtemp(join(tmpdir(), "hotspot-daemon-restart-"));
    const config = join(dir, "config.json");
    await writeFile(
      config,
      JSON.stringify({
        probeUrl: portal.probeUrl,
        plugins: { "click-through": { config: { ssids: ["Hotel Guest"] } } },
      }),
    );
    args = [
      "--bus",
      bus.address,
      "--no-bundled",
      "--plugins",
      "plugins/click-through",
      "--config",
      config,
      "--json-logs",
    ];
  });
  after(async () => {
    for (const d of running) d.kill("SIGKILL");
    await portal?.close();
    await sim?.stop();
    await bus?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const posts = () => portal.log.filter((r) => r.method === "POST").length;

  test("the restarted daemon resumes the session from its state file: no second login, maintain runs again (slow: starts two daemon processes in turn)", async () => {
    const first = new DaemonProcess(args, { STATE_DIRECTORY: stateDir });
    running.push(first);
    await first.waitFor(/^started: /);
    const ap = sim.objects.get(
      sim.devicePath("wlan0"),
      "org.freedesktop.NetworkManager.Device.Wireless",
      "AccessPoints",
    );
    assert.ok(Array.isArray(ap) && typeof ap[0] === "string");
    await sim.join("wlan0", ap[0], { ipv4: "10.0.0.23", gateway: "10.0.0.1" });
    await first.waitFor(/wlan0: Authenticating → Authenticated \(login verified\)/);
    await savedSession(stateDir, "wlan0");
    assert.equal(posts(), 1);
    first.kill("SIGKILL");
    assert.equal((await first.exited).signal, "SIGKILL");
    const requestsBefore = portal.log.length;

    const second = new DaemonProcess(args, { STATE_DIRECTORY: stateDir });
    running.push(second);
    await second.waitFor(
      /wlan0: Evaluating → Authenticated \(the portal still lets us through: session resumed\)/,
    );
    await second.waitFor(/wlan0: Authenticated → Maintaining \(first check since joining\)/);
    await second.waitFor(/wlan0: Maintaining → Authenticated \(session still valid\)/);
    assert.equal(posts(), 1);
    assert.ok(portal.log.slice(requestsBefore).some((r) => r.method === "GET" && r.path === "/generate_204"));
    assert.equal(portal.authorized(), true);
    second.kill("SIGTERM");
    assert.equal((await second.exited).code, 0);
  });
});
