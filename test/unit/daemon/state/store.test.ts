import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { defaultStateDir } from "../../../../src/daemon/state/dir.ts";
import { STATE_FILE, StateStore } from "../../../../src/daemon/state/store.ts";
import type { HotspotError } from "../../../../src/errors.ts";

const SESSION_V1 = {
  ssidHex: "43616665",
  ssidText: "Cafe",
  bssid: "02:00:00:00:00:01",
  pluginId: "cafe",
  authenticatedAt: 1_000,
  facts: { expiresInSeconds: 600 },
  factsAt: 1_000,
};
const SESSION = { ...SESSION_V1, security: "open" as const, savedAt: 1_000 };
const CAFE = { "ssid:43616665|open": SESSION };
const NOW = Date.UTC(2026, 0, 2);

describe("StateStore", () => {
  let dir = "";
  const problems: HotspotError[] = [];
  const open = () => StateStore.open({ dir, onProblem: (e) => problems.push(e), now: () => NOW });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "hh-state-test-"));
    problems.length = 0;
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test("a missing file is an empty state; what is saved is read back by the next start", async () => {
    const first = await open();
    assert.deepEqual(first.state.sessions, {});
    first.update((s) => {
      s.sessions.wlan0 = CAFE;
      s.choices["ssid:43616665"] = { pluginId: "cafe", fingerprint: "f1", chosenAt: 1 };
    });
    await first.flush();
    const second = await open();
    assert.deepEqual(second.state.sessions.wlan0, CAFE);
    assert.equal(second.state.choices["ssid:43616665"]?.pluginId, "cafe");
    assert.deepEqual(problems, []);
  });

  test("the file is replaced whole, leaves no temporary file and is readable by its owner only", async () => {
    const store = await open();
    for (let i = 0; i < 20; i++) store.update((s) => Object.assign(s.sessions, { [`wlan${i}`]: CAFE }));
    await store.flush();
    assert.deepEqual(await readdir(dir), [STATE_FILE]);
    const saved = JSON.parse(await readFile(join(dir, STATE_FILE), "utf8"));
    assert.equal(Object.keys(saved.sessions).length, 20);
    assert.equal((await stat(join(dir, STATE_FILE))).mode & 0o777, 0o600);
  });

  for (const [what, text] of [
    ["text that is not JSON", '{"version": 1, "sessions": {'],
    [
      "a version-1 session missing its plugin",
      JSON.stringify({
        version: 1,
        sessions: { wlan0: { ...SESSION_V1, pluginId: undefined } },
        choices: {},
      }),
    ],
    [
      "a session missing when it was last saved",
      JSON.stringify({
        version: 2,
        sessions: { wlan0: { "ssid:43616665|open": { ...SESSION, savedAt: undefined } } },
        choices: {},
      }),
    ],
    ["a version from the future", JSON.stringify({ version: 3, sessions: {}, choices: {} })],
    ["no version", JSON.stringify({ sessions: {}, choices: {} })],
  ] as const) {
    test(`${what} is moved aside with a warning and the daemon starts empty`, async () => {
      await writeFile(join(dir, STATE_FILE), text);
      const store = await open();
      assert.deepEqual(store.state.sessions, {});
      assert.equal(problems.length, 1);
      assert.equal(problems[0]?.code, "HH_STATE_CORRUPT");
      const moved = `${STATE_FILE}.corrupt-2026-01-02T00-00-00.000Z`;
      assert.deepEqual((await readdir(dir)).sort(), [moved]);
      assert.equal(await readFile(join(dir, moved), "utf8"), text);
      assert.match(problems[0]?.message ?? "", new RegExp(moved.replaceAll(".", "\\.")));
    });
  }

  test("a version-1 file (one session per device) loads: each session under its SSID, stamped as saved now, and the next save writes version 2", async () => {
    const v1 = {
      version: 1,
      sessions: { wlan0: SESSION_V1, wlan1: { ...SESSION_V1, ssidHex: "486f74656c", ssidText: "Hotel" } },
      choices: { "ssid:43616665": { pluginId: "cafe", fingerprint: "f1", chosenAt: 1 } },
      failures: {},
    };
    await writeFile(join(dir, STATE_FILE), JSON.stringify(v1));
    const store = await open();
    assert.deepEqual(problems, []);
    assert.deepEqual(store.state.sessions, {
      wlan0: { "ssid:43616665": { ...SESSION_V1, savedAt: NOW } },
      wlan1: { "ssid:486f74656c": { ...SESSION_V1, ssidHex: "486f74656c", ssidText: "Hotel", savedAt: NOW } },
    });
    assert.equal(store.state.choices["ssid:43616665"]?.pluginId, "cafe");
    assert.equal(JSON.parse(await readFile(join(dir, STATE_FILE), "utf8")).version, 1);
    store.update((s) => {
      s.failures["ssid:43616665"] = { count: 1, lastAt: NOW, reason: "x" };
    });
    await store.flush();
    const written = JSON.parse(await readFile(join(dir, STATE_FILE), "utf8"));
    assert.equal(written.version, 2);
    assert.deepEqual((await open()).state.sessions, store.state.sessions);
  });

  test("a save that fails is reported, not thrown, and the next update saves again", async () => {
    const store = await open();
    await rm(dir, { recursive: true, force: true });
    store.update((s) => Object.assign(s.sessions, { wlan0: CAFE }));
    await store.flush();
    assert.equal(problems[0]?.code, "HH_STATE_WRITE_FAILED");
    await mkdir(dir);
    store.update((s) => Object.assign(s.sessions, { wlan1: CAFE }));
    await store.flush();
    assert.deepEqual(Object.keys((await open()).state.sessions).sort(), ["wlan0", "wlan1"]);
  });
});

describe("defaultStateDir", () => {
  test("systemd's STATE_DIRECTORY wins, first entry of a list", () => {
    assert.equal(
      defaultStateDir({ STATE_DIRECTORY: "/var/lib/hotspot-helper:/var/lib/other" }, 1000),
      "/var/lib/hotspot-helper",
    );
  });
  test("root without systemd uses /var/lib/hotspot-helper", () => {
    assert.equal(defaultStateDir({ HOME: "/root" }, 0), "/var/lib/hotspot-helper");
  });
  test("a user gets XDG_STATE_HOME, or ~/.local/state when it is unset or relative", () => {
    assert.equal(
      defaultStateDir({ XDG_STATE_HOME: "/home/a/st", HOME: "/home/a" }, 1000),
      "/home/a/st/hotspot-helper",
    );
    assert.equal(
      defaultStateDir({ XDG_STATE_HOME: "rel", HOME: "/home/a" }, 1000),
      "/home/a/.local/state/hotspot-helper",
    );
  });
});
