import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { captureIo } from "../../../src/cli/io.ts";
import { main } from "../../../src/cli/main.ts";
import { isHotspotError } from "../../../src/errors.ts";
import { SDK_VERSION } from "../../../src/helper-api/plugin.ts";
import { hostVersion, scaffoldPlugin } from "../../../src/scaffold/scaffold.ts";

let tmp = "";
before(async () => {
  tmp = await mkdtemp(join(tmpdir(), "hh-plugin-new-"));
});
after(() => rm(tmp, { recursive: true, force: true }));

describe("scaffoldPlugin", () => {
  test("writes the plugin, its package, tsconfig, harness config, test, README and .gitignore", async () => {
    const dir = join(tmp, "acme");
    const result = await scaffoldPlugin({ id: "acme-wifi", dir });
    assert.equal(result.dir, dir);
    assert.deepEqual([...result.files].sort(), [
      ".gitignore",
      "README.md",
      "harness.config.json",
      "index.ts",
      "package.json",
      "test/plugin.test.js",
      "tsconfig.json",
    ]);
    assert.deepEqual((await readdir(dir)).sort(), [
      ".gitignore",
      "README.md",
      "harness.config.json",
      "index.ts",
      "package.json",
      "test",
      "tsconfig.json",
    ]);
  });

  test("package.json carries the discovery keyword, ESM, a test script and this host's version as the SDK range", async () => {
    const dir = join(tmp, "pkg");
    await scaffoldPlugin({ id: "acme-wifi", dir });
    const pkg = JSON.parse(await readFile(join(dir, "package.json"), "utf8"));
    const range = `^${await hostVersion()}`;
    assert.ok(pkg.keywords.includes("hotspot-helper-plugin"));
    assert.equal(pkg.type, "module");
    assert.equal(pkg.name, "hotspot-helper-plugin-acme-wifi");
    assert.equal(pkg.scripts.test, "node --test");
    assert.equal(pkg.peerDependencies["hotspot-helper"], range);
    assert.equal(pkg.devDependencies["hotspot-helper"], range);
    const tsconfig = JSON.parse(await readFile(join(dir, "tsconfig.json"), "utf8"));
    assert.equal(tsconfig.compilerOptions.strict, true);
  });

  test("index.ts names the plugin, asks for this SDK and takes its portal host from config", async () => {
    const dir = join(tmp, "index");
    await scaffoldPlugin({ id: "hotel-guest", dir });
    const source = await readFile(join(dir, "index.ts"), "utf8");
    assert.match(source, /from "hotspot-helper\/sdk"/);
    assert.match(source, /id: "hotel-guest"/);
    assert.match(source, /displayName: "Hotel Guest"/);
    assert.match(source, new RegExp(`sdk: "\\^${SDK_VERSION.replaceAll(".", "\\.")}"`));
    assert.match(source, /portalHosts: \(c\) => \[\{ host: c\.portalHost, allowHttp: c\.allowHttp \}\]/);
    assert.match(source, /portalHost: z\.string\(\)\.min\(1\)\.default\("login\.hotel-guest\.example"\)/);
    for (const hook of ["evaluate", "authenticate", "maintain", "logoff"]) {
      assert.match(source, new RegExp(`async ${hook}\\(`), hook);
    }
  });

  test("refuses a folder that holds anything, and leaves it as it was", async () => {
    const dir = join(tmp, "busy");
    await mkdir(dir);
    await writeFile(join(dir, "index.ts"), "// the operator's work\n");
    await assert.rejects(scaffoldPlugin({ id: "acme-wifi", dir }), (e) =>
      isHotspotError(e, "HH_SCAFFOLD_DIR_NOT_EMPTY"),
    );
    assert.deepEqual(await readdir(dir), ["index.ts"]);
    assert.equal(await readFile(join(dir, "index.ts"), "utf8"), "// the operator's work\n");
  });

  test("a --dir that is a file is a coded error naming it, and the file is left alone", async () => {
    const file = join(tmp, "a-file");
    await writeFile(file, "keep me");
    await assert.rejects(
      scaffoldPlugin({ id: "acme-wifi", dir: file }),
      (e) => isHotspotError(e, "HH_FILE_UNREADABLE") && e.message.includes(file),
    );
    assert.equal(await readFile(file, "utf8"), "keep me");
  });

  test("an empty folder is fine", async () => {
    const dir = join(tmp, "empty");
    await mkdir(dir);
    await scaffoldPlugin({ id: "acme-wifi", dir });
    assert.ok((await readdir(dir)).includes("index.ts"));
  });

  for (const id of ["Acme", "acme_wifi", "-acme", "acme--wifi", "", "a".repeat(65)]) {
    test(`refuses the id ${JSON.stringify(id.length > 10 ? `${id.slice(0, 10)}…` : id)} with a usage error and writes nothing`, async () => {
      const dir = join(tmp, `bad-${id.length}-${id.slice(0, 5)}`);
      await assert.rejects(scaffoldPlugin({ id, dir }), (e) => isHotspotError(e, "HH_USAGE"));
      await assert.rejects(readdir(dir), { code: "ENOENT" });
    });
  }
});

