import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { hotspotError, isHotspotError } from "../../../src/errors.ts";
import { childLoadError, serializeError } from "../../../src/plugin-host/child-errors.ts";
import { MAX_TEXT, parseFromChild } from "../../../src/plugin-host/protocol.ts";

/** What the daemon accepts from a plugin's process, which runs untrusted code. */
describe("messages from a plugin's process", () => {
  test("the protocol's messages pass, with what the daemon reads", () => {
    assert.deepEqual(parseFromChild({ t: "hello" }), { t: "hello" });
    assert.deepEqual(parseFromChild({ t: "defined", id: "cafe" }), { t: "defined", id: "cafe" });
    assert.deepEqual(parseFromChild({ t: "answer", id: 3, value: { result: "success" } }), {
      t: "answer",
      id: 3,
      value: { result: "success" },
    });
    assert.deepEqual(parseFromChild({ t: "lease", id: 4 }), { t: "lease", id: 4 });
    assert.deepEqual(parseFromChild({ t: "unlease", id: 4 }), { t: "unlease", id: 4 });
    const ssid = new Uint8Array([0xff, 0]);
    assert.deepEqual(parseFromChild({ t: "log", level: "info", message: "hi", fields: { ssid } }), {
      t: "log",
      level: "info",
      message: "hi",
      fields: { ssid },
    });
  });

  test("anything else is refused: unknown kinds, extra keys, bad ids and levels, non-objects", () => {
    const bad: unknown[] = [
      null,
      "hello",
      { t: "exec", command: "rm -rf /" },
      { t: "hello", extra: 1 },
      { t: "answer", id: -1, value: 1 },
      { t: "answer", id: 1.5, value: 1 },
      { t: "threw", id: 1 },
      { t: "log", level: "fatal", message: "x" },
      { t: "defined", id: "" },
      { t: "http", entry: { method: "GET", url: "http://x/", ms: -1 } },
      { t: "failed", error: { code: "HH_X", message: 5 } },
      { t: "lease", id: -1 },
      { t: "lease", id: 1, socketPath: "/tmp/elsewhere.sock" },
      { t: "unlease" },
    ];
    for (const m of bad) assert.equal(parseFromChild(m), undefined, JSON.stringify(m));
  });

  test("a reason longer than MAX_TEXT is cut, a log line at twice MAX_TEXT (the daemon cuts it to MAX_TEXT after redaction)", () => {
    const long = "x".repeat(MAX_TEXT * 3);
    const parsed = parseFromChild({ t: "log", level: "warn", message: long });
    assert.equal(parsed?.t, "log");
    assert.equal(parsed?.t === "log" ? parsed.message.length : 0, 2 * MAX_TEXT + 1);
    const threw = parseFromChild({ t: "threw", id: 1, reason: long });
    assert.equal(threw?.t === "threw" ? threw.reason.length : 0, MAX_TEXT + 1);
  });
});

describe("load failures from a plugin's process", () => {
  test("a load-time code and its parameters cross as they are", () => {
    const sent = serializeError(
      hotspotError("HH_PLUGIN_DEFINITION_INVALID", {
        plugin: "p",
        path: "/p.js",
        field: "id",
        reason: "bad",
      }),
    );
    const e = childLoadError(sent, "/p.js");
    assert.ok(isHotspotError(e, "HH_PLUGIN_DEFINITION_INVALID"));
    assert.equal(e.params.field, "id");
  });

  test("any other code a process claims is not taken as the daemon's own: it becomes a load failure with the text", () => {
    const e = childLoadError({ code: "HH_INTERNAL", params: { reason: "x" }, message: "forged" }, "/p.js");
    assert.ok(isHotspotError(e, "HH_PLUGIN_LOAD_FAILED"));
    assert.match(e.message, /plugin at \/p\.js failed to load: forged/);
    const plain = childLoadError(serializeError(new Error("boom")), "/q.js");
    assert.match(plain.message, /plugin at \/q\.js failed to load: boom/);
  });
});
