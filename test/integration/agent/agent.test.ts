import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Message, Variant } from "@jellybrick/dbus-next";
import { EventEmitter } from "eventemitter3";
import { type Agent, OPEN_ACTION, startAgent } from "../../../src/agent/agent.ts";
import { API_INTERFACE, API_OBJECT_PATH } from "../../../src/daemon/dbus-api/names.ts";
import { type ApiService, startApiService } from "../../../src/daemon/dbus-api/service.ts";
import { createDaemonSurface, type DaemonSurface } from "../../../src/daemon/dbus-api/surface.ts";
import type { PluginStateView, UserActionView } from "../../../src/daemon/dbus-api/views.ts";
import type { DaemonEvents, ReloadReport, SessionSummary } from "../../../src/daemon/events.ts";
import { dbusDaemonAvailable, type PrivateBus, startPrivateBus } from "../../../src/harness/dbus-daemon.ts";
import { type SystemLikeBus, startSystemLikeBus } from "../../../src/harness/system-bus.ts";
import { type BusConnection, openBus } from "../../../src/scan/dbus/bus.ts";

/**
 * `hotspot agent` end to end on real buses: the daemon's API on a bus configured like the
 * system bus, python3-dbusmock's notification_daemon template on a private session bus (it
 * records every Notify and emits ActionInvoked on request), and the agent between them with
 * an injected portal opener.
 */

const ROOT = join(import.meta.dirname, "../../..");
const POLICY = join(ROOT, "dbus/io.github.hotspot_helper.Daemon1.conf");
const PYTHON = "/usr/bin/python3";
const MOCK = "org.freedesktop.DBus.Mock";
const NOTIFY = "org.freedesktop.Notifications";
const NOTIFY_PATH = "/org/freedesktop/Notifications";

const skip =
  process.getuid?.() !== 0
    ? "needs root (a bus configured like the system bus)"
    : !dbusDaemonAvailable()
      ? "dbus-daemon is not installed"
      : spawnSync(PYTHON, ["-c", "import dbusmock.templates.notification_daemon"], { stdio: "ignore" })
            .status !== 0
        ? "python3-dbusmock is not installed"
        : false;

class FakeDaemon extends EventEmitter<DaemonEvents> {
  current: SessionSummary[] = [];
  listSessions(): readonly SessionSummary[] {
    return this.current;
  }
  async logoff(): Promise<number> {
    return 0;
  }
  async rescan(): Promise<void> {}
  async reload(): Promise<ReloadReport> {
    return { plugins: [], added: [], removed: [], endedSessions: [] };
  }
  pluginIds(): readonly string[] {
    return ["pay-cafe"];
  }
  pluginStates(): readonly PluginStateView[] {
    return [];
  }
}

interface NotifyCall {
  readonly appName: string;
  readonly replaces: number;
  readonly summary: string;
  readonly body: string;
  readonly actions: string[];
}

/** The notification service's recorded Notify calls, as dbusmock's MethodCalled signals tell them. */
async function watchNotify(
  conn: BusConnection,
): Promise<{ next(): Promise<NotifyCall>; nextClose(): Promise<number>; all: NotifyCall[] }> {
  await conn.call({
    destination: "org.freedesktop.DBus",
    path: "/org/freedesktop/DBus",
    interface: "org.freedesktop.DBus",
    member: "AddMatch",
    signature: "s",
    body: [`type='signal',interface='${MOCK}',member='MethodCalled'`],
  });
  const all: NotifyCall[] = [];
  const events = new EventEmitter<{ call: (c: NotifyCall) => void; closed: (id: number) => void }>();
  conn.bus.on("message", (m: Message) => {
    if (m.interface === MOCK && m.member === "MethodCalled" && m.body[0] === "CloseNotification") {
      const [id] = (m.body[1] as Variant[]).map((v) => Number(v.value));
      events.emit("closed", id ?? -1);
      return;
    }
    if (m.interface !== MOCK || m.member !== "MethodCalled" || m.body[0] !== "Notify") return;
    const args = (m.body[1] as Variant[]).map((v) => v.value);
    const call: NotifyCall = {
      appName: String(args[0]),
      replaces: Number(args[1]),
      summary: String(args[3]),
      body: String(args[4]),
      actions: (args[5] as string[]).map(String),
    };
    all.push(call);
    events.emit("call", call);
  });
  return {
    all,
    next: () => new Promise((resolve) => events.once("call", resolve)),
    nextClose: () => new Promise((resolve) => events.once("closed", resolve)),
  };
}

