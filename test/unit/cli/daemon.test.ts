import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import type { CommandEntry } from "../../../src/cli/command.ts";
import { createDaemonCommand } from "../../../src/cli/daemon.ts";
import type { CliIo } from "../../../src/cli/io.ts";
import { main } from "../../../src/cli/main.ts";

const stateDir = mkdtempSync(join(tmpdir(), "hh-daemon-state-"));
after(() => rmSync(stateDir, { recursive: true, force: true }));
const env = {
  XDG_CONFIG_HOME: "/nonexistent/hotspot-helper-test-config",
  HOME: "/nonexistent",
  STATE_DIRECTORY: stateDir,
  CACHE_DIRECTORY: stateDir,
};

/** An io whose stderr can be waited on, and a command wired to an emitter instead of the process. */
function harness() {
  const signals = new EventEmitter();
  let stderr = "";
  let waiter: { pattern: RegExp; resolve: () => void } | undefined;
  const io: CliIo = {
    stdout: { write: () => {} },
    stderr: {
      write: (text) => {
        stderr += text;
        if (waiter?.pattern.test(stderr)) waiter.resolve();
      },
    },
    env,
  };
  const commands: Record<string, CommandEntry> = {
    daemon: { summary: "", load: async () => ({ command: createDaemonCommand(signals) }) },
  };
  return {
    signals,
    stderr: () => stderr,
    run: (...argv: string[]) => main(["daemon", ...argv], io, commands),
    until: (pattern: RegExp) =>
      new Promise<void>((resolve) => {
        if (pattern.test(stderr)) resolve();
        else waiter = { pattern, resolve };
      }),
  };
}

describe("hotspot daemon (in-process, signals from an emitter)", () => {
  test("runs over a scan file until SIGINT, ignores a second signal while stopping, exits 0", async () => {
    const h = harness();
    const exit = h.run("--scan", "fixtures/scans/demo.json", "--no-bundled");
    await h.until(/started: source fixture:demo\.json \(fixture\), 0 plugin\(s\) loaded/);
    h.signals.emit("SIGINT");
    h.signals.emit("SIGTERM");
    assert.equal(await exit, 0);
    assert.match(h.stderr(), /SIGINT received, stopping\n/);
    assert.match(h.stderr(), /SIGTERM received, already stopping\n/);
    assert.match(h.stderr(), /\[daemon\] stopped\n$/);
    assert.equal(h.signals.listenerCount("SIGINT") + h.signals.listenerCount("SIGTERM"), 0);
  });

  test("--json-logs writes one JSON object per line", async () => {
    const h = harness();
    const exit = h.run("--scan", "fixtures/scans/demo.json", "--no-bundled", "--json-logs");
    await h.until(/started: /);
    h.signals.emit("SIGTERM");
    assert.equal(await exit, 0);
    const lines = h.stderr().trimEnd().split("\n");
    for (const line of lines) assert.equal(typeof JSON.parse(line).message, "string");
    assert.equal(JSON.parse(lines.at(-1) ?? "{}").message, "stopped");
  });

  test("a broken plugin folder is skipped with a warning instead of stopping the daemon", async () => {
    const h = harness();
    const exit = h.run(
      "--scan",
      "fixtures/scans/demo.json",
      "--no-bundled",
      "--plugins",
      "test/fixtures/cli-plugins/broken",
      "--plugins",
      "test/fixtures/cli-plugins/cafe-free",
    );
    await h.until(/started: /);
    h.signals.emit("SIGTERM");
    assert.equal(await exit, 0);
    assert.match(h.stderr(), /warn {2}\[daemon\] plugin skipped: /);
    assert.match(h.stderr(), /1 plugin\(s\) loaded/);
  });

  test("every kind of bad plugin, a claim conflict and an overridden id: logged one line each, the daemon runs the rest", async () => {
    const h = harness();
    const exit = h.run(
      "--scan",
      "fixtures/scans/demo.json",
      "--no-bundled",
      "--plugins",
      "test/fixtures/bad-plugins",
      "--plugins",
      "test/fixtures/plugins/claim-conflict",
      "--plugins",
      "test/fixtures/bad-plugins-dup/system",
      "--plugins",
      "test/fixtures/bad-plugins-dup/user",
    );
    await h.until(/started: /);
    h.signals.emit("SIGTERM");
    assert.equal(await exit, 0);
    const log = h.stderr();
    assert.equal(log.match(/plugin skipped: /g)?.length, 7, log);
    assert.match(
      log,
      /plugin skipped: plugins "fixture-conflict-first" and "fixture-conflict-second" .* is quarantined/,
    );
    assert.match(
      log,
      /warn {2}\[daemon\] plugin "dup-cafe" from \S+system\/cafe\/index\.ts .* is overridden by \S+user\/cafe\/index\.ts/,
    );
    assert.match(log, /2 plugin\(s\) loaded/);
    assert.doesNotMatch(log, /^\s+at /m);
  });

  test("a failing filterScanList hook is logged under its plugin's name with its code, and its own log lines show, credentials redacted", async () => {
    const dir = await mkdtemp(join(tmpdir(), "hh-daemon-cli-"));
    try {
      const config = join(dir, "config.json");
      await writeFile(
        config,
        JSON.stringify({
          plugins: { "test-filter-throws": { credentials: { token: "filter-T0KEN-4821" } } },
        }),
      );
      const h = harness();
      const exit = h.run(
        "--scan",
        "fixtures/scans/demo.json",
        "--no-bundled",
        "--config",
        config,
        "--plugins",
        "test/fixtures/daemon-cli-plugins/filter-throws",
      );
      await h.until(/filterScanList threw/);
      h.signals.emit("SIGTERM");
      assert.equal(await exit, 0);
      assert.match(h.stderr(), /info {2}\[test-filter-throws\] asking the scan service with token \*\*\*\n/);
      assert.match(
        h.stderr(),
        /error \[test-filter-throws\] plugin test-filter-throws: filterScanList threw: scan service refused token \*\*\* \{"code":"HH_PLUGIN_HOOK_FAILED"\}\n/,
      );
      assert.doesNotMatch(h.stderr(), /filter-T0KEN-4821/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("a scan file that cannot be read ends the run with its error and leaves no signal handlers", async () => {
    const h = harness();
    assert.equal(await h.run("--scan", "test/fixtures/scans/nope.json", "--no-bundled"), 2);
    assert.match(h.stderr(), /cannot read test\/fixtures\/scans\/nope\.json/);
    assert.equal(h.signals.listenerCount("SIGINT") + h.signals.listenerCount("SIGTERM"), 0);
  });

  test("--scan together with --bus is a usage error", async () => {
    const h = harness();
    assert.equal(await h.run("--scan", "fixtures/scans/demo.json", "--bus", "unix:path=/x"), 2);
    assert.match(h.stderr(), /--scan reads a file; it cannot be combined with --bus or --backend/);
  });

  test("--poll-interval must be whole milliseconds between 100 and an hour", async () => {
    const h = harness();
    assert.equal(await h.run("--backend", "nmcli", "--poll-interval", "50"), 2);
    assert.match(h.stderr(), /--poll-interval must be whole milliseconds \(100-3600000\), not '50'/);
  });
});
