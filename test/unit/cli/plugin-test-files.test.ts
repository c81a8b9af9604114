import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { captureIo } from "../../../src/cli/io.ts";
import { main } from "../../../src/cli/main.ts";

const env = { XDG_CONFIG_HOME: "/nonexistent/hotspot-helper-test-config", HOME: "/nonexistent" };

describe("hotspot plugin test input files", () => {
  test("a malformed --credentials file is a user error that never quotes its content", async () => {
    const dir = await mkdtemp(join(tmpdir(), "hh-plugin-test-"));
    try {
      const file = join(dir, "credentials.json");
      await writeFile(file, '{"username": "ann-user", "password": hunter2-secret}');
      const io = captureIo(env);
      const code = await main(
        ["plugin", "test", join(dir, "no-plugin"), "--scenario", "form-login", "--credentials", file],
        io,
      );
      assert.equal(code, 2);
      assert.match(io.stderrText(), /credentials\.json/);
      assert.doesNotMatch(io.stderrText(), /hunter2|ann-user/);
      assert.equal(io.stdoutText(), "");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
