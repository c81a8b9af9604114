import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, type TestContext, test } from "node:test";
import { isHotspotError } from "../../../src/errors.ts";
import { DESCRIPTOR_VERSION, type PluginDescriptor } from "../../../src/plugin-host/descriptor.ts";
import type { HookRequest } from "../../../src/plugin-host/seam.ts";
import {
  type PluginProcessState,
  type PluginProcessStatus,
  PluginSupervisor,
} from "../../../src/plugin-host/supervisor.ts";
import { FakeChild } from "./fake-child.ts";

/**
 * The supervisor's policy with fake children (the process boundary is the fake) and mock
 * timers: backoff doubling, quarantine within a window and its end, idle retirement, holds
 * and warm starts. Real children are in test/integration/plugin-host/isolation.test.ts.
 */

const descriptor: PluginDescriptor = {
  descriptorVersion: DESCRIPTOR_VERSION,
  id: "fake",
  displayName: "Fake",
  version: "1.0.0",
  sdk: "^0.1.0",
  priority: 0,
  source: "/plugins/fake/index.js",
  claims: [],
  portalHosts: [],
  // maintain: a session calls it again, so holding its plugin keeps the child.
  hooks: ["authenticate", "maintain"],
  timeouts: {},
  needsBrowser: false,
  takesConfig: false,
  takesCredentials: false,
  hasCredentials: false,
};

const REQUEST: HookRequest = { hook: "filterScanList", networks: [] };

let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "hh-supervisor-"));
});
after(() => rm(dir, { recursive: true, force: true }));

async function setup(t: TestContext, described: PluginDescriptor = descriptor) {
  t.mock.timers.enable({ apis: ["setTimeout", "Date"], now: 1_000_000 });
  const children: FakeChild[] = [];
  const events = new EventEmitter();
  let last: PluginProcessStatus | undefined;
  const supervisor = new PluginSupervisor({
    storeRoot: join(dir, "stores"),
    tmpRoot: join(dir, "tmp"),
    side: {},
    importTimeoutMs: 1_000,
    permissions: false,
    idleMs: 10_000,
    backoffBaseMs: 1_000,
    backoffMaxMs: 3_000,
    quarantineAfter: 3,
    crashWindowMs: 60_000,
    quarantineMs: 300_000,
    log: () => {},
    pluginLog: () => {},
    onState: (s) => {
      last = s;
      events.emit("state", s);
    },
    spawn: (opts) => {
      const child = new FakeChild(opts, described);
      children.push(child);
      return child;
    },
  });
  const defined = await supervisor.define("/plugins/fake/index.js", "/plugins/fake/index.js");
  await defined.configure(undefined, {});
  const reaches = (state: PluginProcessState): Promise<PluginProcessStatus> =>
    new Promise((resolve) => {
      if (last?.state === state) return resolve(last);
      const on = (s: PluginProcessStatus): void => {
        if (s.state !== state) return;
        events.off("state", on);
        resolve(s);
      };
      events.on("state", on);
    });
  const serving = (): FakeChild => {
    const child = children.at(-1);
    assert.ok(child?.alive, "a serving child");
    return child;
  };
  const call = () => supervisor.call("fake", REQUEST, new AbortController().signal);
  return { supervisor, children, reaches, serving, call, state: () => last?.state };
}

/**
 * Records the delay of every timer armed from now on when it fires: each one is a wake-up
 * of a daemon that otherwise sleeps.
 */
function countWakeUps(t: TestContext): { readonly fired: number[] } {
  const arm = globalThis.setTimeout;
  const fired: number[] = [];
  t.mock.method(globalThis, "setTimeout", (fn: () => void, ms?: number) =>
    arm(() => {
      fired.push(ms ?? 0);
      fn();
    }, ms),
  );
  return { fired };
}

