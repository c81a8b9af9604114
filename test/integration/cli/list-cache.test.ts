import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { type ListRow, parseRows, runHotspot } from "./run-hotspot.ts";

const SCAN = "fixtures/scans/cafe-street.json";

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/**
 * A plugin module that appends a line to `imports/<id>.log` (outside the plugins root: a
 * file written into its own folder would change the plugin's stamp) each time it is
 * imported, so a test can count the processes that ran its code.
 */
function markerPlugin(name: string, id: string, displayName: string, extra = ""): string {
  return `import { appendFileSync } from "node:fs";
import { definePlugin } from "hotspot-helper/sdk";

appendFileSync(new URL("../../imports/${name}.log", import.meta.url), "imported\\n");

export default definePlugin({
  id: ${JSON.stringify(id)},
  displayName: ${JSON.stringify(displayName)},
  version: "1.0.0",
  sdk: "^0.1.0",
  claims: [{ ssid: "Cafe Free WiFi", confidence: "high" }],
  ${extra}
});
`;
}

interface Setup {
  readonly plugins: string;
  readonly env: NodeJS.ProcessEnv;
  readonly configFile: string;
  imports(name: string): Promise<number>;
  list(): Promise<{ code: number | null; rows: ListRow[]; stderr: string; stdout: string }>;
}

async function setup(): Promise<Setup> {
  const dir = await mkdtemp(join(tmpdir(), "hh-list-cache-"));
  dirs.push(dir);
  const plugins = join(dir, "plugins");
  await mkdir(plugins);
  await mkdir(join(dir, "imports"));
  const env = {
    XDG_CONFIG_HOME: join(dir, "config"),
    XDG_DATA_HOME: join(dir, "data"),
    XDG_CACHE_HOME: join(dir, "cache"),
  };
  return {
    plugins,
    env,
    configFile: join(dir, "config", "hotspot-helper", "config.json"),
    async imports(name) {
      const log = await readFile(join(dir, "imports", `${name}.log`), "utf8").catch(() => "");
      return log.split("\n").filter((l) => l !== "").length;
    },
    async list() {
      const r = await runHotspot(
        ["list", "--scan", SCAN, "--plugins", plugins, "--no-bundled", "--json"],
        env,
      );
      return {
        code: r.code,
        rows: r.code === 0 ? parseRows(r.stdout) : [],
        stderr: r.stderr,
        stdout: r.stdout,
      };
    },
  };
}

async function writePlugin(root: string, name: string, text: string): Promise<void> {
  await mkdir(join(root, name), { recursive: true });
  await writeFile(join(root, name, "index.mjs"), text);
}

const providerOf = (rows: readonly ListRow[], ssid: string) =>
  rows.find((r) => r.ssid === ssid)?.provider?.pluginId ?? null;

