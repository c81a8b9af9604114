import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type Portal, startPortal } from "../../../src/harness/index.ts";
import { SimulatedNetworkManager } from "../../../src/harness/nm/index.ts";
import { type SystemLikeBus, startSystemLikeBus } from "../../../src/harness/system-bus.ts";
import { NotifyListener } from "../../support/notify-listener.ts";
import { noDbusReason } from "../nm/helpers.ts";
import { parseRows, runHotspot } from "./run-hotspot.ts";

const ROOT = join(import.meta.dirname, "../../..");

describe("hotspot daemon serves its API and tells systemd; status, list and logoff ask it", {
  skip: noDbusReason ?? (process.getuid?.() === 0 ? undefined : "needs root (a client runs as uid 65534)"),
}, () => {
  let bus: SystemLikeBus;
  let sim: SimulatedNetworkManager;
  let portal: Portal;
  let dir: string;
  let notify: NotifyListener;
  let daemon: ChildProcess;
  let stderr = "";
  let exited: Promise<number | null>;
  let ap = "";

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "hotspot-daemon-api-test-"));
    // NetworkManager's own policy in short: root owns its name, anyone may call it.
    const nmPolicy = join(dir, "nm.conf");
    await writeFile(
      nmPolicy,
      `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><policy user="root"><allow own="org.freedesktop.NetworkManager"/></policy>
<policy context="default"><allow send_destination="org.freedesktop.NetworkManager"/></policy></busconfig>`,
    );
    bus = await startSystemLikeBus([join(ROOT, "dbus/io.github.hotspot_helper.Daemon1.conf"), nmPolicy]);
    sim = await SimulatedNetworkManager.start({ busAddress: bus.address, connectivity: "portal" });
    sim.addWifiDevice("wlan0");
    ap = sim.addAccessPoint("wlan0", { ssid: "Hotel Guest", bssid: "02:00:00:00:00:01", strength: 70 });
    sim.addAccessPoint("wlan0", { ssid: "Elsewhere", bssid: "02:00:00:00:00:02", strength: 40 });
    sim.completeScan("wlan0");
    sim.onCheckConnectivity(() => "full");
    portal = await startPortal({ scenario: "click-through" });
    const config = join(dir, "config.json");
    await writeFile(
      config,
      JSON.stringify({
        probeUrl: portal.probeUrl,
        plugins: { "click-through": { config: { ssids: ["Hotel Guest"] } } },
      }),
    );
    notify = new NotifyListener(join(dir, "notify.sock"));
    await notify.bound;
    daemon = spawn(
      process.execPath,
      [
        join(ROOT, "bin/hotspot.js"),
        "daemon",
        "--bus",
        bus.address,
        "--api-bus",
        bus.address,
        "--no-bundled",
      ].concat(["--plugins", "plugins/click-through", "--config", config, "--json-logs"]),
      {
        cwd: ROOT,
        env: {
          ...process.env,
          NOTIFY_SOCKET: notify.path,
          WATCHDOG_USEC: "200000",
          DBUS_SYSTEM_BUS_ADDRESS: "unix:path=/nonexistent/not-this-bus.sock",
          STATE_DIRECTORY: join(dir, "state"),
          CACHE_DIRECTORY: join(dir, "cache"),
        },
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    daemon.stderr?.on("data", (d: Buffer) => {
      stderr += d.toString();
      for (const w of [...logWaiters]) {
        if (w.pattern.test(stderr)) {
          logWaiters.splice(logWaiters.indexOf(w), 1);
          w.resolve();
        }
      }
    });
    exited = new Promise((resolve) => daemon.on("exit", (code) => resolve(code)));
  });

  after(async () => {
    daemon?.kill("SIGKILL");
    notify?.stop();
    await portal?.close();
    await sim?.stop();
    await bus?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const logWaiters: { pattern: RegExp; resolve: () => void }[] = [];
  const logLine = (pattern: RegExp): Promise<void> =>
    pattern.test(stderr)
      ? Promise.resolve()
      : new Promise((resolve) => logWaiters.push({ pattern, resolve }));
  const env = () => ({ DBUS_SYSTEM_BUS_ADDRESS: bus.address });

  test("READY=1 arrives on NOTIFY_SOCKET once the API is served, then WATCHDOG=1 pings", async () => {
    await notify.waitFor(/^READY=1\|STATUS=following networkmanager; D-Bus API on the bus$/);
    await notify.waitFor(/^WATCHDOG=1$/);
  });

  test("hotspot list shows the daemon's annotation, and --no-daemon reads NetworkManager with local plugins", async () => {
    const viaDaemon = await runHotspot(["list", "--json"], env());
    assert.equal(viaDaemon.code, 0, viaDaemon.stderr);
    const rows = parseRows(viaDaemon.stdout);
    assert.deepEqual(rows.map((r) => r.ssid).sort(), ["Elsewhere", "Hotel Guest"]);
    assert.equal(rows.find((r) => r.ssid === "Hotel Guest")?.provider?.pluginId, "click-through");
    const direct = await runHotspot(["list", "--json", "--no-daemon"], env());
    assert.equal(direct.code, 0, direct.stderr);
    assert.equal(parseRows(direct.stdout).find((r) => r.ssid === "Hotel Guest")?.provider, null);
  });

  test("after a join, hotspot status shows the authenticated session with its provider and a MAC address that changes", async () => {
    const authenticated = logLine(/→ Authenticated/);
    // The profile's MAC setting is read beside the login: its warning says it is known.
    const macKnown = logLine(/new random MAC address on every connect/);
    await sim.join("wlan0", ap, { ipv4: "10.0.0.23", gateway: "10.0.0.1", clonedMacAddress: "random" });
    await Promise.all([authenticated, macKnown]);
    const status = await runHotspot(["status"], env());
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /^daemon: running, pid \d+/m);
    assert.match(status.stdout, /^plugins: click-through$/m);
    assert.match(
      status.stdout,
      /wlan0: Authenticated, on "Hotel Guest" \(02:00:00:00:00:01\), via click-through/,
    );
    assert.match(
      status.stdout,
      /^ {4}MAC address: random, new on every connect: the portal will forget this session when you reconnect/m,
    );
  });

  test("hotspot plugins adds each plugin's process state from the daemon (a STATE column)", async () => {
    const r = await runHotspot(["plugins", "--no-bundled", "--plugins", "plugins/click-through"], env());
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ID\s+NAME\s+VERSION\s+PRIORITY\s+CLAIMS\s+STATE\s+FROM\s+SOURCE$/m);
    // The daemon loads it isolated (the default) and has used it for the join above.
    assert.match(r.stdout, /^click-through\s.*\s(idle|starting|ready)\s+cli\s/m);
    const json = await runHotspot(
      ["plugins", "--json", "--no-bundled", "--plugins", "plugins/click-through"],
      env(),
    );
    assert.equal(json.code, 0, json.stderr);
    assert.match(json.stdout, /"restarts": 0/);
  });

  test("hotspot logoff as an unprivileged user is refused with exit 5; as root it logs off", async () => {
    const refused = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(
        "setpriv",
        [
          "--reuid=65534",
          "--regid=65534",
          "--clear-groups",
          process.execPath,
          join(ROOT, "bin/hotspot.js"),
          "logoff",
          "wlan0",
        ],
        {
          cwd: ROOT,
          env: { ...process.env, ...env(), HOME: "/nonexistent" },
          stdio: ["ignore", "ignore", "pipe"],
        },
      );
      let err = "";
      child.stderr.on("data", (d: Buffer) => {
        err += d.toString();
      });
      child.on("close", (code) => resolve({ code, stderr: err }));
    });
    assert.equal(refused.code, 5, refused.stderr);
    assert.match(refused.stderr, /Logoff is allowed to root and to users with an active local session only/);
    assert.equal(portal.authorized(), true);

    const done = await runHotspot(["logoff", "wlan0"], env());
    assert.equal(done.code, 0, done.stderr);
    assert.equal(done.stdout, "logged off 1 session on wlan0\n");
    const again = await runHotspot(["logoff", "wlan0"], env());
    assert.equal(again.code, 1);
    assert.match(again.stderr, /no portal session to log off on wlan0/);
  });

  test("SIGTERM sends STOPPING=1 and the daemon exits 0; then status says it is not running (exit 6)", async () => {
    daemon.kill("SIGTERM");
    assert.equal(await exited, 0, stderr);
    await notify.waitFor(/^STOPPING=1$/);
    const status = await runHotspot(["status"], env());
    assert.equal(status.code, 6);
    assert.match(status.stdout, /^daemon: not running/m);
    const plugins = await runHotspot(
      ["plugins", "--no-bundled", "--plugins", "plugins/click-through"],
      env(),
    );
    assert.equal(plugins.code, 0, plugins.stderr);
    assert.match(plugins.stdout, /^ID\s+NAME\s+VERSION\s+PRIORITY\s+CLAIMS\s+FROM\s+SOURCE$/m);
    assert.equal(plugins.stderr, "");
  });
});