describe("plugin supervisor", () => {
  test("loading uses a child of its own that ends after describing; the first call starts the serving child", async (t) => {
    const s = await setup(t);
    assert.equal(s.children.length, 1);
    assert.equal(s.children[0]?.retired, true);
    assert.equal(s.state(), "idle");
    const answer = await s.call();
    assert.equal(answer.value, s.serving().pid);
    assert.equal(s.state(), "ready");
    assert.equal(s.children.length, 2);
    await s.supervisor.close();
  });

  test("crashes back off base·2^(n-1), capped, and the third within the window quarantines", async (t) => {
    const s = await setup(t);
    await s.call();
    const backoff = s.reaches("backoff");
    s.serving().crash(1);
    assert.equal((await backoff).crashes, 1);
    t.mock.timers.tick(999);
    assert.equal(s.state(), "backoff");
    t.mock.timers.tick(1);
    assert.equal(s.state(), "crashed", "not wanted: it waits for the next call");
    await s.call();
    const second = s.reaches("backoff");
    s.serving().crash(1);
    await second;
    t.mock.timers.tick(1_999);
    assert.equal(s.state(), "backoff");
    t.mock.timers.tick(1);
    assert.equal(s.state(), "crashed");
    await s.call();
    const quarantined = s.reaches("quarantined");
    s.serving().kill("over its memory cap");
    const status = await quarantined;
    assert.equal(status.crashes, 3);
    assert.match(status.lastError ?? "", /over its memory cap/);
    await assert.rejects(s.call(), (e: unknown) => isHotspotError(e, "HH_PLUGIN_QUARANTINED"));
    t.mock.timers.tick(300_000);
    assert.equal(s.state(), "crashed");
    await s.call();
    assert.equal(s.supervisor.status()[0]?.crashes, 0, "the quarantine's end forgets the crashes");
    await s.supervisor.close();
  });

  test("the config's restart policy replaces backoff and quarantine threshold; keys it leaves out keep the supervisor's", async (t) => {
    const s = await setup(t);
    s.supervisor.setRestartPolicy({ backoffMs: 5_000, quarantineAfter: 2 });
    await s.call();
    const backoff = s.reaches("backoff");
    s.serving().crash(1);
    await backoff;
    t.mock.timers.tick(4_999);
    assert.equal(s.state(), "backoff");
    t.mock.timers.tick(1);
    assert.equal(s.state(), "crashed");
    await s.call();
    const quarantined = s.reaches("quarantined");
    s.serving().crash(1);
    assert.equal((await quarantined).crashes, 2);
    t.mock.timers.tick(299_999);
    assert.equal(s.state(), "quarantined", "quarantineMs is still the supervisor's 300 s");
    t.mock.timers.tick(1);
    assert.equal(s.state(), "crashed");
    s.supervisor.setRestartPolicy({});
    for (let i = 0; i < 2; i++) {
      await s.call();
      const next = s.reaches("backoff");
      s.serving().crash(1);
      await next;
      t.mock.timers.tick(3_000);
    }
    assert.equal(s.state(), "crashed", "back to the supervisor's own: the third crash quarantines");
    await s.supervisor.close();
  });

  test("crashes further apart than the window do not add up to a quarantine", async (t) => {
    const s = await setup(t);
    for (let i = 0; i < 5; i++) {
      await s.call();
      const backoff = s.reaches("backoff");
      s.serving().crash(1);
      await backoff;
      t.mock.timers.tick(61_000);
    }
    assert.equal(s.state(), "crashed");
    assert.equal(s.supervisor.status()[0]?.crashes, 1);
    await s.supervisor.close();
  });

  test("a call made during a backoff waits for it and then gets a new child; the restart is counted", async (t) => {
    const s = await setup(t);
    await s.call();
    const first = s.serving();
    const backoff = s.reaches("backoff");
    first.crash(9);
    await backoff;
    const pending = s.call();
    const ready = s.reaches("ready");
    t.mock.timers.tick(1_000);
    await ready;
    const answer = await pending;
    assert.notEqual(answer.value, first.pid);
    assert.equal(s.supervisor.status()[0]?.restarts, 1);
    await s.supervisor.close();
  });

  test("a call made while the process has a call it gave up on in its grace waits: answered in time, that process serves it; killed for it, a new one does", async (t) => {
    const s = await setup(t);
    await s.call();
    const first = s.serving();
    let sent = 0;
    const call = first.call.bind(first);
    first.call = () => {
      sent++;
      return call();
    };
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    let calm = (): void => {};
    // The abandoned call answers within its grace: the same process takes the next call.
    first.settling = new Promise((resolve) => {
      calm = resolve;
    });
    const answered = s.call();
    await turn();
    assert.equal(sent, 0, "not sent while the abandoned call may still get its process killed");
    first.settling = undefined;
    calm();
    assert.equal((await answered).value, first.pid);
    // The process is killed for the abandoned call: the waiting call goes to a new process.
    first.settling = new Promise((resolve) => {
      calm = resolve;
    });
    const replaced = s.call();
    await turn();
    assert.equal(sent, 1);
    const backoff = s.reaches("backoff");
    first.kill("its authenticate did not stop within 1000 ms of being abandoned");
    calm();
    await backoff;
    const ready = s.reaches("ready");
    t.mock.timers.tick(1_000);
    await ready;
    assert.notEqual((await replaced).value, first.pid);
    assert.equal(sent, 1, "nothing more went to the killed process");
    await s.supervisor.close();
  });

  test("an idle child retires after idleMs; a held plugin's child does not; a warm start keeps one for idleMs", async (t) => {
    const s = await setup(t);
    await s.call();
    const child = s.serving();
    t.mock.timers.tick(9_999);
    assert.equal(child.retired, false);
    const idle = s.reaches("idle");
    t.mock.timers.tick(1);
    await idle;
    assert.equal(child.retired, true);
    assert.equal(s.supervisor.status()[0]?.crashes, 0, "retiring is not a crash");

    s.supervisor.hold(["fake"]);
    await s.call();
    const held = s.serving();
    t.mock.timers.tick(50_000);
    assert.equal(held.retired, false);
    s.supervisor.hold([]);
    const released = s.reaches("idle");
    t.mock.timers.tick(10_000);
    await released;
    assert.equal(held.retired, true);

    const warm = s.reaches("ready");
    s.supervisor.warm(["fake"]);
    await warm;
    assert.equal(s.serving().retired, false);
    await s.supervisor.close();
    assert.equal(
      s.children.every((c) => !c.alive),
      true,
      "close ends every child",
    );
  });

  test("a held plugin's child costs the idle daemon no wake-up while its session lasts, held after the login's call or before a maintain's", async (t) => {
    const s = await setup(t);
    const wakeUps = countWakeUps(t);
    // The daemon's order: the login's calls end, then the session is up and its plugin held.
    await s.call();
    const held = s.serving();
    s.supervisor.hold(["fake"]);
    t.mock.timers.tick(600_000);
    assert.deepEqual(wakeUps.fired, [], "no timer fires while the child is held");
    assert.equal(held.retired, false);
    // A call while held (a maintain) leaves no timer behind either.
    await s.call();
    t.mock.timers.tick(600_000);
    assert.deepEqual(wakeUps.fired, []);
    assert.equal(s.serving(), held);

    s.supervisor.hold([]);
    const released = s.reaches("idle");
    t.mock.timers.tick(10_000);
    await released;
    assert.equal(held.retired, true, "released, it retires after idleMs");
    assert.deepEqual(wakeUps.fired, [10_000]);
    await s.supervisor.close();
  });

  test("holding a plugin no session calls again (no maintain or logoff hook) does not keep its child", async (t) => {
    const s = await setup(t, { ...descriptor, hooks: ["evaluate", "authenticate"] });
    await s.call();
    const child = s.serving();
    s.supervisor.hold(["fake"]);
    const idle = s.reaches("idle");
    t.mock.timers.tick(10_000);
    await idle;
    assert.equal(child.retired, true, "it ends after idleMs like any idle child");
    assert.equal(s.supervisor.status()[0]?.crashes, 0);
    // The next login starts it again.
    const again = await s.call();
    assert.notEqual(again.value, child.pid);
    await s.supervisor.close();
  });

  test("a crash of a held plugin restarts it by itself after the backoff", async (t) => {
    const s = await setup(t);
    s.supervisor.hold(["fake"]);
    await s.call();
    const first = s.serving();
    const backoff = s.reaches("backoff");
    first.crash(1);
    await backoff;
    const ready = s.reaches("ready");
    t.mock.timers.tick(1_000);
    const status = await ready;
    assert.equal(status.restarts, 1);
    assert.notEqual(s.serving(), first);
    await s.supervisor.close();
  });
});