describe("hotspot agent: the daemon's UserActionRequired becomes a desktop notification", {
  skip,
  timeout: 30_000,
}, () => {
  let system: SystemLikeBus;
  let session: PrivateBus;
  let notifyd: ChildProcess;
  let mockConn: BusConnection;
  let daemon: FakeDaemon;
  let surface: DaemonSurface;
  let api: ApiService;
  let agent: Agent;
  const opened: UserActionView[] = [];
  let onOpen: (() => void) | undefined;
  let notify: Awaited<ReturnType<typeof watchNotify>>;

  before(async () => {
    system = await startSystemLikeBus([POLICY]);
    session = await startPrivateBus();
    notifyd = spawn(PYTHON, ["-m", "dbusmock", "--template", "notification_daemon"], {
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: session.address },
      stdio: ["ignore", "ignore", "inherit"],
    });
    mockConn = await openBus(session.address);
    // dbusmock owns its name before its template is loaded: wait for the owner to appear, then
    // for the template's method to answer (NameOwnerChanged is the event; the call confirms).
    await mockConn.call({
      destination: "org.freedesktop.DBus",
      path: "/org/freedesktop/DBus",
      interface: "org.freedesktop.DBus",
      member: "AddMatch",
      signature: "s",
      body: [`type='signal',member='NameOwnerChanged',arg0='${NOTIFY}'`],
    });
    const owned = new Promise<void>((resolve) => {
      mockConn.bus.on("message", (m: Message) => {
        if (m.member === "NameOwnerChanged" && m.body[0] === NOTIFY && m.body[2] !== "") resolve();
      });
    });
    const [has] = await mockConn.call({
      destination: "org.freedesktop.DBus",
      path: "/org/freedesktop/DBus",
      interface: "org.freedesktop.DBus",
      member: "NameHasOwner",
      signature: "s",
      body: [NOTIFY],
    });
    if (has !== true) await owned;
    await mockConn.call({
      destination: NOTIFY,
      path: NOTIFY_PATH,
      interface: NOTIFY,
      member: "GetServerInformation",
      timeoutMs: 10_000,
    });
    notify = await watchNotify(mockConn);

    daemon = new FakeDaemon();
    surface = createDaemonSurface(daemon, { version: "9.9.9", sourceName: "test-source" });
    api = await startApiService({ busAddress: system.address, surface, log: () => {} });
    agent = await startAgent({
      systemBus: system.address,
      sessionBus: session.address,
      open: (a) => {
        opened.push(a);
        onOpen?.();
      },
      log: () => {},
    });
  });

  after(async () => {
    agent?.close();
    await api?.close();
    surface?.dispose();
    mockConn?.close();
    if (notifyd && notifyd.exitCode === null) {
      notifyd.kill("SIGTERM");
      await once(notifyd, "exit");
    }
    await session?.stop();
    await system?.stop();
  });

  test("a uiRequired session is notified with the provider's name and an Open portal action that opens the portal", async () => {
    daemon.current = [
      {
        device: "wlan0",
        state: "PresentingUI",
        since: 1_000,
        network: { ssid: "Café <Free>", ssidHex: "436166c3a9203c467265653e", bssid: "02:00:00:00:00:01" },
        pluginId: "pay-cafe",
        provider: "Pay Café Wi-Fi",
        reason: "a person must open https://pay.cafe.test/checkout",
        uiUrl: "https://pay.cafe.test/checkout?order=7",
      },
    ];
    const shown = notify.next();
    daemon.emit(
      "uiRequired",
      "wlan0",
      "pay-cafe",
      "https://pay.cafe.test/checkout?order=7",
      "Pay Café Wi-Fi",
    );
    const call = await shown;
    assert.equal(call.appName, "hotspot-helper");
    assert.equal(call.summary, "Log in to Pay Café Wi-Fi");
    assert.match(call.body, /“Café &lt;Free&gt;”/);
    assert.match(call.body, /pay\.cafe\.test/);
    assert.ok(call.actions.includes(OPEN_ACTION), call.actions.join(","));
    assert.equal(call.actions[call.actions.indexOf(OPEN_ACTION) + 1], "Open portal");
    assert.equal(opened.length, 0, "nothing opens before the person asks");

    // The notification service answers Notify with id 1 (its first); the person clicks.
    const open = new Promise<void>((resolve) => {
      onOpen = resolve;
    });
    await mockConn.call({
      destination: NOTIFY,
      path: NOTIFY_PATH,
      interface: MOCK,
      member: "EmitSignal",
      signature: "sssav",
      body: [NOTIFY, "ActionInvoked", "us", [new Variant("u", 1), new Variant("s", OPEN_ACTION)]],
    });
    await open;
    assert.deepEqual(opened, [
      {
        device: "wlan0",
        ssid: "Café <Free>",
        providerName: "Pay Café Wi-Fi",
        url: "https://pay.cafe.test/checkout?order=7",
      },
    ]);
  });

  test("a second request for the same device replaces its notification", async () => {
    const shown = notify.next();
    daemon.emit("uiRequired", "wlan0", "pay-cafe", "https://pay.cafe.test/sms", "Pay Café Wi-Fi");
    const call = await shown;
    assert.equal(call.replaces, 1);
  });

  test("the same signal sent by anyone but the daemon's name owner never reaches the person", async () => {
    const before = notify.all.length;
    const spoofer = await openBus(system.address);
    try {
      spoofer.bus.send(
        Message.newSignal(API_OBJECT_PATH, API_INTERFACE, "UserActionRequired", "ssss", [
          "wlan0",
          "Evil",
          "Your Bank",
          "https://evil.test/phish",
        ]),
      );
      // A round trip through the bus after the send: the bus has routed the signal (or not) by then.
      await spoofer.call({
        destination: "org.freedesktop.DBus",
        path: "/org/freedesktop/DBus",
        interface: "org.freedesktop.DBus",
        member: "GetId",
      });
    } finally {
      spoofer.close();
    }
    const shown = notify.next();
    daemon.emit("uiRequired", "wlan0", "pay-cafe", "https://pay.cafe.test/after", "Pay Café Wi-Fi");
    const call = await shown;
    assert.equal(call.summary, "Log in to Pay Café Wi-Fi");
    assert.equal(notify.all.length, before + 1);
    assert.ok(notify.all.every((c) => !c.summary.includes("Your Bank")));
  });

  test("the session leaving PresentingUI withdraws the notification", async () => {
    const first = daemon.current[0];
    assert.ok(first);
    const closed = notify.nextClose();
    daemon.current = [{ ...first, state: "Authenticated", reason: "online after the person logged in" }];
    daemon.emit("session", daemon.current[0] as SessionSummary);
    assert.equal(await closed, 1, "the device's notification (id 1, replaced in place) is closed");
  });

  test("an agent started while a session waits shows its notification at once", async () => {
    const first = daemon.current[0];
    assert.ok(first);
    daemon.current = [{ ...first, state: "PresentingUI", uiUrl: "https://pay.cafe.test/resume" }];
    const shown = notify.next();
    const late = await startAgent({
      systemBus: system.address,
      sessionBus: session.address,
      open: () => {},
      log: () => {},
    });
    try {
      const call = await shown;
      assert.equal(call.summary, "Log in to Pay Café Wi-Fi");
      assert.match(call.body, /pay\.cafe\.test/);
    } finally {
      late.close();
    }
  });
});
