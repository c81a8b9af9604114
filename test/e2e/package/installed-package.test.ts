import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { cp, mkdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { z } from "zod";
import { startPrivateBus } from "../../../src/harness/dbus-daemon.ts";
import {
  type InstalledPackage,
  installedPackage,
  installInto,
  packInto,
} from "../../support/installed-package.ts";

const FIXTURES = join(import.meta.dirname, "../../fixtures/package-plugins");
const TSC = join(dirname(createRequire(import.meta.url).resolve("typescript/package.json")), "bin", "tsc");

// A resolve hook that records every module URL the process resolves, so a test can say
// which packages a command loaded (tsx, typescript) without trusting the command.
const traceHook = (log: string) => `
import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const found = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, found.url + "\\n");
  return found;
}`;

const pluginsJson = z.object({
  plugins: z.array(z.object({ id: z.string(), source: z.string() }).loose()),
  problems: z.array(z.object({ message: z.string() }).loose()),
});

describe("the npm pack tarball, installed into an empty folder outside the checkout (packs and installs: about 30 s)", () => {
  let pkg: InstalledPackage;
  let work: string;

  before(async () => {
    pkg = await installedPackage();
    work = join(pkg.tempDir, "operator");
    await cp(FIXTURES, work, { recursive: true });
  });
  after(async () => {
    await pkg?.remove();
  });

  async function pluginTest(dir: string) {
    return pkg.hotspot(["plugin", "test", dir, "--scenario", "form-login"], work);
  }

  async function loadedUrls(args: readonly string[]): Promise<string[]> {
    const name = args[0]?.replace(/\W/g, "") ?? "none";
    const hook = join(pkg.tempDir, `trace-hook-${name}.mjs`);
    const register = join(pkg.tempDir, `trace-register-${name}.mjs`);
    const log = join(pkg.tempDir, `trace-${name}.log`);
    await writeFile(hook, traceHook(log));
    await writeFile(
      register,
      `import { register } from "node:module";\nregister(${JSON.stringify(`file://${hook}`)});\n`,
    );
    await writeFile(log, "");
    const run = await pkg.node(["--import", register, pkg.bin, ...args], pkg.appDir);
    assert.equal(run.code, 0, run.stderr);
    return (await readFile(log, "utf8")).split("\n").filter(Boolean);
  }

  test("ships compiled JavaScript and types, and no TypeScript sources", async () => {
    const manifest = z
      .object({ private: z.boolean().optional(), bin: z.record(z.string(), z.string()) })
      .loose()
      .parse(JSON.parse(await readFile(join(pkg.packageDir, "package.json"), "utf8")));
    assert.equal(manifest.private, undefined);
    assert.equal(manifest.bin.hotspot, "bin/hotspot.js");
    const sdk = await readFile(join(pkg.packageDir, "dist/sdk.d.ts"), "utf8");
    assert.match(sdk, /definePlugin/);
    await assert.rejects(readFile(join(pkg.packageDir, "src/sdk.ts")), { code: "ENOENT" });
    assert.ok(pkg.tarballBytes > 0);
  });

  test("hotspot --version runs the compiled CLI", async () => {
    const run = await pkg.hotspot(["--version"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^hotspot-helper 0\.1\.0 \(node v\d+/);
  });

  test("--version and list --scan load no TypeScript transpiler, D-Bus client or browser driver", async () => {
    const scan = join(pkg.packageDir, "fixtures/scans/cafe-street.json");
    for (const args of [["--version"], ["list", "--scan", scan]]) {
      const urls = await loadedUrls(args);
      assert.ok(
        urls.some((u) => u.includes("/node_modules/hotspot-helper/dist/cli/main.js")),
        "ran the compiled CLI",
      );
      const heavy = urls.filter((u) =>
        /\/node_modules\/(tsx|typescript|esbuild|puppeteer-core|@jellybrick)\//.test(u),
      );
      assert.deepEqual(heavy, [], `hotspot ${args.join(" ")}`);
    }
  });

  test("list --scan annotates networks with the bundled plugins, compiled", async () => {
    const scan = join(pkg.packageDir, "fixtures/scans/cafe-street.json");
    const run = await pkg.hotspot(["list", "--scan", scan, "--json"]);
    assert.equal(run.code, 0, run.stderr);
    const rows = z
      .array(z.object({ ssid: z.string(), provider: z.object({ pluginId: z.string() }).nullable() }))
      .parse(JSON.parse(run.stdout));
    assert.ok(rows.some((r) => r.ssid === "Cafe Free WiFi" && r.provider?.pluginId === "example-cafe"));
  });

  test("a repeated list --scan, with or without a config file, loads no plugin, SDK or zod and prints the same", async () => {
    const scan = join(pkg.packageDir, "fixtures/scans/cafe-street.json");
    const first = await pkg.hotspot(["list", "--scan", scan, "--json"]);
    assert.equal(first.code, 0, first.stderr);
    const urls = await loadedUrls(["list", "--scan", scan, "--json"]);
    assert.ok(
      urls.some((u) => u.endsWith("/dist/cli/list.js")),
      "ran list",
    );
    const code = urls.filter((u) =>
      /\/dist\/(plugins\/|sdk\.js|vendor\/(zod|htmlparser2|semver)\.js)/.test(u),
    );
    assert.deepEqual(code, []);
    const again = await pkg.hotspot(["list", "--scan", scan, "--json"]);
    assert.equal(again.stdout, first.stdout);
    const config = join(pkg.tempDir, "list-config.json");
    await writeFile(config, JSON.stringify({ preferences: { "Cafe Free WiFi": "example-cafe" } }));
    const configured = await pkg.hotspot(["list", "--scan", scan, "--json", "--config", config]);
    assert.equal(configured.code, 0, configured.stderr);
    const withConfig = await loadedUrls(["list", "--scan", scan, "--json", "--config", config]);
    assert.deepEqual(
      withConfig.filter((u) =>
        /\/dist\/(plugins\/|sdk\.js|config\/load\.js|vendor\/(zod|htmlparser2|semver)\.js)/.test(u),
      ),
      [],
    );
  });

  test("the SDK, the package root and the harness entry import from the installed package", async () => {
    const script = `
      const sdk = await import("hotspot-helper/sdk");
      const root = await import("hotspot-helper");
      const harness = await import("hotspot-helper/harness");
      console.log(JSON.stringify({
        definePlugin: typeof sdk.definePlugin, zod: typeof sdk.z.object, version: sdk.SDK_VERSION,
        sameAsRoot: sdk.definePlugin === root.definePlugin,
        startPortal: typeof harness.startPortal, runPluginTest: typeof harness.runPluginTest,
        resolved: import.meta.resolve("hotspot-helper/sdk"),
      }));`;
    const run = await pkg.node(["--input-type=module", "-e", script], pkg.appDir);
    assert.equal(run.code, 0, run.stderr);
    const seen = JSON.parse(run.stdout);
    assert.equal(seen.definePlugin, "function");
    assert.equal(seen.zod, "function");
    assert.equal(seen.version, "0.1.0");
    assert.equal(seen.sameAsRoot, true);
    assert.equal(seen.startPortal, "function");
    assert.equal(seen.runPluginTest, "function");
    assert.match(seen.resolved, /\/node_modules\/hotspot-helper\/dist\/sdk\.js$/);
  });

  test("the SDK's z still offers every zod locale, though the bundled zod leaves their text out", async () => {
    const script = `
      const { z } = await import("hotspot-helper/sdk");
      const message = () => z.string().safeParse(1).error.issues[0].message;
      z.config(z.locales.de());
      const de = message();
      z.config(z.locales.en());
      console.log(JSON.stringify({ de, en: message(), locales: Object.keys(z.locales).length }));`;
    const run = await pkg.node(["--input-type=module", "-e", script], pkg.appDir);
    assert.equal(run.code, 0, run.stderr);
    const seen = JSON.parse(run.stdout);
    assert.match(seen.de, /^Ungültige Eingabe/);
    assert.match(seen.en, /^Invalid input/);
    assert.ok(seen.locales > 40, `${seen.locales} locales`);
    const bundle = await readFile(join(pkg.packageDir, "dist/vendor/zod.js"), "utf8");
    assert.doesNotMatch(bundle, /Ungültige Eingabe/);
  });

  test("the bundled D-Bus library still introspects (its XML parser and builder load on first use)", async () => {
    const bus = await startPrivateBus();
    try {
      const script = `
        const dbus = await import(${JSON.stringify(join(pkg.packageDir, "dist/vendor/@jellybrick/dbus-next.js"))});
        const bus = dbus.sessionBus({ busAddress: ${JSON.stringify(bus.address)} });
        const proxy = await bus.getProxyObject("org.freedesktop.DBus", "/org/freedesktop/DBus");
        console.log(JSON.stringify({ interfaces: Object.keys(proxy.interfaces), xml: bus._introspect("/") }));
        bus.disconnect();`;
      const run = await pkg.node(["--input-type=module", "-e", script], pkg.appDir);
      assert.equal(run.code, 0, run.stderr);
      const seen = JSON.parse(run.stdout);
      assert.ok(seen.interfaces.includes("org.freedesktop.DBus"), seen.interfaces.join(", "));
      assert.match(seen.xml, /<!DOCTYPE node [^>]*>\s*<node\s*\/?>/);
    } finally {
      await bus.stop();
    }
  });

  test("a plugin type-checks against the installed SDK types (no @types/node needed), and a wrong claim does not", async () => {
    const dir = join(pkg.appDir, "typed");
    await mkdir(dir, { recursive: true });
    await writeFile(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { module: "NodeNext", target: "ES2022", strict: true, noEmit: true, types: [] },
        include: ["*.ts"],
      }),
    );
    await writeFile(
      join(dir, "plugin.ts"),
      `import { definePlugin, z } from "hotspot-helper/sdk";
export default definePlugin({
  id: "typed", displayName: "Typed", version: "1.0.0", sdk: "^0.1.0",
  credentialsSchema: z.object({ room: z.string() }),
  // @ts-expect-error "certain" is not a confidence
  claims: [{ ssid: "Typed", confidence: "certain" }],
  async authenticate({ credentials }) {
    const room: string | undefined = credentials?.room;
    return room ? { result: "success" } : { result: "failure", reason: "no room" };
  },
});
`,
    );
    await writeFile(join(dir, "package.json"), JSON.stringify({ type: "module", private: true }));
    const run = await pkg.node([TSC, "-p", join(dir, "tsconfig.json")], dir);
    assert.equal(run.code, 0, `${run.stdout}${run.stderr}`);
  });

  test("(a) a TypeScript plugin in a folder with no package.json and no node_modules passes plugin test", async () => {
    const run = await pluginTest(join(work, "ts-folder"));
    assert.equal(run.code, 0, `${run.stdout}${run.stderr}`);
    assert.match(run.stdout, /^plugin fixture-ts-folder /m);
    assert.match(run.stdout, /PASS {2}authenticate/);
    assert.match(run.stdout, /^result: PASS$/m);
  });

  test('(a) a TypeScript plugin in a "type": "module" folder gets the host\'s SDK instance and passes', async () => {
    const dir = join(work, "ts-esm");
    await writeFile(
      join(dir, "package.json"),
      JSON.stringify({ name: "ts-esm", private: true, type: "module" }),
    );
    const run = await pluginTest(dir);
    assert.equal(run.code, 0, `${run.stdout}${run.stderr}`);
    assert.match(run.stdout, /^plugin fixture-ts-esm /m);
    assert.match(run.stdout, /^result: PASS$/m);
  });

  test('(b) a JavaScript ESM plugin whose package.json does not say "type": "module" passes plugin test', async () => {
    const run = await pluginTest(join(work, "esm-js"));
    assert.equal(run.code, 0, `${run.stdout}${run.stderr}`);
    assert.match(run.stdout, /^plugin fixture-esm-js /m);
    assert.match(run.stdout, /^result: PASS$/m);
  });

  test('(c) a CommonJS plugin ("type": "commonjs", require of the SDK) passes plugin test', async () => {
    const run = await pluginTest(join(work, "commonjs"));
    assert.equal(run.code, 0, `${run.stdout}${run.stderr}`);
    assert.match(run.stdout, /^plugin fixture-commonjs /m);
    assert.match(run.stdout, /^result: PASS$/m);
  });

  test("(d) a plugin installed as an npm package is found through --plugins and passes plugin test", async () => {
    const home = join(pkg.tempDir, "plugins-home");
    await mkdir(home, { recursive: true });
    const tarball = await packInto(join(work, "npm-package"), pkg.tempDir, pkg.env);
    await installInto(home, [tarball], pkg.env);
    const listed = await pkg.hotspot(["plugins", "--plugins", home, "--no-bundled", "--json"], work);
    assert.equal(listed.code, 0, listed.stderr);
    const report = pluginsJson.parse(JSON.parse(listed.stdout));
    assert.deepEqual(report.problems, []);
    assert.deepEqual(
      report.plugins.map((p) => p.id),
      ["hotspot-helper-plugin-fixture"],
    );
    const installedDir = join(home, "node_modules", "hotspot-helper-plugin-fixture");
    const run = await pluginTest(installedDir);
    assert.equal(run.code, 0, `${run.stdout}${run.stderr}`);
    assert.match(run.stdout, /^result: PASS$/m);
  });

  test("a plugin carrying its own copy of hotspot-helper still gets the host's SDK", async () => {
    const dir = join(work, "own-copy");
    await cp(join(work, "esm-js"), dir, { recursive: true });
    const copy = join(dir, "node_modules", "hotspot-helper");
    await mkdir(copy, { recursive: true });
    await writeFile(
      join(copy, "package.json"),
      JSON.stringify({
        name: "hotspot-helper",
        version: "9.9.9",
        type: "module",
        exports: { "./sdk": "./sdk.js" },
      }),
    );
    await writeFile(
      join(copy, "sdk.js"),
      'throw new Error("the plugin\'s own copy of the SDK was loaded");\n',
    );
    const run = await pluginTest(dir);
    assert.equal(run.code, 0, `${run.stdout}${run.stderr}`);
    assert.match(run.stdout, /^result: PASS$/m);
  });

  test("the installed daemon imports each bundled plugin in a process of its own and starts the one a scan claims", async () => {
    const state = join(pkg.tempDir, "daemon-state");
    const child = spawn(
      process.execPath,
      [
        pkg.bin,
        "daemon",
        "--scan",
        join(pkg.packageDir, "fixtures/scans/demo.json"),
        "--no-api",
        "--state-dir",
        state,
        "--verbose",
      ],
      { cwd: pkg.appDir, env: pkg.env, stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    const ready = new Promise<void>((resolve, reject) => {
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
        if (/plugin process \S+: ready/.test(stderr) && /started: /.test(stderr)) resolve();
      });
      child.on("exit", () => reject(new Error(`the daemon ended:\n${stderr}`)));
    });
    await ready;
    child.kill("SIGTERM");
    const code = await new Promise((resolve) => child.on("exit", resolve));
    assert.equal(code, 0, stderr);
    assert.match(stderr, /started: source fixture:demo\.json \(fixture\), 6 plugin\(s\) loaded/);
    assert.doesNotMatch(stderr, /plugin skipped/);
    assert.match(
      stderr,
      /plugin process \S+: idle[^\n]*\n(.*\n)*.*stopped\n$/,
      "its processes end before it does",
    );
  });

  test("from the installed package, a JavaScript plugin's process may not start processes, nor read or write outside its folders", async () => {
    const plugins = join(pkg.tempDir, "isolation-plugins");
    await cp(join(import.meta.dirname, "../../fixtures/isolation-plugins/escape"), join(plugins, "escape"), {
      recursive: true,
    });
    const target = join(pkg.tempDir, "escaped");
    await writeFile(`${target}.secret`, "other plugins' credentials");
    const script = `
      import { PluginSupervisor } from ${JSON.stringify(join(pkg.packageDir, "dist/plugin-host/supervisor.js"))};
      const s = new PluginSupervisor({ storeRoot: ${JSON.stringify(join(pkg.tempDir, "stores"))}, side: {},
        importTimeoutMs: 10000, permissions: true, log() {}, pluginLog() {} });
      const defined = await s.define(${JSON.stringify(join(plugins, "escape", "index.mjs"))}, "escape");
      await defined.configure(undefined, {});
      const network = { ssid: new TextEncoder().encode(${JSON.stringify(target)}), ssidText: ${JSON.stringify(target)},
        ssidHex: "", bssid: "02:00:00:00:00:01", strength: 50, frequency: 2412, security: "open",
        interface: "wlan0", justJoined: true, autoJoined: true };
      const answer = await s.call("iso-escape", { hook: "authenticate", network,
        portal: { verdict: "portal", probeUrl: "http://probe.invalid/" } }, new AbortController().signal);
      console.log(answer.value.reason);
      await s.close();`;
    const run = await pkg.node(["--input-type=module", "-e", script], pkg.appDir);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout.trim());
    assert.deepEqual(report, {
      write: "ERR_ACCESS_DENIED",
      read: "ERR_ACCESS_DENIED",
      spawn: "ERR_ACCESS_DENIED",
      worker: "ERR_ACCESS_DENIED",
      store: "done",
    });
  });

  test("from the installed package, ctx.browser() of a JavaScript plugin without needsBrowser says to declare it, not to install Chromium", async () => {
    const dir = join(pkg.tempDir, "browser-plugins", "undeclared");
    await cp(join(import.meta.dirname, "../../fixtures/browser-plugins/undeclared"), dir, {
      recursive: true,
    });
    const script = `
      import { PluginSupervisor } from ${JSON.stringify(join(pkg.packageDir, "dist/plugin-host/supervisor.js"))};
      const s = new PluginSupervisor({ storeRoot: ${JSON.stringify(join(pkg.tempDir, "stores"))}, side: {},
        importTimeoutMs: 10000, permissions: true, log() {}, pluginLog() {} });
      const defined = await s.define(${JSON.stringify(join(dir, "index.mjs"))}, "undeclared");
      await defined.configure(undefined, {});
      const network = { ssid: new TextEncoder().encode("Undeclared Net"), ssidText: "Undeclared Net",
        ssidHex: "", bssid: "02:00:00:00:00:01", strength: 50, frequency: 2412, security: "open",
        interface: "lo", justJoined: true, autoJoined: true };
      try {
        const answer = await s.call("browser-undeclared", { hook: "authenticate", network,
          portal: { verdict: "portal", probeUrl: "http://127.0.0.1:9/" } }, new AbortController().signal);
        console.log("answered " + JSON.stringify(answer.value));
      } catch (e) { console.log(String(e)); }
      await s.close();`;
    const run = await pkg.node(["--input-type=module", "-e", script], pkg.appDir);
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      /browser-undeclared called ctx\.browser\(\) but does not declare `needsBrowser: true`/,
    );
    assert.doesNotMatch(run.stdout, /no Chromium found|apt install/);
  });

  test('from the installed package, a plugin process reports an ESM index.js under "type": "commonjs" as hotspot plugins does', async () => {
    const dir = join(pkg.tempDir, "esm-in-commonjs");
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "package.json"), JSON.stringify({ type: "commonjs" }));
    await writeFile(
      join(dir, "index.js"),
      'import { definePlugin } from "hotspot-helper/sdk";\nexport default definePlugin({ id: "esm-cjs", displayName: "E", version: "1.0.0", sdk: "^0.1.0" });\n',
    );
    const script = `
      import { PluginSupervisor } from ${JSON.stringify(join(pkg.packageDir, "dist/plugin-host/supervisor.js"))};
      const s = new PluginSupervisor({ storeRoot: ${JSON.stringify(join(pkg.tempDir, "stores"))}, side: {},
        importTimeoutMs: 10000, permissions: true, log() {}, pluginLog() {} });
      try { await s.define(${JSON.stringify(join(dir, "index.js"))}, "esm"); console.log("defined"); }
      catch (e) { console.log(e.code + " " + e.message); }
      await s.close();`;
    const run = await pkg.node(["--input-type=module", "-e", script], pkg.appDir);
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      /^HH_PLUGIN_LOAD_FAILED .*index\.js:1: Cannot use import statement outside a module/,
    );
    assert.doesNotMatch(run.stdout, /require\(\)|cycle/);
  });

  test("a plugin's process loads its entry as one file, puppeteer never, and the HTML parser only when a hook parses a page", async () => {
    const dir = join(pkg.tempDir, "child-modules");
    await cp(join(import.meta.dirname, "../../fixtures/child-modules"), dir, { recursive: true });
    const run = await pkg.node([join(dir, "drive.mjs"), pkg.packageDir, dir], pkg.appDir);
    assert.equal(run.code, 0, run.stderr);
    const loaded = z.object({ esm: z.array(z.string()), cjs: z.array(z.string()) });
    const seen = z
      .object({
        evaluate: z.object({ reason: z.string() }).loose(),
        authenticate: z.object({ reason: z.string() }).loose(),
        afterEvaluate: loaded,
        afterAuthenticate: loaded,
      })
      .parse(JSON.parse(run.stdout));
    // The hook ran in its link context, and the parser it loaded on the way worked.
    assert.equal(seen.evaluate.reason, "function");
    assert.equal(seen.authenticate.reason, "[2]");
    const dist = (urls: readonly string[]) =>
      urls
        .filter((u) => u.includes("/node_modules/hotspot-helper/dist/"))
        .map((u) => u.replace(/.*\/dist\//, ""));
    const files = dist(seen.afterEvaluate.esm);
    assert.ok(files.includes("plugin-host/child-main.js") && files.includes("sdk.js"), files.join(", "));
    // Joined: the plugin side and the store into child-main.js, the link context (HTTP
    // client, WISPr, browser session) into the one file a hook's first call loads. What
    // stays a file of its own is what the SDK loads too.
    assert.ok(files.includes("plugin-host/child-main-link-context.js"), files.join(", "));
    const joined = files.filter((f) =>
      /^(plugin-host\/(plugin-side|link-context|store)|auth\/(http-client|wispr\/client)|browser\/session)\.js$/.test(
        f,
      ),
    );
    assert.deepEqual(joined, []);
    assert.ok(files.length <= 25, `${files.length} files: ${files.join(", ")}`);
    for (const snapshot of [seen.afterEvaluate, seen.afterAuthenticate]) {
      assert.deepEqual(
        [...snapshot.esm, ...snapshot.cjs].filter((u) =>
          /\/node_modules\/(puppeteer-core|tsx|typescript)\//.test(u),
        ),
        [],
      );
    }
    const parser = (cjs: readonly string[]) =>
      cjs.filter((f) => f.endsWith("/dist/vendor/htmlparser2-parser.cjs"));
    assert.deepEqual(parser(seen.afterEvaluate.cjs), []);
    assert.equal(parser(seen.afterAuthenticate.cjs).length, 1);
  });

  test("service install --root from the installed package: the unit runs the installed bin, the bus policy ships, and systemd-analyze verify accepts it", async () => {
    const root = join(pkg.tempDir, "service-root");
    const run = await pkg.hotspot(["service", "install", "--root", root], pkg.appDir);
    assert.equal(run.code, 0, `${run.stdout}${run.stderr}`);
    const unit = await readFile(join(root, "etc/systemd/system/hotspot-helper.service"), "utf8");
    const execStart = /^ExecStart=(.*)$/m.exec(unit)?.[1] ?? "";
    assert.ok(execStart.endsWith(`${join(pkg.packageDir, "bin", "hotspot.js")} daemon`), execStart);
    assert.match(
      await readFile(join(root, "etc/dbus-1/system.d/io.github.hotspot_helper.Daemon1.conf"), "utf8"),
      /<allow own="io\.github\.hotspot_helper\.Daemon1"\/>/,
    );
    const verify = spawnSync(
      "systemd-analyze",
      ["verify", join(root, "etc/systemd/system/hotspot-helper.service")],
      {
        encoding: "utf8",
      },
    );
    if (verify.error === undefined) assert.equal(verify.status, 0, verify.stderr);
    const removed = await pkg.hotspot(["service", "uninstall", "--root", root], pkg.appDir);
    assert.equal(removed.code, 0, removed.stderr);
    assert.match(removed.stdout, /removed .*hotspot-helper\.service/);
  });
});
