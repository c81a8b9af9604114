import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { CommandEntry } from "../../../src/cli/command.ts";
import { createDaemonCommand } from "../../../src/cli/daemon.ts";
import type { CliIo } from "../../../src/cli/io.ts";
import { main } from "../../../src/cli/main.ts";
import { type Portal, startPortal } from "../../../src/harness/index.ts";
import { noDbusReason, type World, world } from "./helpers.ts";

const stateDirs: string[] = [];
after(() => {
  for (const dir of stateDirs) rmSync(dir, { recursive: true, force: true });
});

/** Each run starts without saved sessions. */
function env(): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(tmpdir(), "hh-daemon-state-"));
  stateDirs.push(dir);
  return {
    XDG_CONFIG_HOME: "/nonexistent/hotspot-helper-test-config",
    HOME: "/nonexistent",
    STATE_DIRECTORY: dir,
    CACHE_DIRECTORY: dir,
  };
}

/** `hotspot daemon` in-process, stopped through an emitter, its stderr waitable. */
function daemonCli() {
  const signals = new EventEmitter();
  let stderr = "";
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  const io: CliIo = {
    stdout: { write: () => {} },
    stderr: {
      write: (text) => {
        stderr += text;
        for (const w of [...waiters]) {
          if (!w.pattern.test(stderr)) continue;
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      },
    },
    env: env(),
  };
  const commands: Record<string, CommandEntry> = {
    daemon: { summary: "", load: async () => ({ command: createDaemonCommand(signals) }) },
  };
  return {
    stderr: () => stderr,
    run: (...argv: string[]) => main(["daemon", ...argv], io, commands),
    until: (pattern: RegExp) =>
      new Promise<void>((resolve) => {
        if (pattern.test(stderr)) resolve();
        else waiters.push({ pattern, resolve });
      }),
    stop: () => signals.emit("SIGTERM"),
  };
}

describe("NetworkManager's ConnectivityCheckUri as the daemon's probe URL", { skip: noDbusReason }, () => {
  let w: World;
  let ap = "";
  let dir = "";
  const portals: Portal[] = [];
  before(async () => {
    w = await world((sim) => {
      sim.addWifiDevice("wlan0");
      ap = sim.addAccessPoint("wlan0", { ssid: "Hotel Guest", bssid: "02:00:00:00:00:01", strength: 70 });
      sim.completeScan("wlan0");
    });
    dir = await mkdtemp(join(tmpdir(), "hotspot-probe-url-test-"));
  });
  after(async () => {
    await Promise.all(portals.map((p) => p.close()));
    await w?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Waits until the source has seen every signal the simulator sent before now. */
  const synced = async (): Promise<void> => {
    await w.sim.flushed();
    await w.source.checkConnectivity();
  };

  test("the source reports the URI, follows NetworkManager's changes, and gives nothing for an empty or non-HTTP one", async () => {
    assert.equal(w.source.connectivityCheckUri(), "http://portal.invalid/check");
    w.sim.setConnectivityCheckUri("http://nmcheck.gnome.org/check_network_status.txt");
    await synced();
    assert.equal(w.source.connectivityCheckUri(), "http://nmcheck.gnome.org/check_network_status.txt");
    w.sim.setConnectivityCheckUri("");
    await synced();
    assert.equal(w.source.connectivityCheckUri(), undefined);
    w.sim.setConnectivityCheckUri("ftp://check.example/");
    await synced();
    assert.equal(w.source.connectivityCheckUri(), undefined);
  });

  async function config(name: string, settings: Record<string, unknown>): Promise<string> {
    const file = join(dir, name);
    await writeFile(
      file,
      JSON.stringify({ ...settings, plugins: { "click-through": { config: { ssids: ["Hotel Guest"] } } } }),
    );
    return file;
  }

  async function joinAndWait(cli: ReturnType<typeof daemonCli>, file: string, until: RegExp): Promise<void> {
    const exit = cli.run(
      "--bus",
      w.bus.address,
      "--no-bundled",
      "--plugins",
      "plugins/click-through",
      "--config",
      file,
    );
    await cli.until(/started: source networkmanager/);
    await w.sim.join("wlan0", ap, { ipv4: "10.0.0.23", gateway: "10.0.0.1" });
    await cli.until(until);
    cli.stop();
    assert.equal(await exit, 0, cli.stderr());
    await w.sim.leave("wlan0");
  }

  test("without probeUrl in the config file the daemon probes NetworkManager's URI and logs in there", async () => {
    const portal = await startPortal({ scenario: "click-through" });
    portals.push(portal);
    w.sim.setConnectivityCheckUri(portal.probeUrl);
    await synced();
    const cli = daemonCli();
    await joinAndWait(cli, await config("no-probe-url.json", {}), /→ Authenticated/);
    assert.equal(portal.authorized(), true);
    assert.equal(portal.log[0]?.path, "/generate_204");
  });

  test("a probeUrl set in the config file wins over NetworkManager's URI", async () => {
    const nmPortal = await startPortal({ scenario: "click-through" });
    const configured = await startPortal({ scenario: "not-captive" });
    portals.push(nmPortal, configured);
    w.sim.setConnectivityCheckUri(nmPortal.probeUrl);
    await synced();
    const cli = daemonCli();
    const file = await config("probe-url.json", { probeUrl: configured.probeUrl });
    await joinAndWait(cli, file, /no captive portal: already online/);
    assert.deepEqual(nmPortal.log, []);
    assert.equal(configured.log[0]?.path, "/generate_204");
  });
});
