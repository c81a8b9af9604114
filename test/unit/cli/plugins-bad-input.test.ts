import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, describe, test } from "node:test";
import { captureIo } from "../../../src/cli/io.ts";
import { main } from "../../../src/cli/main.ts";
import { defaultUserConfig } from "../../../src/config/schema.ts";
import { loadRegistry } from "../../../src/helper-api/loader.ts";

const cacheHome = mkdtempSync(join(tmpdir(), "hh-bad-input-cache-"));
after(() => rmSync(cacheHome, { recursive: true, force: true }));
const env = {
  XDG_CONFIG_HOME: "/nonexistent/hh-config",
  XDG_DATA_HOME: "/nonexistent/hh-data",
  XDG_CACHE_HOME: cacheHome,
  HOME: "/nonexistent",
};
const BAD = "test/fixtures/bad-plugins";
const GOOD = "test/fixtures/cli-plugins/cafe-free";

/** Each bad fixture, the code it must produce, and the file or folder its line must name. */
const CASES = [
  {
    name: "bad-main",
    code: "HH_PLUGIN_PACKAGE_INVALID",
    names: `${BAD}/bad-main/package.json`,
    says: /"main" names dist\/index\.js, which does not exist/,
  },
  { name: "empty", code: "HH_PLUGIN_LOAD_FAILED", names: `${BAD}/empty`, says: /the plugin folder is empty/ },
  {
    name: "missing-import",
    code: "HH_PLUGIN_LOAD_FAILED",
    names: `${BAD}/missing-import/index.mjs`,
    says: /Cannot find package 'hotspot-helper-fixture-not-installed'/,
  },
  {
    name: "not-defined",
    code: "HH_PLUGIN_DEFINITION_INVALID",
    names: `${BAD}/not-defined/index.ts`,
    says: /got a function; export the definePlugin/,
  },
  {
    name: "sdk-range",
    code: "HH_PLUGIN_SDK_INCOMPATIBLE",
    names: `${BAD}/sdk-range/index.ts`,
    says: /built for SDK \^9\.0\.0, but this is SDK/,
  },
  {
    name: "syntax-error",
    code: "HH_PLUGIN_LOAD_FAILED",
    names: `${BAD}/syntax-error/index.mjs`,
    says: /failed to load: syntax error/,
  },
] as const;

async function run(...argv: string[]) {
  const io = captureIo(env);
  const code = await main(argv, io);
  return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
}

describe("bad plugins, daemon mode (non-strict loadRegistry)", () => {
  test("each bad plugin is one problem naming its file, and the good plugins still load", async () => {
    const registry = await loadRegistry({
      pluginDirs: [BAD, GOOD],
      includeBundled: false,
      config: defaultUserConfig(),
      strict: false,
    });
    assert.deepEqual(
      registry.plugins.map((p) => p.id),
      ["test-cafe-free"],
    );
    assert.deepEqual(
      registry.problems.map((p) => p.code),
      CASES.map((c) => c.code),
    );
    registry.problems.forEach((problem, i) => {
      const c = CASES[i];
      assert.ok(c);
      assert.ok(problem.message.includes(resolve(c.names)), `${c.name}: ${problem.message}`);
      assert.match(problem.message, c.says);
      assert.ok(!problem.message.includes("\n"), `${c.name} is one line: ${problem.message}`);
    });
  });

  test("two plugins with one id across folders: the later folder wins with a warning, nothing is skipped", async () => {
    const registry = await loadRegistry({
      pluginDirs: ["test/fixtures/bad-plugins-dup/system", "test/fixtures/bad-plugins-dup/user"],
      includeBundled: false,
      config: defaultUserConfig(),
      strict: false,
    });
    assert.deepEqual(
      registry.plugins.map((p) => p.displayName),
      ["Cafe (user)"],
    );
    assert.deepEqual(registry.problems, []);
    assert.equal(registry.warnings.length, 1);
    assert.match(
      registry.warnings[0]?.message ?? "",
      /bad-plugins-dup\/system\/cafe\/index\.ts.*overridden by .*bad-plugins-dup\/user\/cafe\/index\.ts/,
    );
  });
});

