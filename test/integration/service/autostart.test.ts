import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { AUTOSTART_NAME, execArgument, renderAutostart } from "../../../src/service/autostart.ts";
import { installService, uninstallService } from "../../../src/service/install.ts";
import { serviceLayout } from "../../../src/service/layout.ts";

/**
 * The XDG autostart entry for `hotspot agent`: valid for desktop-file-validate (installed by
 * scripts/ensure-system-deps.sh as root), the keys a session manager reads, the command as
 * a session manager splits it, and installed and removed with the service.
 */

const ROOT = join(import.meta.dirname, "../../..");
const SCRIPT = join(ROOT, "bin/hotspot.js");
const validatorMissing =
  spawnSync("desktop-file-validate", ["--help"], { stdio: "ignore" }).status === 0
    ? false
    : "desktop-file-validate is not installed (apt install desktop-file-utils)";

/** The [Desktop Entry] group's keys (comments and blank lines skipped, no other group). */
function entryKeys(text: string): Map<string, string> {
  const keys = new Map<string, string>();
  let group = "";
  for (const line of text.split("\n")) {
    if (line.trim() === "" || line.startsWith("#")) continue;
    const g = /^\[(.+)\]$/.exec(line);
    if (g) {
      group = g[1] ?? "";
      continue;
    }
    const kv = /^([A-Za-z0-9-]+(?:\[[^\]]+\])?)=(.*)$/.exec(line);
    assert.ok(kv, `not a key=value line: ${line}`);
    assert.equal(group, "Desktop Entry", `key outside [Desktop Entry]: ${line}`);
    assert.equal(keys.has(kv[1] ?? ""), false, `duplicate key ${kv[1]}`);
    keys.set(kv[1] ?? "", kv[2] ?? "");
  }
  return keys;
}

/** Splits an Exec value back into arguments the way the spec says a launcher does. */
function execArguments(value: string): string[] {
  const unescaped = value.replace(/\\\\/g, "\\");
  const args: string[] = [];
  const re = /"((?:[^"\\]|\\["`$\\])*)"|(\S+)/g;
  for (let m = re.exec(unescaped); m !== null; m = re.exec(unescaped)) {
    const arg = m[1] !== undefined ? m[1].replace(/\\(["`$\\])/g, "$1") : (m[2] ?? "");
    // Field codes come after the quoting: "%%" is a literal "%".
    args.push(arg.replaceAll("%%", "%"));
  }
  return args;
}

describe("the agent's autostart entry", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "hotspot-autostart-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test("has the keys a session manager needs and runs `<node> <hotspot.js> agent`", async () => {
    const text = await renderAutostart({ nodePath: process.execPath, hotspotScript: SCRIPT });
    const keys = entryKeys(text);
    assert.equal(keys.get("Type"), "Application");
    assert.equal(keys.get("Terminal"), "false");
    assert.equal(keys.get("NoDisplay"), "true");
    assert.ok((keys.get("Name") ?? "").length > 0);
    assert.equal(keys.get("TryExec"), process.execPath);
    assert.deepEqual(execArguments(keys.get("Exec") ?? ""), [process.execPath, SCRIPT, "agent"]);
    assert.equal(/@[A-Z_]+@/.test(text), false, "every placeholder is filled");
  });

  test("paths with spaces, quotes, dollars, backslashes and percents survive the Exec quoting", async () => {
    const odd = '/opt/my node/bin/no"de$HOME\\x%u';
    assert.equal(execArgument("/usr/bin/node"), "/usr/bin/node");
    const text = await renderAutostart({ nodePath: odd, hotspotScript: "/srv/hot spot/bin/hotspot.js" });
    assert.deepEqual(execArguments(entryKeys(text).get("Exec") ?? ""), [
      odd,
      "/srv/hot spot/bin/hotspot.js",
      "agent",
    ]);
  });

  test("passes desktop-file-validate without a complaint", { skip: validatorMissing }, async () => {
    const file = join(dir, AUTOSTART_NAME);
    for (const paths of [
      { nodePath: process.execPath, hotspotScript: SCRIPT },
      { nodePath: '/opt/my node/bin/no"de$HOME\\x%u', hotspotScript: "/srv/hot spot/bin/hotspot.js" },
    ]) {
      await writeFile(file, await renderAutostart(paths));
      const r = spawnSync("desktop-file-validate", [file], { encoding: "utf8" });
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.equal(`${r.stdout}${r.stderr}`.trim(), "");
    }
  });

  test("service install puts it in /etc/xdg/autostart; uninstall removes it, but not one it did not write", async () => {
    const root = join(dir, "root");
    const layout = serviceLayout(root);
    const report = await installService({ layout, enable: false });
    assert.equal(layout.autostart, join(root, "etc/xdg/autostart", AUTOSTART_NAME));
    assert.ok(report.some((l) => l.startsWith(`wrote ${layout.autostart}`)));
    assert.match(await readFile(layout.autostart, "utf8"), /^Exec=.*hotspot\.js agent$/m);
    assert.equal((await stat(layout.autostart)).mode & 0o777, 0o644);
    await uninstallService({ layout, disable: false });
    assert.equal(await stat(layout.autostart).catch(() => undefined), undefined);

    await installService({ layout, enable: false });
    await writeFile(layout.autostart, "[Desktop Entry]\nType=Application\nName=mine\nExec=true\n");
    const kept = await uninstallService({ layout, disable: false });
    assert.ok(
      kept.some((l) => /kept .*hotspot-agent\.desktop: not written by hotspot service install/.test(l)),
    );
  });
});