describe("hotspot plugin new", () => {
  test("creates the folder given with --dir and says what to run next", async () => {
    const dir = join(tmp, "cli");
    const io = captureIo();
    assert.equal(await main(["plugin", "new", "cafe-net", "--dir", dir], io), 0);
    assert.match(io.stdoutText(), /created plugin cafe-net in /);
    assert.match(io.stdoutText(), /npm test/);
    assert.match(await readFile(join(dir, "index.ts"), "utf8"), /id: "cafe-net"/);
  });

  test("--json prints the folder and the files", async () => {
    const dir = join(tmp, "cli-json");
    const io = captureIo();
    assert.equal(await main(["plugin", "new", "cafe-net", "--dir", dir, "--json"], io), 0);
    const out = JSON.parse(io.stdoutText());
    assert.equal(out.dir, dir);
    assert.ok(out.files.includes("harness.config.json"));
  });

  test("a non-empty folder is exit code 2 with a message naming it", async () => {
    const dir = join(tmp, "cli-busy");
    await mkdir(dir);
    await writeFile(join(dir, "notes.txt"), "x");
    const io = captureIo();
    assert.equal(await main(["plugin", "new", "cafe-net", "--dir", dir], io), 2);
    assert.match(io.stderrText(), new RegExp(`${dir} already exists and is not empty`));
  });

  test("without an id it is a usage error", async () => {
    const io = captureIo();
    assert.equal(await main(["plugin", "new"], io), 2);
    assert.match(io.stderrText(), /give one plugin ID\nUsage: hotspot plugin new ID/);
  });
});

describe("hotspot plugin (a command group)", () => {
  test("help lists the subcommands", async () => {
    for (const argv of [
      ["help", "plugin"],
      ["plugin", "--help"],
    ]) {
      const io = captureIo();
      assert.equal(await main(argv, io), 0);
      assert.match(io.stdoutText(), /Usage: hotspot plugin <new\|test>/);
      assert.match(io.stdoutText(), /\n {2}new +Create a working plugin folder/);
      assert.match(io.stdoutText(), /\n {2}test +Test a plugin against a simulated portal/);
    }
  });

  test("help for a subcommand shows its own options", async () => {
    for (const argv of [
      ["help", "plugin", "new"],
      ["plugin", "new", "--help"],
    ]) {
      const io = captureIo();
      assert.equal(await main(argv, io), 0);
      assert.match(io.stdoutText(), /Usage: hotspot plugin new ID/);
      assert.match(io.stdoutText(), /--dir DIR/);
      assert.doesNotMatch(io.stdoutText(), /--scenario/);
    }
  });

  test("an unknown or missing subcommand is a usage error naming the known ones", async () => {
    const unknown = captureIo();
    assert.equal(await main(["plugin", "create", "x"], unknown), 2);
    assert.match(unknown.stderrText(), /unknown subcommand 'create' \(hotspot plugin: new, test\)/);
    const typo = captureIo();
    assert.equal(await main(["plugin", "tset", "x"], typo), 2);
    assert.match(typo.stderrText(), /did you mean 'plugin test'\?/);
    const missing = captureIo();
    assert.equal(await main(["plugin"], missing), 2);
    assert.match(missing.stderrText(), /no subcommand given/);
  });

  test("options of one subcommand are not accepted by the other", async () => {
    const io = captureIo();
    assert.equal(await main(["plugin", "new", "x", "--scenario", "form-login"], io), 2);
    assert.match(io.stderrText(), /unknown option '--scenario'/);
  });
});
