import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Message, Variant } from "@jellybrick/dbus-next";
import { EventEmitter } from "eventemitter3";
import { connectDaemon } from "../../../src/daemon/dbus-api/client.ts";
import { API_BUS_NAME, API_INTERFACE, API_OBJECT_PATH } from "../../../src/daemon/dbus-api/names.ts";
import { type ApiService, startApiService } from "../../../src/daemon/dbus-api/service.ts";
import { createDaemonSurface, type DaemonSurface } from "../../../src/daemon/dbus-api/surface.ts";
import type { PluginStateView } from "../../../src/daemon/dbus-api/views.ts";
import type { DaemonEvents, ReloadReport, SessionSummary } from "../../../src/daemon/events.ts";
import type { LogEntry } from "../../../src/daemon/log.ts";
import { dbusDaemonAvailable } from "../../../src/harness/dbus-daemon.ts";
import { type SystemLikeBus, startSystemLikeBus } from "../../../src/harness/system-bus.ts";
import { type JoinedNetwork, scannedNetwork } from "../../../src/helper-api/network.ts";
import { type BusConnection, openBus } from "../../../src/scan/dbus/bus.ts";

const ROOT = join(import.meta.dirname, "../../..");
const POLICY = join(ROOT, "dbus/io.github.hotspot_helper.Daemon1.conf");
const NOBODY = 65534;
const skip =
  process.getuid?.() !== 0
    ? "needs root (clients run as uid 65534)"
    : !dbusDaemonAvailable()
      ? "dbus-daemon is not installed"
      : false;

class FakeDaemon extends EventEmitter<DaemonEvents> {
  current: SessionSummary[] = [];
  logoffs: (string | undefined)[] = [];
  rescans = 0;
  reloads = 0;
  listSessions(): readonly SessionSummary[] {
    return this.current;
  }
  async logoff(device?: string): Promise<number> {
    this.logoffs.push(device);
    return this.current.filter((s) => device === undefined || s.device === device).length;
  }
  async rescan(): Promise<void> {
    this.rescans++;
  }
  async reload(): Promise<ReloadReport> {
    this.reloads++;
    return { plugins: ["example-cafe"], added: [], removed: ["click-through"], endedSessions: [] };
  }
  pluginIds(): readonly string[] {
    return ["example-cafe", "click-through"];
  }
  pluginStates(): readonly PluginStateView[] {
    return [
      { id: "example-cafe", state: "ready", restarts: 0, crashes: 0 },
      {
        id: "click-through",
        state: "quarantined",
        restarts: 2,
        crashes: 3,
        lastError: "HH_PLUGIN_PROCESS_EXITED: its process was killed by SIGKILL",
      },
    ];
  }
}