describe("bad plugins through the CLI", () => {
  test("hotspot plugins: one 'skipped' line per bad plugin, no stack, exit 3, the good plugin listed", async () => {
    const r = await run("plugins", "--plugins", BAD, "--plugins", GOOD, "--no-bundled");
    assert.equal(r.code, 3);
    assert.match(r.stdout, /\ntest-cafe-free\s/);
    const lines = r.stderr.trimEnd().split("\n");
    assert.equal(lines.length, CASES.length, r.stderr);
    CASES.forEach((c, i) => {
      assert.ok(lines[i]?.startsWith("hotspot: skipped: "), lines[i]);
      assert.ok(lines[i]?.includes(resolve(c.names)), `${c.name}: ${lines[i]}`);
    });
    assert.doesNotMatch(r.stderr, /^\s+at /m);
  });

  test("hotspot plugins: the same id in two folders is a warning and exit 0", async () => {
    const r = await run(
      "plugins",
      "--plugins",
      "test/fixtures/bad-plugins-dup/system",
      "--plugins",
      "test/fixtures/bad-plugins-dup/user",
      "--no-bundled",
    );
    assert.equal(r.code, 0);
    assert.match(r.stdout, /\ndup-cafe\s+Cafe \(user\)\s/);
    assert.match(
      r.stderr,
      /^hotspot: warning: plugin "dup-cafe" from \S+system\/cafe\/index\.ts \(--plugins .*\) is overridden by \S+user\/cafe\/index\.ts/,
    );
  });

  for (const c of CASES) {
    test(`strict commands stop at ${c.name} with one line naming it and exit 3`, async () => {
      const r = await run(
        "list",
        "--scan",
        "fixtures/scans/cafe-street.json",
        "--plugins",
        `${BAD}/${c.name}`,
        "--no-bundled",
      );
      assert.equal(r.code, 3);
      assert.equal(r.stdout, "");
      assert.equal(r.stderr.trimEnd().split("\n").length, 1, r.stderr);
      assert.ok(r.stderr.includes(resolve(c.names)), r.stderr);
      assert.match(r.stderr, c.says);
    });
  }
});

describe("settings errors through the CLI", () => {
  test("bad stored credentials are reported naming the credentials file", async (t) => {
    const { chmod, mkdir, mkdtemp, rm, writeFile } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = await mkdtemp(join(tmpdir(), "hh-cred-errors-"));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, "hotspot-helper", "credentials.json");
    await mkdir(join(dir, "hotspot-helper"), { mode: 0o700 });
    await writeFile(
      file,
      JSON.stringify({ version: 1, plugins: { "fixture-valid": { username: "", password: 5 } } }),
    );
    await chmod(file, 0o600);
    const io = captureIo({ ...env, XDG_CONFIG_HOME: dir });
    const code = await main(["plugins", "--plugins", "test/fixtures/plugins/valid", "--no-bundled"], io);
    assert.equal(code, 3);
    assert.match(
      io.stderrText(),
      new RegExp(
        `^hotspot: skipped: settings for plugin fixture-valid in ${file} are invalid: credentials\\.username: .*; credentials\\.password: `,
      ),
    );
  });
});

describe("a claim conflict between two plugins", () => {
  test("hotspot plugins quarantines the later plugin with the reason; the earlier one stays", async () => {
    const r = await run("plugins", "--plugins", "test/fixtures/plugins/claim-conflict", "--no-bundled");
    assert.equal(r.code, 3);
    assert.match(r.stdout, /\nfixture-conflict-first\s/);
    assert.doesNotMatch(r.stdout, /fixture-conflict-second/);
    assert.match(
      r.stderr,
      /^hotspot: skipped: plugins "fixture-conflict-first" and "fixture-conflict-second" make the identical claim .*Conflict Net.*; "fixture-conflict-second" is quarantined until then\n$/,
    );
  });

  test("list, which acts on claims, refuses to guess", async () => {
    const r = await run(
      "list",
      "--scan",
      "fixtures/scans/cafe-street.json",
      "--plugins",
      "test/fixtures/plugins/claim-conflict",
      "--no-bundled",
    );
    assert.equal(r.code, 3);
    assert.match(
      r.stderr,
      /^hotspot: plugins "fixture-conflict-first" and "fixture-conflict-second" make the identical claim/,
    );
  });
});

describe("credentials set lists every problem", () => {
  test("each field the plugin's schema refuses is named, and no value is quoted", async (t) => {
    const { mkdtemp, rm } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { createCredentialsCommand } = await import("../../../src/cli/credentials.ts");
    const dir = await mkdtemp(join(tmpdir(), "hh-cred-input-"));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const command = createCredentialsCommand(() => ({
      prompter: () => undefined,
      readStdin: async () => JSON.stringify({ username: "", password: "hunter2" }),
    }));
    const io = captureIo({ ...env, XDG_CONFIG_HOME: dir });
    const code = await main(
      ["credentials", "set", "fixture-valid", "--plugins", "test/fixtures/plugins/valid", "--no-bundled"],
      io,
      { credentials: { summary: "", load: async () => ({ command }) } },
    );
    assert.equal(code, 2);
    assert.match(
      io.stderrText(),
      /^hotspot: credentials for fixture-valid not accepted: username: .*; password: /,
    );
    assert.doesNotMatch(io.stderrText(), /hunter2/);
  });
});
