import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Variant } from "@jellybrick/dbus-next";
import { decodePluginState } from "../../../src/daemon/dbus-api/decode.ts";
import { pluginStateDict } from "../../../src/daemon/dbus-api/views.ts";

describe("ListPlugins answers as the CLI decodes them", () => {
  test("what the daemon sends decodes back to the same view, lastError only when set", () => {
    const quarantined = {
      id: "example-cafe",
      state: "quarantined",
      restarts: 2,
      crashes: 3,
      lastError: "HH_PLUGIN_PROCESS_EXITED: its process was killed by SIGKILL",
    } as const;
    assert.deepEqual(decodePluginState(pluginStateDict(quarantined)), quarantined);
    const inProcess = { id: "capport", state: "in-process", restarts: 0, crashes: 0 } as const;
    const dict = pluginStateDict(inProcess);
    assert.equal("lastError" in dict, false);
    assert.deepEqual(decodePluginState(dict), inProcess);
  });

  test("a state the CLI does not know is rejected, naming it", () => {
    const dict = { ...pluginStateDict({ id: "x", state: "ready", restarts: 0, crashes: 0 }) };
    dict.state = new Variant("s", "on-fire");
    assert.throws(() => decodePluginState(dict), /state: unknown plugin state "on-fire"/);
  });

  test("a field of the wrong D-Bus type or missing is rejected", () => {
    const good = pluginStateDict({ id: "x", state: "ready", restarts: 0, crashes: 0 });
    assert.throws(
      () => decodePluginState({ ...good, restarts: new Variant("s", "many") }),
      /restarts: expected D-Bus type u, got s/,
    );
    assert.throws(
      () => decodePluginState({ ...good, lastError: new Variant("u", 7) }),
      /lastError: expected D-Bus type s, got u/,
    );
    const { id: _id, ...noId } = good;
    assert.throws(() => decodePluginState(noId), /id: missing/);
    assert.throws(() => decodePluginState({ ...good, crashes: "3" }), /crashes: missing/);
  });
});
