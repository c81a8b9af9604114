import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { captureIo } from "../../../src/cli/io.ts";
import { main } from "../../../src/cli/main.ts";

const CAFE_PLUGIN = "test/fixtures/cli-plugins/cafe-free";
const BROKEN_PLUGIN = "test/fixtures/cli-plugins/broken";
const cacheHome = mkdtempSync(join(tmpdir(), "hh-list-test-cache-"));
after(() => rmSync(cacheHome, { recursive: true, force: true }));
const env = {
  XDG_CONFIG_HOME: "/nonexistent/hotspot-helper-test-config",
  XDG_CACHE_HOME: cacheHome,
  HOME: "/nonexistent",
};

async function run(...argv: string[]) {
  const io = captureIo(env);
  const code = await main(argv, io);
  return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
}

interface Row {
  ssid: string;
  ssidHex: string;
  strength: number;
  provider: { pluginId: string; displayName: string; confidence: string } | null;
  claims: { pluginId: string }[];
}

describe("hotspot list", () => {
  test("--json with a fixture plugin shows it as the provider of Cafe Free WiFi, strongest first", async () => {
    const r = await run(
      "list",
      "--scan",
      "fixtures/scans/cafe-street.json",
      "--plugins",
      CAFE_PLUGIN,
      "--no-bundled",
      "--json",
    );
    assert.equal(r.stderr, "");
    assert.equal(r.code, 0);
    const rows: Row[] = JSON.parse(r.stdout);
    assert.equal(rows.length, 13);
    const cafes = rows.filter((row) => row.ssid === "Cafe Free WiFi");
    assert.equal(cafes.length, 2);
    for (const cafe of cafes) {
      assert.deepEqual(cafe.provider, {
        pluginId: "test-cafe-free",
        displayName: "Test Cafe",
        confidence: "high",
      });
      assert.deepEqual(
        cafe.claims.map((c) => c.pluginId),
        ["test-cafe-free"],
      );
    }
    assert.equal(rows.find((row) => row.ssid === "eduroam")?.provider, null);
    assert.deepEqual(
      rows.map((row) => row.strength),
      rows.map((row) => row.strength).sort((a, b) => b - a),
    );
    assert.equal(
      rows.find((row) => row.ssidHex === "4b61666665652dff4c6f756e6765")?.ssid,
      "Kaffee-\uFFFDLounge",
    );
  });

  test("with only the bundled plugins, the cafe-street fixture shows a provider", async () => {
    const r = await run("list", "--scan", "fixtures/scans/cafe-street.json", "--json");
    assert.equal(r.code, 0, r.stderr);
    const rows: Row[] = JSON.parse(r.stdout);
    assert.ok(rows.some((row) => row.provider !== null));
  });

  test("the table shows the provider's display name and -- for unclaimed networks", async () => {
    const r = await run(
      "list",
      "--scan",
      "fixtures/scans/demo.json",
      "--plugins",
      CAFE_PLUGIN,
      "--no-bundled",
    );
    assert.equal(r.code, 0);
    const lines = r.stdout.trimEnd().split("\n");
    assert.match(lines[0] ?? "", /^SSID\s+BSSID\s+SIGNAL\s+SECURITY\s+PROVIDER\s+CONFIDENCE$/);
    assert.match(lines[1] ?? "", /^Cafe Free WiFi\s+02:ca:fe:00:00:01\s+82 ▂▄▆█\s+open\s+Test Cafe\s+high$/);
    assert.match(lines[3] ?? "", /^Home-5G\s+.*wpa2-psk\s+--\s+--$/);
  });

  test("--terse prints one escaped line per access point", async () => {
    const r = await run(
      "list",
      "--scan",
      "fixtures/scans/demo.json",
      "--plugins",
      CAFE_PLUGIN,
      "--no-bundled",
      "--terse",
    );
    assert.equal(r.code, 0);
    assert.equal(
      r.stdout,
      "Cafe Free WiFi:02\\:ca\\:fe\\:00\\:00\\:01:82:open:Test Cafe:high\n" +
        "Library Guest:02\\:11\\:b0\\:00\\:00\\:01:55:open::\n" +
        "Home-5G:02\\:00\\:00\\:20\\:00\\:01:47:wpa2-psk::\n",
    );
  });

  test("a broken plugin folder is a non-zero exit naming the plugin file and field, without a stack", async () => {
    const r = await run(
      "list",
      "--scan",
      "fixtures/scans/demo.json",
      "--plugins",
      BROKEN_PLUGIN,
      "--no-bundled",
      "--json",
    );
    assert.notEqual(r.code, 0);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /^hotspot: /);
    assert.match(r.stderr, /cli-plugins\/broken/);
    assert.match(r.stderr, /claims\[0\]\.ssid/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    assert.doesNotMatch(r.stderr, /bug/);
  });

  test("a bad scan file is exit 2 naming the file and the field", async () => {
    const r = await run(
      "list",
      "--scan",
      "test/fixtures/scans/unknown-security.json",
      "--no-bundled",
      "--json",
    );
    assert.equal(r.code, 2);
    assert.equal(r.stdout, "");
    assert.match(
      r.stderr,
      /^hotspot: invalid scan file test\/fixtures\/scans\/unknown-security\.json: accessPoints\[1\]\.security: /,
    );
    assert.equal(r.stderr.split("\n").length, 2);
  });

  test("a missing scan file is exit 2 naming the file", async () => {
    const r = await run("list", "--scan", "test/fixtures/scans/nope.json", "--no-bundled");
    assert.equal(r.code, 2);
    assert.match(r.stderr, /cannot read test\/fixtures\/scans\/nope\.json: no such file/);
  });

  test("without --scan and no NetworkManager on the bus it is exit 4 with a clear message and no stack", async () => {
    const io = captureIo({ ...env, DBUS_SYSTEM_BUS_ADDRESS: "unix:path=/nonexistent/hotspot-test-bus.sock" });
    const code = await main(["list", "--no-bundled"], io);
    assert.equal(code, 4);
    assert.match(
      io.stderrText(),
      /^hotspot: NetworkManager is not reachable on unix:path=\/nonexistent\/hotspot-test-bus\.sock: .*\n$/,
    );
    assert.doesNotMatch(io.stderrText(), /\n\s+at /);
    assert.equal(io.stdoutText(), "");
  });

  test("--bus overrides DBUS_SYSTEM_BUS_ADDRESS and --backend nmcli reports the same unreachable bus", async () => {
    const bus = "unix:path=/nonexistent/hotspot-test-bus-2.sock";
    const envBus = { ...env, DBUS_SYSTEM_BUS_ADDRESS: "unix:path=/nonexistent/other.sock" };
    for (const backend of ["networkmanager", "nmcli"]) {
      const io = captureIo(envBus);
      const code = await main(["list", "--no-bundled", "--bus", bus, "--backend", backend], io);
      assert.equal(code, 4, backend);
      assert.match(
        io.stderrText(),
        /^hotspot: (NetworkManager is not reachable on unix:path=\/nonexistent\/hotspot-test-bus-2\.sock|cannot run nmcli)/,
        backend,
      );
      assert.doesNotMatch(io.stderrText(), /other\.sock|\n\s+at /, backend);
    }
  });

  test("--scan with --bus or --backend, or an unknown backend, is a usage error", async () => {
    const both = await run("list", "--scan", "fixtures/scans/demo.json", "--backend", "nmcli");
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--scan reads a file; it cannot be combined with --bus or --backend/);
    const unknown = await run("list", "--backend", "iwd");
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown backend 'iwd' \(backends: networkmanager, nmcli, node-wifi\)/);
  });

  test("--rescan with a scan file re-reads it and lists the same networks", async () => {
    const r = await run("list", "--scan", "fixtures/scans/demo.json", "--rescan", "--no-bundled", "--json");
    assert.equal(r.code, 0, r.stderr);
    const plain = await run("list", "--scan", "fixtures/scans/demo.json", "--no-bundled", "--json");
    assert.equal(r.stdout, plain.stdout);
  });

  test("an unknown option is a usage error with exit 2", async () => {
    const r = await run("list", "--scan", "fixtures/scans/demo.json", "--colour");
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^hotspot: unknown option '--colour'\nUsage: hotspot list/);
  });

  test("an explicit --config that does not exist is exit 2 naming the file", async () => {
    const r = await run(
      "list",
      "--scan",
      "fixtures/scans/demo.json",
      "--no-bundled",
      "--config",
      "/nonexistent/cfg.json",
    );
    assert.equal(r.code, 2);
    assert.match(r.stderr, /cannot read \/nonexistent\/cfg\.json: no such file/);
  });
});