function network(ssid: string, bssid: string): JoinedNetwork {
  return {
    ...scannedNetwork({
      ssid: new TextEncoder().encode(ssid),
      bssid,
      strength: 70,
      frequency: 2412,
      security: "open",
    }),
    interface: "wlan0",
    justJoined: false,
    autoJoined: true,
  };
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv, uid?: number): Promise<Run> {
  const argv =
    uid === undefined
      ? [cmd, ...args]
      : ["setpriv", `--reuid=${uid}`, `--regid=${uid}`, "--clear-groups", cmd, ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0] ?? "", argv.slice(1), {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** dbus-send, as root or as another uid, against the test bus. */
function dbusSend(
  bus: SystemLikeBus,
  member: string,
  args: readonly string[] = [],
  uid?: number,
): Promise<Run> {
  return run(
    "dbus-send",
    [
      "--system",
      "--print-reply",
      `--dest=${API_BUS_NAME}`,
      API_OBJECT_PATH,
      `${API_INTERFACE}.${member}`,
      ...args,
    ],
    { DBUS_SYSTEM_BUS_ADDRESS: bus.address },
    uid,
  );
}

/** A minimal logind answering ListSessions and Session.Active, owned as root on the test bus. */
async function fakeLogind(
  address: string,
  sessions: { uid: number; seat: string; active: boolean }[],
): Promise<BusConnection> {
  const conn = await openBus(address);
  conn.bus.addMethodHandler((msg: Message) => {
    if (msg.member === "ListSessions") {
      conn.bus.send(
        Message.newMethodReturn(msg, "a(susso)", [
          sessions.map((s, i) => [
            `s${i}`,
            s.uid,
            `user${s.uid}`,
            s.seat,
            `/org/freedesktop/login1/session/s${i}`,
          ]),
        ]),
      );
      return true;
    }
    if (msg.member === "Get" && msg.path?.startsWith("/org/freedesktop/login1/session/")) {
      const i = Number(msg.path.slice(-1));
      conn.bus.send(Message.newMethodReturn(msg, "v", [new Variant("b", sessions[i]?.active ?? false)]));
      return true;
    }
    return false;
  });
  await conn.call({
    destination: "org.freedesktop.DBus",
    path: "/org/freedesktop/DBus",
    interface: "org.freedesktop.DBus",
    member: "RequestName",
    signature: "su",
    body: ["org.freedesktop.login1", 4],
  });
  return conn;
}

/**
 * Subscribes `listener` to the API's signal `member`. Resolves once the bus has the match,
 * with `first`: the first such signal (wrapped in an object: returned bare, the async
 * function's own promise would wait for it).
 */
async function subscribe(
  listener: BusConnection,
  member: string,
): Promise<{ readonly first: Promise<Message> }> {
  await listener.call({
    destination: "org.freedesktop.DBus",
    path: "/org/freedesktop/DBus",
    interface: "org.freedesktop.DBus",
    member: "AddMatch",
    signature: "s",
    body: [`type='signal',interface='${API_INTERFACE}',member='${member}'`],
  });
  const first = new Promise<Message>((resolve) =>
    listener.bus.on("message", (m: Message) => {
      if (m.member === member) resolve(m);
    }),
  );
  return { first };
}

describe("the daemon's D-Bus API on a bus configured like the system bus", { skip }, () => {
  let bus: SystemLikeBus;
  let dir: string;
  let daemon: FakeDaemon;
  let surface: DaemonSurface;
  let api: ApiService;
  const logs: LogEntry[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "hotspot-api-test-"));
    const logindPolicy = join(dir, "login1.conf");
    await writeFile(
      logindPolicy,
      `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><policy user="root"><allow own="org.freedesktop.login1"/></policy>
<policy context="default"><allow send_destination="org.freedesktop.login1"/></policy></busconfig>`,
    );
    bus = await startSystemLikeBus([POLICY, logindPolicy]);
    daemon = new FakeDaemon();
    daemon.current = [
      {
        device: "wlan0",
        state: "Authenticated",
        since: 1_000,
        reason: "login verified",
        network: {
          ssid: "Cafe Free WiFi",
          ssidHex: Buffer.from("Cafe Free WiFi").toString("hex"),
          bssid: "02:00:00:00:00:01",
        },
        pluginId: "example-cafe",
        provider: "Cafe",
        authenticatedAt: 1_000,
        expiresAt: 601_000,
        bytesRemaining: 5_000_000,
        nextMaintainAt: 571_000,
        mac: { setting: "random", changesOnReconnect: true },
      },
    ];
    surface = createDaemonSurface(daemon, { version: "9.9.9", sourceName: "test-source" });
    api = await startApiService({ busAddress: bus.address, surface, log: (e) => logs.push(e) });
  });

  after(async () => {
    await api?.close();
    surface?.dispose();
    await bus?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test("status, sessions and networks read back through the client with their facts", async () => {
    daemon.emit(
      "networks",
      "wlan0",
      [network("Cafe Free WiFi", "02:00:00:00:00:01")],
      [
        [
          {
            pluginId: "example-cafe",
            displayName: "Cafe",
            confidence: "high",
            priority: 0,
            origin: "static",
          },
        ],
      ],
    );
    const client = await connectDaemon(bus.address);
    try {
      const status = await client.status();
      assert.equal(status.version, "9.9.9");
      assert.equal(status.source, "test-source");
      assert.deepEqual(status.plugins, ["example-cafe", "click-through"]);
      assert.deepEqual(status.devices, ["wlan0"]);
      const [session] = await client.sessions();
      assert.equal(session?.state, "Authenticated");
      assert.equal(session?.ssid, "Cafe Free WiFi");
      assert.equal(session?.provider, "example-cafe");
      assert.equal(session?.expiresAt, 601_000);
      assert.equal(session?.bytesRemaining, 5_000_000);
      assert.equal(session?.nextMaintainAt, 571_000);
      assert.equal(session?.mac, "random");
      assert.equal(session?.macChangesOnReconnect, true);
      const [net] = await client.networks();
      assert.equal(net?.bssid, "02:00:00:00:00:01");
      assert.equal(net?.provider?.pluginId, "example-cafe");
      assert.equal(net?.device, "wlan0");
      const plugins = await client.plugins();
      assert.deepEqual(plugins, [
        { id: "example-cafe", state: "ready", restarts: 0, crashes: 0 },
        {
          id: "click-through",
          state: "quarantined",
          restarts: 2,
          crashes: 3,
          lastError: "HH_PLUGIN_PROCESS_EXITED: its process was killed by SIGKILL",
        },
      ]);
    } finally {
      client.close();
    }
  });

  test("a state change is signalled as SessionsChanged with the sessions", { timeout: 10_000 }, async () => {
    const listener = await openBus(bus.address);
    try {
      const { first: got } = await subscribe(listener, "SessionsChanged");
      const [summary] = daemon.current;
      if (summary) daemon.emit("session", { ...summary, state: "Maintaining" });
      const signal = await got;
      assert.equal(signal.signature, "aa{sv}");
      assert.equal(signal.path, API_OBJECT_PATH);
    } finally {
      listener.close();
    }
  });

  test("a scan is signalled as NetworksChanged with the number of networks", {
    timeout: 10_000,
  }, async () => {
    const listener = await openBus(bus.address);
    try {
      const { first: got } = await subscribe(listener, "NetworksChanged");
      daemon.emit(
        "networks",
        "wlan0",
        [network("Cafe Free WiFi", "02:00:00:00:00:01"), network("Elsewhere", "02:00:00:00:00:09")],
        [[], []],
      );
      const signal = await got;
      assert.equal(signal.signature, "u");
      assert.equal(signal.path, API_OBJECT_PATH);
      assert.deepEqual(signal.body, [2]);
    } finally {
      listener.close();
    }
  });

  test("an unprivileged user may read: GetStatus as uid 65534 answers", async () => {
    const r = await dbusSend(bus, "GetStatus", [], NOBODY);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /9\.9\.9/);
    const plugins = await dbusSend(bus, "ListPlugins", [], NOBODY);
    assert.equal(plugins.code, 0, plugins.stderr);
    assert.match(plugins.stdout, /quarantined/);
  });

  test("an unprivileged user without an active local session may not act: Logoff is AccessDenied with its code", async () => {
    const before = daemon.logoffs.length;
    const r = await dbusSend(bus, "Logoff", ["string:wlan0"], NOBODY);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /AccessDenied/);
    assert.match(r.stderr, /HH_DBUS_ACCESS_DENIED/);
    assert.equal(daemon.logoffs.length, before);
    const rescan = await dbusSend(bus, "Rescan", [], NOBODY);
    assert.match(rescan.stderr, /HH_DBUS_ACCESS_DENIED/);
    const reloads = daemon.reloads;
    const reload = await dbusSend(bus, "ReloadPlugins", [], NOBODY);
    assert.match(reload.stderr, /HH_DBUS_ACCESS_DENIED/);
    assert.equal(daemon.reloads, reloads);
  });

  test("root may act: Logoff runs and answers how many sessions", async () => {
    const r = await dbusSend(bus, "Logoff", ["string:wlan0"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /uint32 1/);
    assert.equal(daemon.logoffs.at(-1), "wlan0");
    const rescan = await dbusSend(bus, "Rescan");
    assert.equal(rescan.code, 0, rescan.stderr);
    assert.ok(daemon.rescans >= 1);
    const reload = await dbusSend(bus, "ReloadPlugins");
    assert.equal(reload.code, 0, reload.stderr);
    assert.match(reload.stdout, /uint32 1/);
    assert.equal(daemon.reloads, 1);
  });

  test("the bus policy lets only root own the daemon's name", async () => {
    const r = await run(
      "dbus-send",
      [
        "--system",
        "--print-reply",
        "--dest=org.freedesktop.DBus",
        "/org/freedesktop/DBus",
        "org.freedesktop.DBus.RequestName",
        `string:${API_BUS_NAME}`,
        "uint32:4",
      ],
      { DBUS_SYSTEM_BUS_ADDRESS: bus.address },
      NOBODY,
    );
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /AccessDenied/);
  });

  test("garbage arguments get InvalidArgs with a code and the service keeps answering", async () => {
    const cases: [string, string[]][] = [
      ["Logoff", ["int32:7"]],
      ["Logoff", ["string:../../etc"]],
      ["Logoff", [`string:${"w".repeat(100)}`]],
      ["Logoff", ["string:wlan0", "string:extra"]],
      ["GetStatus", ["string:unexpected"]],
    ];
    for (const [member, args] of cases) {
      const r = await dbusSend(bus, member, args);
      assert.notEqual(r.code, 0, `${member} ${args.join(" ")}`);
      assert.match(r.stderr, /InvalidArgs/, `${member} ${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, /HH_DBUS_INVALID_ARGS/);
    }
    const unknown = await dbusSend(bus, "Explode");
    assert.match(unknown.stderr, /UnknownMethod/);
    const after = await dbusSend(bus, "GetStatus");
    assert.equal(after.code, 0, after.stderr);
  });

  test("logging off a device the daemon does not have is NoSuchSession, and the CLI says so", async () => {
    const r = await dbusSend(bus, "Logoff", ["string:wlan9"]);
    assert.match(r.stderr, /NoSuchSession/);
    assert.match(r.stderr, /HH_DBUS_NO_SUCH_DEVICE/);
    const client = await connectDaemon(bus.address);
    try {
      await assert.rejects(client.logoff("wlan9"), { code: "HH_DBUS_NO_SUCH_DEVICE" });
    } finally {
      client.close();
    }
  });

  test("a user whose logind session on a local seat is active may act; an inactive or remote one may not", async () => {
    const logind = await fakeLogind(bus.address, [
      { uid: NOBODY, seat: "seat0", active: true },
      { uid: 1, seat: "", active: true },
      { uid: 2, seat: "seat0", active: false },
    ]);
    try {
      const allowed = await dbusSend(bus, "Logoff", ["string:wlan0"], NOBODY);
      assert.equal(allowed.code, 0, allowed.stderr);
      const remote = await dbusSend(bus, "Logoff", ["string:wlan0"], 1);
      assert.match(remote.stderr, /HH_DBUS_ACCESS_DENIED/);
      const inactive = await dbusSend(bus, "Logoff", ["string:wlan0"], 2);
      assert.match(inactive.stderr, /HH_DBUS_ACCESS_DENIED/);
    } finally {
      logind.close();
    }
  });

  test("a second daemon cannot take the name: HH_DBUS_NAME_TAKEN", async () => {
    await assert.rejects(startApiService({ busAddress: bus.address, surface, log: () => {} }), {
      code: "HH_DBUS_NAME_TAKEN",
    });
  });

  test("the daemon is introspectable, with the signals declared", async () => {
    const r = await run(
      "dbus-send",
      [
        "--system",
        "--print-reply",
        `--dest=${API_BUS_NAME}`,
        API_OBJECT_PATH,
        "org.freedesktop.DBus.Introspectable.Introspect",
      ],
      { DBUS_SYSTEM_BUS_ADDRESS: bus.address },
      NOBODY,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /<signal name="SessionsChanged">/);
    assert.match(r.stdout, /<method name="Logoff">/);
  });
});
