import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  DAEMON_NODE_FLAGS,
  installService,
  renderUnit,
  uninstallService,
} from "../../../src/service/install.ts";
import { serviceLayout } from "../../../src/service/layout.ts";
import { runHotspot } from "../cli/run-hotspot.ts";

const ROOT = join(import.meta.dirname, "../../..");
const SCRIPT = join(ROOT, "bin/hotspot.js");
const analyzeMissing =
  spawnSync("systemd-analyze", ["--version"], { stdio: "ignore" }).status === 0
    ? false
    : "systemd-analyze is not installed";

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

describe("the systemd unit", { skip: analyzeMissing }, () => {
  let dir: string;
  let unit: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "hotspot-unit-test-"));
    unit = join(dir, "hotspot-helper.service");
    await writeFile(
      unit,
      await renderUnit({ nodePath: process.execPath, hotspotScript: SCRIPT, systemdVersion: 252 }),
    );
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test("passes systemd-analyze verify without a single complaint", () => {
    const r = spawnSync("systemd-analyze", ["verify", unit], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr.trim(), "");
  });

  test("systemd-analyze security --offline rates its exposure at 3.0 or lower", () => {
    const r = spawnSync("systemd-analyze", ["security", "--offline=true", "--no-pager", unit], {
      encoding: "utf8",
    });
    const m = /Overall exposure level for hotspot-helper\.service: (\d+\.\d+)/.exec(r.stdout);
    assert.ok(m?.[1], r.stdout + r.stderr);
    assert.ok(Number(m[1]) <= 3.0, `exposure ${m[1]}`);
  });

  test("Type=notify with a watchdog, restart on failure, and only CAP_NET_ADMIN and CAP_NET_RAW", async () => {
    const text = await readFile(unit, "utf8");
    for (const line of [
      "Type=notify",
      "NotifyAccess=all",
      "WatchdogSec=180s",
      "Restart=on-failure",
      "CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW",
      "ProtectSystem=strict",
      "ProtectHome=yes",
      "PrivateTmp=yes",
      "NoNewPrivileges=yes",
      "StateDirectory=hotspot-helper",
      "CacheDirectory=hotspot-helper",
      "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK",
    ])
      assert.ok(text.split("\n").includes(line), line);
    assert.ok(
      text.includes(`ExecStart=${process.execPath} ${DAEMON_NODE_FLAGS.join(" ")} ${SCRIPT} daemon\n`),
    );
    assert.doesNotMatch(text, /^RestartSteps=/m, "systemd 252 has no RestartSteps");
  });

  test("on systemd 254 or later the restart delay backs off with RestartSteps", async () => {
    const text = await renderUnit({ nodePath: process.execPath, hotspotScript: SCRIPT, systemdVersion: 254 });
    assert.match(text, /^RestartSteps=10$/m);
    assert.match(text, /^RestartMaxDelaySec=5min$/m);
  });

  test("a path with a space is quoted so systemd does not split it", async () => {
    const text = await renderUnit({
      nodePath: "/opt/my node/node",
      hotspotScript: SCRIPT,
      systemdVersion: 252,
    });
    assert.match(text, /^ExecStart="\/opt\/my node\/node" (--\S+ )+\S+ daemon$/m);
  });
});

describe("hotspot service install and uninstall under a staging root", () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "hotspot-service-root-"));
  });
  after(() => rm(root, { recursive: true, force: true }));

  test("install puts the unit, the bus policy and the two directories in place and does not enable", async () => {
    const r = await runHotspot(["service", "install", "--root", root]);
    assert.equal(r.code, 0, r.stderr);
    const layout = serviceLayout(root);
    assert.match(
      await readFile(layout.unit, "utf8"),
      /^ExecStart=\S+node\S* (--\S+ )+\S+\/bin\/hotspot\.js daemon$/m,
    );
    assert.match(
      await readFile(layout.policy, "utf8"),
      /<allow own="io\.github\.hotspot_helper\.Daemon1"\/>/,
    );
    assert.equal((await stat(layout.configDir)).mode & 0o777, 0o750);
    assert.equal((await stat(layout.stateDir)).mode & 0o777, 0o700);
    assert.match(r.stdout, /not enabling: installed under /);
  });

  test("status says what is installed and that the daemon is not running", async () => {
    const r = await runHotspot(["status", "--root", root], {
      DBUS_SYSTEM_BUS_ADDRESS: "unix:path=/nonexistent/bus",
    });
    assert.equal(r.code, 6);
    assert.match(r.stdout, /^service: unit installed, bus policy installed \(under /m);
    assert.match(r.stdout, /^ {2}runs: .*hotspot\.js daemon$/m);
    assert.match(r.stdout, /^daemon: not running/m);
  });

  test("uninstall removes exactly that, keeping a config directory that holds the administrator's config", async () => {
    const layout = serviceLayout(root);
    await writeFile(join(layout.stateDir, "sessions.json"), "{}");
    await writeFile(join(layout.configDir, "config.json"), "{}");
    const report = await uninstallService({ layout });
    assert.equal(await exists(layout.unit), false);
    assert.equal(await exists(layout.policy), false);
    assert.equal(await exists(layout.stateDir), false);
    assert.equal(await exists(join(layout.configDir, "config.json")), true);
    assert.ok(report.some((l) => /kept .*hotspot-helper: it holds config\.json/.test(l)));
    assert.equal(await exists(join(root, "etc/systemd/system")), true);
  });

  test("uninstall leaves a unit it did not write alone", async () => {
    const layout = serviceLayout(root);
    await installService({ layout, enable: false });
    await writeFile(layout.unit, "[Service]\nExecStart=/usr/bin/true\n");
    const report = await uninstallService({ layout });
    assert.equal(await exists(layout.unit), true);
    assert.ok(report.some((l) => /kept .*not written by hotspot service install/.test(l)));
  });

  test("install on the real root refuses a non-root user with exit 5", {
    skip: process.getuid?.() !== 0 ? "needs root to switch user" : false,
  }, () => {
    const r = spawnSync(
      "setpriv",
      ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, SCRIPT, "service", "install"],
      {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, HOME: "/nonexistent", HOTSPOT_SERVICE_ROOT: "" },
      },
    );
    assert.equal(r.status, 5, r.stderr);
    assert.match(r.stderr, /service install needs root/);
  });
});
