import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { captureIo } from "../../../src/cli/io.ts";
import { main } from "../../../src/cli/main.ts";

const plugin = (id: string, displayName: string) =>
  `export default ${JSON.stringify({ id, displayName, version: "1.0.0", sdk: "^0.1.0", claims: [{ ssid: id, confidence: "high" }] })};\n`;

let dir = "";
let env: NodeJS.ProcessEnv = {};

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "hh-cli-discovery-"));
  const files: Record<string, string> = {
    "root/usr/lib/hotspot-helper/plugins/distro/index.mjs": plugin("distro-wifi", "Distro"),
    "root/etc/hotspot-helper/plugins/hotel/index.mjs": plugin("hotel-wifi", "Hotel (etc)"),
    "data/hotspot-helper/plugins/hotel/index.mjs": plugin("hotel-wifi", "Hotel (user)"),
    "data/hotspot-helper/plugins/node_modules/@acme/hotspot-acme/package.json": JSON.stringify({
      name: "@acme/hotspot-acme",
      type: "module",
      keywords: ["hotspot-helper-plugin"],
      main: "plugin.js",
    }),
    "data/hotspot-helper/plugins/node_modules/@acme/hotspot-acme/plugin.js": plugin("acme-wifi", "ACME"),
    "config/hotspot-helper/config.json": JSON.stringify({ pluginDirs: ["../../mine"] }),
    "mine/own/index.mjs": plugin("own-wifi", "Own"),
  };
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  env = {
    HOME: join(dir, "home"),
    XDG_CONFIG_HOME: join(dir, "config"),
    XDG_DATA_HOME: join(dir, "data"),
    XDG_CACHE_HOME: join(dir, "cache"),
    HOTSPOT_HELPER_SYSROOT: join(dir, "root"),
  };
});
after(() => rm(dir, { recursive: true, force: true }));

async function run(...argv: string[]) {
  const io = captureIo(env);
  const code = await main(argv, io);
  return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
}

describe("hotspot plugins without --plugins", () => {
  test("--json lists plugins from the system, admin, user and config folders and npm packages, with where each came from", async () => {
    const r = await run("plugins", "--no-bundled", "--json");
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(
      out.plugins.map((p: { id: string; from: string; root: string; packageName?: string }) => [
        p.id,
        p.from,
        p.root,
        p.packageName,
      ]),
      [
        ["distro-wifi", "system", join(dir, "root/usr/lib/hotspot-helper/plugins"), undefined],
        ["hotel-wifi", "user", join(dir, "data/hotspot-helper/plugins"), undefined],
        ["acme-wifi", "user", join(dir, "data/hotspot-helper/plugins"), "@acme/hotspot-acme"],
        ["own-wifi", "config", join(dir, "mine"), undefined],
      ],
    );
    assert.deepEqual(out.problems, []);
    assert.equal(out.warnings.length, 1);
    assert.match(
      out.warnings[0].message,
      /"hotel-wifi" from .*etc\/hotspot-helper\/plugins\/hotel\/index\.mjs \(administrator's folder/,
    );
  });

  test("the table has a FROM column and the override warning goes to stderr", async () => {
    const r = await run("plugins", "--no-bundled");
    assert.equal(r.code, 0);
    assert.match(
      r.stdout,
      /\nhotel-wifi\s+Hotel \(user\)\s+1\.0\.0\s+0\s+1\s+user\s+\S+data\/hotspot-helper\/plugins\/hotel\/index\.mjs\n/,
    );
    assert.match(
      r.stderr,
      /^hotspot: warning: plugin "hotel-wifi" .* is overridden by \S+\/data\/hotspot-helper\/plugins\/hotel\/index\.mjs \(user's folder/,
    );
  });

  test("list uses the discovered plugins to claim networks", async () => {
    const scan = join(dir, "scan.json");
    await writeFile(
      scan,
      JSON.stringify({
        device: "wlan0",
        accessPoints: [
          { ssid: "acme-wifi", bssid: "02:00:00:00:00:01", strength: 70, frequency: 2412, security: "open" },
        ],
      }),
    );
    const r = await run("list", "--scan", scan, "--no-bundled", "--json");
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout)[0]?.provider?.pluginId, "acme-wifi");
  });
});
