import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { EventEmitter } from "eventemitter3";
import { daemonSurface, type SurfaceHandle } from "../../../src/cli/daemon-surface.ts";
import { captureIo } from "../../../src/cli/io.ts";
import { connectDaemon } from "../../../src/daemon/dbus-api/client.ts";
import type { PluginStateView } from "../../../src/daemon/dbus-api/views.ts";
import type { DaemonEvents, ReloadReport, SessionSummary } from "../../../src/daemon/events.ts";
import type { LogEntry } from "../../../src/daemon/log.ts";
import { dbusDaemonAvailable } from "../../../src/harness/dbus-daemon.ts";
import { type SystemLikeBus, startSystemLikeBus } from "../../../src/harness/system-bus.ts";

const POLICY = join(import.meta.dirname, "../../../dbus/io.github.hotspot_helper.Daemon1.conf");

class IdleDaemon extends EventEmitter<DaemonEvents> {
  listSessions(): readonly SessionSummary[] {
    return [];
  }
  async logoff(): Promise<number> {
    return 0;
  }
  async rescan(): Promise<void> {}
  async reload(): Promise<ReloadReport> {
    return { plugins: [], added: [], removed: [], endedSessions: [] };
  }
  pluginIds(): readonly string[] {
    return ["capport"];
  }
  pluginStates(): readonly PluginStateView[] {
    return [];
  }
}

describe("the daemon's API after the bus restarts", {
  skip: !dbusDaemonAvailable()
    ? "dbus-daemon is not installed"
    : process.getuid?.() !== 0
      ? "needs root to own the name under the policy"
      : false,
}, () => {
  let bus: SystemLikeBus;
  let handle: SurfaceHandle;
  const logs: LogEntry[] = [];
  const waiters: { test: (e: LogEntry) => boolean; resolve: () => void }[] = [];
  const logged = (test: (e: LogEntry) => boolean): Promise<void> =>
    new Promise((resolve) => waiters.push({ test, resolve }));

  before(async () => {
    bus = await startSystemLikeBus([POLICY]);
    handle = daemonSurface({
      daemon: new IdleDaemon(),
      source: { name: "test-source" },
      io: captureIo({}),
      log: (e) => {
        logs.push(e);
        for (const w of [...waiters]) {
          if (w.test(e)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve();
          }
        }
      },
      apiBus: bus.address,
      serveApi: true,
      version: "1.2.3",
    });
  });
  after(async () => {
    await handle?.close();
    await bus?.stop();
  });

  test("it serves the API again on the restarted bus, without a daemon restart", async () => {
    handle.ready(await handle.serve());
    const first = await connectDaemon(bus.address);
    assert.equal((await first.status()).source, "test-source");
    first.close();
    const served = (e: LogEntry) =>
      e.scope === "dbus-api" && e.level === "info" && /^serving /.test(e.message);
    const again = logged(served);
    await bus.restart();
    await again;
    assert.ok(logs.some((e) => e.level === "warn" && /API bus connection lost/.test(e.message)));
    const second = await connectDaemon(bus.address);
    try {
      assert.deepEqual((await second.status()).plugins, ["capport"]);
    } finally {
      second.close();
    }
    assert.equal(logs.filter(served).length, 2);
  });
});
