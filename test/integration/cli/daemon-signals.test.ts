import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { startPrivateBus } from "../../../src/harness/dbus-daemon.ts";
import { SimulatedNetworkManager } from "../../../src/harness/nm/index.ts";
import { noDbusReason } from "../nm/helpers.ts";
import { DaemonProcess } from "./daemon-process.ts";

const SCAN = ["--scan", "fixtures/scans/demo.json", "--no-bundled", "--json-logs"];

async function stopsCleanly(daemon: DaemonProcess, signal: NodeJS.Signals): Promise<void> {
  daemon.kill(signal);
  const { code, signal: killedBy } = await daemon.exited;
  assert.equal(killedBy, null);
  assert.equal(code, 0);
  assert.ok(daemon.lines.some((l) => l.message === `${signal} received, stopping`));
  assert.equal(daemon.lines.at(-1)?.message, "stopped");
}

describe("hotspot daemon --scan FILE as a real process", () => {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    test(`holds nothing open yet runs until ${signal}, then exits 0`, async () => {
      const daemon = new DaemonProcess(SCAN);
      await daemon.waitFor(/^started: source fixture:demo\.json \(fixture\)/);
      await stopsCleanly(daemon, signal);
    });
  }
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
