import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, type TestContext, test } from "node:test";
import type { LogEntry } from "../../../src/daemon/log.ts";
import {
  type ChildAnswer,
  type ChildProcessOptions,
  exitReason,
  readsLikeError,
} from "../../../src/plugin-host/child-process.ts";
import { inProcessPluginLog } from "../../../src/plugin-host/daemon-processes.ts";
import { DESCRIPTOR_VERSION, type PluginDescriptor } from "../../../src/plugin-host/descriptor.ts";
import { MAX_LINE } from "../../../src/plugin-host/log-limit.ts";
import { PluginSupervisor } from "../../../src/plugin-host/supervisor.ts";
import { FakeChild } from "./fake-child.ts";

const SECRET = "Sup3r-Secret-Passw0rd";

const descriptor: PluginDescriptor = {
  descriptorVersion: DESCRIPTOR_VERSION,
  id: "chatty",
  displayName: "Chatty",
  version: "1.0.0",
  sdk: "^0.1.0",
  priority: 0,
  source: "/plugins/chatty/index.js",
  claims: [],
  portalHosts: [],
  hooks: ["authenticate"],
  timeouts: {},
  needsBrowser: false,
  takesConfig: false,
  takesCredentials: true,
  hasCredentials: true,
};

/** A plugin process that, on each call, does what the test tells it with the supervisor's own callbacks. */
class TalkingChild extends FakeChild {
  constructor(
    opts: ChildProcessOptions,
    readonly onCall: (opts: ChildProcessOptions) => void,
  ) {
    super(opts, descriptor);
  }
  override async call(): Promise<ChildAnswer> {
    this.onCall(this.opts);
    return { value: { result: "success" } };
  }
}

let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "hh-supervisor-log-"));
});
after(() => rm(dir, { recursive: true, force: true }));

async function setup(t: TestContext, onCall: (opts: ChildProcessOptions) => void) {
  t.mock.timers.enable({ apis: ["setTimeout", "Date"], now: 1_000_000 });
  const own: { level: string; message: string; fields?: Readonly<Record<string, unknown>> }[] = [];
  const plugin: { message: string; fields?: Readonly<Record<string, unknown>> }[] = [];
  const children: TalkingChild[] = [];
  const supervisor = new PluginSupervisor({
    storeRoot: join(dir, "stores"),
    tmpRoot: join(dir, "tmp"),
    side: {},
    importTimeoutMs: 1_000,
    permissions: false,
    log: (level, message, fields) => own.push({ level, message, ...(fields ? { fields } : {}) }),
    pluginLog: (_id, _level, message, fields) => plugin.push({ message, ...(fields ? { fields } : {}) }),
    spawn: (opts) => {
      const child = new TalkingChild(opts, onCall);
      children.push(child);
      return child;
    },
  });
  const defined = await supervisor.define(descriptor.source, descriptor.source);
  await defined.configure({ enabled: true, credentials: { password: SECRET } }, {});
  const call = () =>
    supervisor.call(descriptor.id, { hook: "filterScanList", networks: [] }, new AbortController().signal);
  return { supervisor, own, plugin, call, children };
}

const drops = (own: readonly { message: string; fields?: Readonly<Record<string, unknown>> }[]) =>
  own.filter((l) => / log lines? dropped /.test(l.message));