describe("hotspot list with cached plugin descriptors", () => {
  test("imports a plugin once, lists from the cache after, and imports it again once edited", async () => {
    const s = await setup();
    await writePlugin(s.plugins, "marker", markerPlugin("marker", "marker", "Marker"));
    const first = await s.list();
    assert.equal(first.code, 0, first.stderr);
    assert.equal(await s.imports("marker"), 1);
    assert.equal(providerOf(first.rows, "Cafe Free WiFi"), "marker");

    const second = await s.list();
    assert.equal(second.code, 0, second.stderr);
    assert.equal(await s.imports("marker"), 1);
    assert.equal(second.stdout, first.stdout);

    await writePlugin(s.plugins, "marker", markerPlugin("marker", "marker-two", "Marker Two"));
    const edited = await s.list();
    assert.equal(edited.code, 0, edited.stderr);
    assert.equal(await s.imports("marker"), 2);
    assert.equal(providerOf(edited.rows, "Cafe Free WiFi"), "marker-two");
  });

  test("a broken plugin beside a cached one is still reported, and the cached one is not re-imported after", async () => {
    const s = await setup();
    await writePlugin(s.plugins, "marker", markerPlugin("marker", "marker", "Marker"));
    assert.equal((await s.list()).code, 0);
    await writePlugin(s.plugins, "broken", "export default definePlugin({ id: 'broken', ;\n");
    const broken = await s.list();
    assert.notEqual(broken.code, 0);
    assert.match(broken.stderr, /broken/);
    assert.doesNotMatch(broken.stderr, /internal error/);
    await rm(join(s.plugins, "broken"), { recursive: true });
    const importsBefore = await s.imports("marker");
    const again = await s.list();
    assert.equal(again.code, 0, again.stderr);
    assert.equal(await s.imports("marker"), importsBefore);
    assert.equal(providerOf(again.rows, "Cafe Free WiFi"), "marker");
  });

  test("a plugin disabled in the config is neither imported nor listed; enabled again, it is", async () => {
    const s = await setup();
    await writePlugin(s.plugins, "marker", markerPlugin("marker", "marker", "Marker"));
    assert.equal((await s.list()).code, 0);
    await mkdir(join(s.configFile, ".."), { recursive: true });
    await writeFile(s.configFile, JSON.stringify({ plugins: { marker: { enabled: false } } }));
    const disabled = await s.list();
    assert.equal(disabled.code, 0, disabled.stderr);
    assert.equal(providerOf(disabled.rows, "Cafe Free WiFi"), null);
    assert.equal(await s.imports("marker"), 1);
    await writeFile(s.configFile, JSON.stringify({ plugins: { marker: { enabled: true } } }));
    const enabled = await s.list();
    assert.equal(providerOf(enabled.rows, "Cafe Free WiFi"), "marker");
  });

  test("a plugin's config change or a new credential store makes it load again, then it lists from the cache", async () => {
    const s = await setup();
    const plugin = markerPlugin("marker", "marker", "Marker")
      .replace(
        'import { definePlugin } from "hotspot-helper/sdk";',
        'import { definePlugin, z } from "hotspot-helper/sdk";',
      )
      .replace(
        'claims: [{ ssid: "Cafe Free WiFi", confidence: "high" }],',
        'configSchema: z.object({ ssid: z.string().default("Cafe Free WiFi") }),\n  claims: (config) => [{ ssid: config.ssid, confidence: "high" }],',
      );
    await writePlugin(s.plugins, "marker", plugin);
    assert.equal(providerOf((await s.list()).rows, "Cafe Free WiFi"), "marker");
    await mkdir(join(s.configFile, ".."), { recursive: true });
    await writeFile(s.configFile, JSON.stringify({ plugins: { marker: { config: { ssid: "eduroam" } } } }));
    const configured = await s.list();
    assert.equal(configured.code, 0, configured.stderr);
    assert.equal(await s.imports("marker"), 2);
    assert.equal(providerOf(configured.rows, "eduroam"), "marker");
    assert.equal(providerOf(configured.rows, "Cafe Free WiFi"), null);
    const again = await s.list();
    assert.equal(await s.imports("marker"), 2);
    assert.equal(again.stdout, configured.stdout);
    await writeFile(
      join(s.configFile, "..", "credentials.json"),
      JSON.stringify({ version: 1, plugins: {} }),
      {
        mode: 0o600,
      },
    );
    const stored = await s.list();
    assert.equal(stored.code, 0, stored.stderr);
    assert.equal(await s.imports("marker"), 3);
    assert.equal(stored.stdout, configured.stdout);
  });

  test("a plugin with a filterScanList hook runs on every list, so its claims stay live", async () => {
    const s = await setup();
    await writePlugin(
      s.plugins,
      "hooked",
      markerPlugin(
        "hooked",
        "hooked",
        "Hooked",
        "filterScanList: async (networks) => networks.map((n) => ({ bssid: n.bssid, confidence: n.ssidText === 'eduroam' ? 'low' : 'none' })),",
      ),
    );
    const first = await s.list();
    const second = await s.list();
    assert.equal(second.code, 0, second.stderr);
    assert.equal(await s.imports("hooked"), 2);
    assert.equal(providerOf(second.rows, "eduroam"), "hooked");
    assert.equal(second.stdout, first.stdout);
  });
});
