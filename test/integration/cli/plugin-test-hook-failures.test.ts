import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { captureIo } from "../../../src/cli/io.ts";
import { main } from "../../../src/cli/main.ts";

const env = {
  XDG_CONFIG_HOME: "/nonexistent/hh-config",
  XDG_DATA_HOME: "/nonexistent/hh-data",
  HOME: "/nonexistent",
};

async function stepLines(fixture: string): Promise<{ code: number; evaluate: string; authenticate: string }> {
  const io = captureIo(env);
  const code = await main(
    // --force: a failed evaluate counts as none and would end the run before authenticate.
    ["plugin", "test", `test/fixtures/hook-failures/${fixture}`, "--scenario", "form-login", "--force"],
    io,
  );
  const line = (step: string) =>
    io
      .stdoutText()
      .split("\n")
      .find((l) => new RegExp(`^\\s+\\w+\\s+${step}\\s`).test(l)) ?? "";
  return { code, evaluate: line("evaluate"), authenticate: line("authenticate") };
}

describe("hotspot plugin test tells a timeout from a throw from an invalid result", () => {
  test("a hook that never answers: 'timed out after N ms'", async () => {
    const r = await stepLines("times-out");
    assert.equal(r.code, 1);
    assert.match(
      r.evaluate,
      /FAIL\s+evaluate\s+none \(plugin hook-times-out: evaluate timed out after 50 ms\)/,
    );
    assert.match(
      r.authenticate,
      /FAIL\s+authenticate\s+plugin hook-times-out: authenticate timed out after 50 ms/,
    );
    assert.doesNotMatch(`${r.evaluate}${r.authenticate}`, /threw|invalid result/);
  });

  test("a hook that throws: 'threw' and the plugin's reason", async () => {
    const r = await stepLines("throws");
    assert.equal(r.code, 1);
    assert.match(r.evaluate, /none \(plugin hook-throws: evaluate threw: portal page changed\)/);
    assert.match(
      r.authenticate,
      /FAIL\s+authenticate\s+plugin hook-throws: authenticate threw: login form moved/,
    );
    assert.doesNotMatch(`${r.evaluate}${r.authenticate}`, /timed out|invalid result/);
  });

  test("a hook that answers garbage: 'returned an invalid result' and the field", async () => {
    const r = await stepLines("invalid");
    assert.equal(r.code, 1);
    assert.match(r.evaluate, /none \(plugin hook-invalid: evaluate returned an invalid result: confidence: /);
    assert.match(
      r.authenticate,
      /FAIL\s+authenticate\s+plugin hook-invalid: authenticate returned an invalid result: result: /,
    );
    assert.doesNotMatch(`${r.evaluate}${r.authenticate}`, /timed out|threw/);
  });
});

describe("hotspot plugin test names the settings file it was given", () => {
  test("a config file the plugin's schema refuses is named, with every problem", async (t) => {
    const { mkdtemp, rm, writeFile } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = await mkdtemp(join(tmpdir(), "hh-plugin-test-config-"));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, "cafe.json");
    await writeFile(file, JSON.stringify({ ssid: 42, portalHost: 7 }));
    const io = captureIo(env);
    const argv = [
      "plugin",
      "test",
      "test/fixtures/plugins/valid",
      "--scenario",
      "form-login",
      "--config",
      file,
    ];
    assert.equal(await main(argv, io), 3);
    assert.equal(
      io.stderrText().split("\n")[0],
      `hotspot: settings for plugin fixture-valid in ${file} are invalid: config.ssid: expected string, received number; config.portalHost: expected string, received number`,
    );
  });
});
