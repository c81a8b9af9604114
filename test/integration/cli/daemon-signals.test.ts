import assert from "node:assert/strict";
import { readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import { startPrivateBus } from "../../../src/harness/dbus-daemon.ts";
import { SimulatedNetworkManager } from "../../../src/harness/nm/index.ts";
import { noDbusReason } from "../nm/helpers.ts";
import { DaemonProcess, tempStateDir } from "./daemon-process.ts";

const SCAN = ["--scan", "fixtures/scans/demo.json", "--no-bundled", "--json-logs"];

async function stopsCleanly(daemon: DaemonProcess, signal: NodeJS.Signals): Promise<void> {
  daemon.kill(signal);
  const { code, signal: killedBy } = await daemon.exited;
  assert.equal(killedBy, null);
  assert.equal(code, 0);
  assert.ok(daemon.lines.some((l) => l.message === `${signal} received, stopping`));
  assert.equal(daemon.lines.at(-1)?.message, "stopped");
}

/** See still-running-probe.mjs: without it, a signal sent right after "started" proves nothing. */
const PROBE = {
  NODE_OPTIONS: `--import ${pathToFileURL(join(import.meta.dirname, "still-running-probe.mjs")).href}`,
};

describe("hotspot daemon --scan FILE as a real process", () => {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    test(`holds nothing open yet runs until ${signal}, then exits 0 (waits 1 s to see it still runs)`, async () => {
      const daemon = new DaemonProcess([...SCAN, "--no-api"], PROBE);
      await daemon.waitFor(/^started: source fixture:demo\.json \(fixture\)/);
      const running = await Promise.race([
        daemon.waitFor(/^still running 1 s after started$/).then(() => true),
        daemon.exited.then(() => false),
      ]);
      assert.ok(running, `it ended by itself before any signal:\n${daemon.stderr}`);
      await stopsCleanly(daemon, signal);
    });
  }
});

describe("hotspot daemon with a corrupt state file", () => {
  test("moves it aside with a warning, runs, and stops cleanly", async () => {
    const stateDir = tempStateDir();
    await writeFile(join(stateDir, "state.json"), '{"version": 1, "sessions": {"wlan0": ');
    const daemon = new DaemonProcess(SCAN, { STATE_DIRECTORY: stateDir });
    const warning = await daemon.waitFor(/^state file .*state\.json is unusable/);
    assert.equal(warning.level, "warn");
    await daemon.waitFor(/^started: /);
    const files = await readdir(stateDir);
    assert.ok(
      files.some((f) => /^state\.json\.corrupt-\d{4}-\d\d-\d\dT/.test(f)),
      files.join(", "),
    );
    await stopsCleanly(daemon, "SIGTERM");
  });
});

describe("hotspot daemon on D-Bus as a real process", { skip: noDbusReason }, () => {
  test("runs until SIGINT, then exits 0", async () => {
    const bus = await startPrivateBus();
    const sim = await SimulatedNetworkManager.start({ busAddress: bus.address });
    try {
      sim.addWifiDevice("wlan0");
      const daemon = new DaemonProcess(["--bus", bus.address, "--no-bundled", "--json-logs"]);
      await daemon.waitFor(/^started: source networkmanager/);
      await stopsCleanly(daemon, "SIGINT");
    } finally {
      await sim.stop();
      await bus.stop();
    }
  });
});