describe("plugin supervisor: a plugin's log budget", () => {
  test("a call that logs 5,000 lines gets 100 into the log, and one summary when the call ends", async (t) => {
    const s = await setup(t, (o) => {
      for (let i = 0; i < 5_000; i++) o.onLog({ t: "log", level: "info", message: `line ${i}` });
    });
    await s.call();
    assert.equal(s.plugin.length, 100);
    assert.deepEqual(
      drops(s.own).map((l) => l.message),
      [
        "plugin chatty: 4,900 log lines dropped in the last 1 s (over its log budget of 100 lines at once, 20 a second)",
      ],
    );
    assert.equal(drops(s.own)[0]?.fields?.dropped, 4_900);
    await s.supervisor.close();
  });

  test("stdout and stderr lines share the plugin's budget with its log lines", async (t) => {
    const s = await setup(t, (o) => {
      for (let i = 0; i < 80; i++) o.onLog({ t: "log", level: "info", message: `log ${i}` });
      for (let i = 0; i < 80; i++) o.onOutput(i % 2 === 0 ? "stdout" : "stderr", `printed ${i}`, 0);
    });
    await s.call();
    assert.equal(s.plugin.length, 100);
    assert.equal(drops(s.own)[0]?.fields?.dropped, 60);
    await s.supervisor.close();
  });

  test("the budget carries over to the next call: a second flood right after gets only what refilled", async (t) => {
    const s = await setup(t, (o) => {
      for (let i = 0; i < 1_000; i++) o.onOutput("stdout", `flood ${i}`, 0);
    });
    await s.call();
    t.mock.timers.tick(1_000);
    await s.call();
    assert.equal(s.plugin.length, 120);
    assert.equal(drops(s.own).length, 2);
    await s.supervisor.close();
  });

  test("what gets through is redacted before it is cut: a credential straddling the cut does not leak its beginning", async (t) => {
    const straddling = `${"a".repeat(MAX_LINE - 5)}${SECRET} and more`;
    const s = await setup(t, (o) => {
      o.onLog({ t: "log", level: "info", message: straddling, fields: { echo: SECRET } });
      o.onOutput("stderr", straddling, 0);
      o.onOutput("stdout", "a line the process wrote 1 MB of", 1_000_000);
      o.onLog({ t: "log", level: "info", message: "fields", fields: { blob: "b".repeat(100_000) } });
    });
    await s.call();
    const [logged, printed, long, big] = s.plugin;
    for (const line of [logged, printed]) {
      assert.equal(line?.message.length, MAX_LINE + ` [line cut at ${MAX_LINE} characters]`.length + 1);
      assert.equal(line?.message.slice(MAX_LINE - 7), `aa*** a… [line cut at ${MAX_LINE} characters]`);
    }
    assert.deepEqual(logged?.fields, { echo: "***" });
    assert.equal(long?.message, `a line the process wrote 1 MB of… [line cut at ${MAX_LINE} characters]`);
    assert.deepEqual(Object.keys(big?.fields ?? {}), ["truncated"]);
    assert.ok(!JSON.stringify(s.plugin).includes(SECRET.slice(0, 5)));
    await s.supervisor.close();
  });

  test("a crash's last words reach its status redacted and cut short; its drops are reported with the crash", async (t) => {
    const s = await setup(t, (o) => {
      for (let i = 0; i < 150; i++) o.onLog({ t: "log", level: "info", message: `line ${i}` });
    });
    await s.call();
    const before = drops(s.own).length;
    const child = s.children.at(-1);
    child?.opts.onLog({ t: "log", level: "info", message: "over budget" });
    child?.end({
      code: 1,
      signal: null,
      lastWords: `Error: login as ${SECRET} refused ${"x".repeat(1_000)}`,
    });
    await child?.exited;
    await new Promise((resolve) => setImmediate(resolve));
    const status = s.supervisor.status()[0];
    assert.equal(status?.state, "backoff");
    assert.match(
      status?.lastError ?? "",
      /^its process exited with code 1 \(its last error output: Error: login as \*\*\* refused x+…\)$/,
    );
    assert.ok((status?.lastError?.length ?? 0) < 400);
    assert.equal(
      drops(s.own).length,
      before + 1,
      "the drop after the call is reported when the process ends",
    );
    await s.supervisor.close();
  });
});

describe("the daemon's log of plugins in its own process", () => {
  test("an in-process plugin's flood gets its burst through, cut to length, and a summary with its next line after a quiet second", (t) => {
    t.mock.timers.enable({ apis: ["Date"], now: 1_000_000 });
    const lines: LogEntry[] = [];
    const { log: sink, hookEnded } = inProcessPluginLog((e) => lines.push(e));
    for (let i = 0; i < 1_000; i++) sink({ level: "info", plugin: "inline", message: "z".repeat(10_000) });
    sink({ level: "info", plugin: "other", message: "unaffected" });
    assert.equal(lines.length, 101);
    assert.equal(lines[0]?.message.length, MAX_LINE + ` [line cut at ${MAX_LINE} characters]`.length + 1);
    t.mock.timers.tick(2_000);
    sink({ level: "info", plugin: "inline", message: "calm again" });
    assert.deepEqual(
      lines.slice(-2).map((l) => [l.scope, l.message]),
      [
        [
          "plugins",
          "plugin inline: 900 log lines dropped in the last 2 s (over its log budget of 100 lines at once, 20 a second)",
        ],
        ["inline", "calm again"],
      ],
    );
    for (let i = 0; i < 500; i++) sink({ level: "info", plugin: "inline", message: "again" });
    t.mock.timers.tick(300);
    hookEnded("inline");
    hookEnded("other");
    assert.equal(
      lines.at(-1)?.message,
      "plugin inline: 461 log lines dropped in the last 1 s (over its log budget of 100 lines at once, 20 a second)",
    );
  });
});

describe("what a crashed process died of", () => {
  test("Node's and V8's reports read like errors; a stack frame, the source excerpt and Node's version do not", () => {
    for (const line of [
      "Error: portal refused",
      "TypeError: Cannot read properties of undefined (reading 'loginUrl')",
      "DOMException [AbortError]: This operation was aborted",
      "Uncaught 'a string'",
      "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory",
    ])
      assert.ok(readsLikeError(line), line);
    for (const line of [
      "    at Immediate.<anonymous> (file:///p/index.mjs:20:13)",
      "        throw new Error(`portal refused`);",
      "        ^",
      "Node.js v20.20.2",
      "(node:123) ExperimentalWarning: Permission is an experimental feature",
      "logging in as someone",
    ])
      assert.ok(!readsLikeError(line), line);
  });

  test("the exit's description adds the last words to an exit or a signal, not to a kill the daemon chose", () => {
    assert.equal(
      exitReason({ code: 1, signal: null, lastWords: "Error: x" }),
      "exited with code 1 (its last error output: Error: x)",
    );
    assert.equal(exitReason({ code: 3, signal: null }), "exited with code 3");
    assert.equal(
      exitReason({ code: null, signal: "SIGABRT", lastWords: "FATAL ERROR: heap" }),
      "was killed by SIGABRT (its last error output: FATAL ERROR: heap)",
    );
    assert.equal(
      exitReason({
        code: null,
        signal: "SIGKILL",
        killedBecause: "its hook ran late",
        lastWords: "Error: y",
      }),
      "was stopped: its hook ran late",
    );
  });
});
