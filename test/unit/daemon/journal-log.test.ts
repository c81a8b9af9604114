import assert from "node:assert/strict";
import { closeSync, fstatSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { journalSink, stderrIsJournal } from "../../../src/daemon/journal-log.ts";
import { watchdogIntervalMs } from "../../../src/daemon/sd-notify.ts";

function capture() {
  let text = "";
  return { stream: { write: (s: string) => (text += s) }, text: () => text };
}

test("journal lines carry the syslog priority of their level and the plugin's namespace", () => {
  const out = capture();
  const log = journalSink(out.stream, { minLevel: "debug" });
  log({ level: "info", scope: "daemon", message: "started" });
  log({ level: "warn", scope: "example-cafe", message: "portal slow", fields: { ms: 900 } });
  log({ level: "error", scope: "dbus-api", message: "lost" });
  log({ level: "debug", scope: "daemon", message: "detail" });
  assert.equal(
    out.text(),
    '<6>daemon: started\n<4>example-cafe: portal slow {"ms":900}\n<3>dbus-api: lost\n<7>daemon: detail\n',
  );
});

test("journal lines drop levels below the minimum, redact secrets and never split an entry", () => {
  const out = capture();
  const log = journalSink(out.stream, { secrets: () => new Set(["hunter2-secret"]) });
  log({ level: "debug", scope: "daemon", message: "hidden" });
  log({ level: "info", scope: "p", message: "line one\nline two with hunter2-secret" });
  assert.equal(out.text().split("\n").length, 2);
  assert.ok(!out.text().includes("hunter2-secret"));
  assert.match(out.text(), /^<6>p: line one ⏎ line two with \*\*\*\n$/);
});

test("stderr counts as the journal only when JOURNAL_STREAM names that very file", () => {
  const dir = mkdtempSync(join(tmpdir(), "hotspot-journal-test-"));
  const fd = openSync(join(dir, "f"), "w");
  try {
    const st = fstatSync(fd);
    assert.equal(stderrIsJournal({ JOURNAL_STREAM: `${st.dev}:${st.ino}` }, fd), true);
    assert.equal(stderrIsJournal({ JOURNAL_STREAM: `${st.dev}:${st.ino + 1}` }, fd), false);
    assert.equal(stderrIsJournal({}, fd), false);
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the watchdog pings at half of WATCHDOG_USEC, and only in the process it was meant for", () => {
  assert.equal(watchdogIntervalMs({ WATCHDOG_USEC: "180000000" }), 90_000);
  assert.equal(watchdogIntervalMs({ WATCHDOG_USEC: "180000000", WATCHDOG_PID: "42" }, 42), 90_000);
  assert.equal(watchdogIntervalMs({ WATCHDOG_USEC: "180000000", WATCHDOG_PID: "43" }, 42), undefined);
  assert.equal(watchdogIntervalMs({}), undefined);
  assert.equal(watchdogIntervalMs({ WATCHDOG_USEC: "garbage" }), undefined);
});
