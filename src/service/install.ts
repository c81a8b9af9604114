import { spawnSync } from "node:child_process";
import { mkdir, readdir, readFile, realpath, rm, rmdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { hotspotError, reasonOf } from "../errors.ts";
import { AUTOSTART_MARKER, renderAutostart } from "./autostart.ts";
import {
  initName,
  POLICY_NAME,
  packageRoot,
  type ServiceLayout,
  systemdRunning,
  UNIT_MARKER,
  UNIT_NAME,
} from "./layout.ts";

/**
 * `hotspot service install` and `uninstall`: the unit, the bus policy, the config and state
 * directories; enabling the unit only where systemd is the running init and the root is `/`.
 * Uninstall removes exactly what install put there: the two files (the unit only if it is
 * ours), the state directory, and the config directory only when empty, since it holds the
 * administrator's config and credentials.
 */

export interface ServiceStep {
  readonly done: string;
}

export interface InstallOptions {
  readonly layout: ServiceLayout;
  /** Node and the `hotspot` script the unit runs; default: this process's node and package. */
  readonly nodePath?: string;
  readonly hotspotScript?: string;
  /** Default: the host's systemd version (RestartSteps needs 254). */
  readonly systemdVersion?: number;
  /** Default: true when the root is `/` and systemd is running. */
  readonly enable?: boolean;
}

/** The installed systemd's version (e.g. 252), or undefined without systemctl. */
function systemdVersion(): number | undefined {
  const r = spawnSync("systemctl", ["--version"], { encoding: "utf8" });
  const m = r.status === 0 ? /^systemd (\d+)/.exec(r.stdout) : null;
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

/** systemd splits ExecStart on whitespace: a path with spaces (or quotes) must be quoted. */
function execWord(path: string): string {
  return /[\s"'\\]/.test(path) ? `"${path.replace(/(["\\])/g, "\\$1")}"` : path;
}

/**
 * Node flags for the daemon: an idle daemon needs no 16 MB young generation (semi-space
 * 1 MB), one V8 worker thread is plenty, and V8's memory reducer would wake an idle process
 * every 8 s for as long as it runs, where maintain alone should (the heap after start-up is
 * nearly all live data, so there is little for it to give back).
 */
export const DAEMON_NODE_FLAGS = [
  "--max-semi-space-size=1",
  "--v8-pool-size=1",
  "--no-memory-reducer",
] as const;

/** The unit text for this installation. */
export async function renderUnit(opts: {
  nodePath: string;
  hotspotScript: string;
  systemdVersion: number | undefined;
}): Promise<string> {
  const template = await readFile(join(packageRoot(), "systemd", UNIT_NAME), "utf8");
  const backoff = (opts.systemdVersion ?? 0) >= 254 ? "RestartSteps=10\nRestartMaxDelaySec=5min" : "";
  return template
    .replace(
      "@HOTSPOT_EXEC@",
      [execWord(opts.nodePath), ...DAEMON_NODE_FLAGS, execWord(opts.hotspotScript)].join(" "),
    )
    .replace(/^#@RESTART_BACKOFF@\n/m, backoff ? `${backoff}\n` : "");
}

async function put(path: string, text: string, action: string): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o755 });
    await writeFile(path, text, { mode: 0o644 });
  } catch (e) {
    throw hotspotError("HH_SERVICE_FAILED", { action, path, reason: reasonOf(e) }, { cause: e });
  }
}

function systemctl(args: readonly string[]): { ok: boolean; output: string } {
  const r = spawnSync("systemctl", args, { encoding: "utf8" });
  return { ok: r.status === 0, output: `${r.stdout ?? ""}${r.stderr ?? ""}`.trim() };
}

function requireRoot(layout: ServiceLayout, action: string): void {
  if (layout.root === "/" && process.getuid?.() !== 0) throw hotspotError("HH_SERVICE_NOT_ROOT", { action });
}

export async function installService(opts: InstallOptions): Promise<string[]> {
  const { layout } = opts;
  requireRoot(layout, "service install");
  const report: string[] = [];
  const nodePath = await realpath(opts.nodePath ?? process.execPath);
  const hotspotScript = await realpath(opts.hotspotScript ?? join(packageRoot(), "bin", "hotspot.js"));
  const version = opts.systemdVersion ?? systemdVersion();
  const unit = await renderUnit({ nodePath, hotspotScript, systemdVersion: version });
  await put(layout.unit, unit, "install");
  report.push(`wrote ${layout.unit} (runs ${nodePath} ${hotspotScript} daemon)`);
  for (const path of [nodePath, hotspotScript]) {
    if (/^\/(home|root|run\/user)\//.test(path)) {
      report.push(
        `warning: ${path} is under a home directory, which the unit hides (ProtectHome=yes); install node and the package system-wide (e.g. npm install -g with prefix /usr/local)`,
      );
    }
  }
  const policy = await readFile(join(packageRoot(), "dbus", POLICY_NAME), "utf8");
  await put(layout.policy, policy, "install");
  report.push(`wrote ${layout.policy}`);
  await put(layout.autostart, await renderAutostart({ nodePath, hotspotScript }), "install");
  report.push(`wrote ${layout.autostart} (starts \`hotspot agent\` in desktop sessions)`);
  try {
    await mkdir(layout.configDir, { recursive: true, mode: 0o750 });
    await mkdir(layout.stateDir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw hotspotError("HH_SERVICE_FAILED", {
      action: "install",
      path: layout.stateDir,
      reason: reasonOf(e),
    });
  }
  report.push(`config directory ${layout.configDir} (config.json, credentials.json)`);
  report.push(`state directory ${layout.stateDir}`);
  const enable = opts.enable ?? (layout.root === "/" && systemdRunning());
  if (enable) {
    const reload = systemctl(["daemon-reload"]);
    const started = reload.ok ? systemctl(["enable", "--now", UNIT_NAME]) : reload;
    report.push(
      started.ok ? `enabled and started ${UNIT_NAME}` : `could not enable ${UNIT_NAME}: ${started.output}`,
    );
  } else if (layout.root !== "/") {
    report.push(`not enabling: installed under ${layout.root}, not the running system`);
  } else {
    report.push(
      `not enabling: systemd is not the running init (PID 1 is ${initName()}); start \`hotspot daemon\` some other way`,
    );
  }
  return report;
}

export async function uninstallService(opts: {
  layout: ServiceLayout;
  disable?: boolean;
}): Promise<string[]> {
  const { layout } = opts;
  requireRoot(layout, "service uninstall");
  const report: string[] = [];
  const disable = opts.disable ?? (layout.root === "/" && systemdRunning());
  if (disable) {
    const r = systemctl(["disable", "--now", UNIT_NAME]);
    report.push(r.ok ? `stopped and disabled ${UNIT_NAME}` : `could not disable ${UNIT_NAME}: ${r.output}`);
  }
  const unitText = await readFile(layout.unit, "utf8").catch(() => undefined);
  if (unitText === undefined) report.push(`no ${layout.unit}`);
  else if (!unitText.includes(UNIT_MARKER))
    report.push(`kept ${layout.unit}: not written by hotspot service install`);
  else {
    await rm(layout.unit, { force: true });
    report.push(`removed ${layout.unit}`);
  }
  const autostartText = await readFile(layout.autostart, "utf8").catch(() => undefined);
  if (autostartText?.includes(AUTOSTART_MARKER) === true) {
    await rm(layout.autostart, { force: true });
    report.push(`removed ${layout.autostart}`);
  } else if (autostartText !== undefined) {
    report.push(`kept ${layout.autostart}: not written by hotspot service install`);
  }
  const policyText = await readFile(layout.policy, "utf8").catch(() => undefined);
  if (policyText !== undefined) {
    await rm(layout.policy, { force: true });
    report.push(`removed ${layout.policy}`);
  }
  await rm(layout.stateDir, { recursive: true, force: true });
  report.push(`removed ${layout.stateDir}`);
  const config = await readdir(layout.configDir).catch(() => undefined);
  if (config !== undefined && config.length === 0) {
    await rmdir(layout.configDir);
    report.push(`removed ${layout.configDir}`);
  } else if (config !== undefined) {
    report.push(`kept ${layout.configDir}: it holds ${config.join(", ")}`);
  }
  if (disable) systemctl(["daemon-reload"]);
  return report;
}
