import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { describe, test } from "node:test";
import { promisify } from "node:util";

const exec = promisify(execFile);
const env = { ...process.env, XDG_CONFIG_HOME: "/nonexistent/hotspot-helper-test-config" };
const args = [
  "list",
  "--scan",
  "fixtures/scans/demo.json",
  "--plugins",
  "test/fixtures/cli-plugins/cafe-free",
  "--no-bundled",
  "--json",
];

describe("bin/hotspot.js", () => {
  test("runs as a real process and prints nothing but the JSON on stdout", async () => {
    const { stdout } = await exec(process.execPath, ["bin/hotspot.js", ...args], { env });
    const rows = JSON.parse(stdout);
    assert.equal(rows[0].ssid, "Cafe Free WiFi");
    assert.equal(rows[0].provider.pluginId, "test-cafe-free");
  });

  test("exits with the error's code and a one-line message for a bad scan file", async () => {
    await assert.rejects(
      exec(
        process.execPath,
        ["bin/hotspot.js", "list", "--scan", "test/fixtures/scans/bad-bssid.json", "--no-bundled"],
        {
          env,
        },
      ),
      (e: unknown) =>
        e instanceof Error &&
        "code" in e &&
        e.code === 2 &&
        "stderr" in e &&
        typeof e.stderr === "string" &&
        /^hotspot: invalid scan file test\/fixtures\/scans\/bad-bssid\.json: accessPoints\[0\]\.bssid: .*\n$/.test(
          e.stderr,
        ),
    );
  });

  test("npm run --silent hotspot prints only the command's output", async () => {
    const { stdout } = await exec("npm", ["run", "--silent", "hotspot", "--", ...args], { env });
    assert.equal(JSON.parse(stdout)[0].provider.displayName, "Test Cafe");
  });
});
