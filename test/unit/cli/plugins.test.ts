import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { captureIo } from "../../../src/cli/io.ts";
import { main } from "../../../src/cli/main.ts";

const env = { XDG_CONFIG_HOME: "/nonexistent/hotspot-helper-test-config", HOME: "/nonexistent" };

async function run(...argv: string[]) {
  const io = captureIo(env);
  const code = await main(argv, io);
  return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
}

describe("hotspot plugins", () => {
  test("--json lists each loaded plugin with id, name, version, priority, source and claim count", async () => {
    const r = await run(
      "plugins",
      "--plugins",
      "test/fixtures/cli-plugins/cafe-free",
      "--no-bundled",
      "--json",
    );
    assert.equal(r.code, 0);
    const out = JSON.parse(r.stdout);
    assert.equal(out.plugins.length, 1);
    const [plugin] = out.plugins;
    assert.equal(plugin.id, "test-cafe-free");
    assert.equal(plugin.displayName, "Test Cafe");
    assert.equal(plugin.version, "1.0.0");
    assert.equal(plugin.priority, 0);
    assert.equal(plugin.claims, 1);
    assert.match(plugin.source, /cli-plugins\/cafe-free/);
    assert.deepEqual(out.problems, []);
  });

  test("a broken plugin is skipped and reported as a problem with exit 3, the good one still listed", async () => {
    const r = await run(
      "plugins",
      "--plugins",
      "test/fixtures/cli-plugins/cafe-free",
      "--plugins",
      "test/fixtures/cli-plugins/broken",
      "--no-bundled",
      "--json",
    );
    assert.equal(r.code, 3);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(
      out.plugins.map((p: { id: string }) => p.id),
      ["test-cafe-free"],
    );
    assert.equal(out.problems.length, 1);
    assert.match(out.problems[0].message, /cli-plugins\/broken/);
    assert.match(out.problems[0].message, /claims\[0\]\.ssid/);
  });

  test("the table lists plugins on stdout and skipped ones on stderr", async () => {
    const r = await run(
      "plugins",
      "--plugins",
      "test/fixtures/cli-plugins/cafe-free",
      "--plugins",
      "test/fixtures/cli-plugins/broken",
      "--no-bundled",
    );
    assert.equal(r.code, 3);
    assert.match(r.stdout, /^ID\s+NAME\s+VERSION\s+PRIORITY\s+CLAIMS\s+FROM\s+SOURCE\n/);
    assert.match(
      r.stdout,
      /\ntest-cafe-free\s+Test Cafe\s+1\.0\.0\s+0\s+1\s+cli\s+\S*cli-plugins\/cafe-free/,
    );
    assert.match(r.stderr, /^hotspot: skipped: .*cli-plugins\/broken/);
  });

  test("--terse is not an option of plugins", async () => {
    const r = await run("plugins", "--terse");
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown option '--terse'/);
  });
});
