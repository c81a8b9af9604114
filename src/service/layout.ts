import { existsSync, readFileSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Where `hotspot service install` puts things, under a root that is `/` on a real system and
 * a temp directory in tests (`--root DIR` or HOTSPOT_SERVICE_ROOT). The places are the ones
 * an administrator's local additions belong in (/etc, not /usr, which packages own).
 */

export const UNIT_NAME = "hotspot-helper.service";
export const POLICY_NAME = "io.github.hotspot_helper.Daemon1.conf";
/** A line every unit we write carries; uninstall removes only a unit that has it. */
export const UNIT_MARKER = "`hotspot service install` writes this file";

export interface ServiceLayout {
  readonly root: string;
  readonly unit: string;
  readonly policy: string;
  /** config.json and credentials.json live here (the unit sets XDG_CONFIG_HOME=/etc). */
  readonly configDir: string;
  /** Sessions and the plugin cache (systemd's StateDirectory). */
  readonly stateDir: string;
  /** The XDG autostart entry that starts `hotspot agent` in desktop sessions (autostart.ts). */
  readonly autostart: string;
}

export function serviceLayout(root = "/"): ServiceLayout {
  return {
    root,
    unit: join(root, "etc/systemd/system", UNIT_NAME),
    policy: join(root, "etc/dbus-1/system.d", POLICY_NAME),
    configDir: join(root, "etc/hotspot-helper"),
    stateDir: join(root, "var/lib/hotspot-helper"),
    autostart: join(root, "etc/xdg/autostart", "hotspot-agent.desktop"),
  };
}

/** The root from `--root`, else HOTSPOT_SERVICE_ROOT, else `/`. */
export function serviceRoot(option: string | undefined, env: NodeJS.ProcessEnv): string {
  return option ?? (env.HOTSPOT_SERVICE_ROOT || "/");
}

/** The package's own folder (holding systemd/, dbus/ and bin/), from src/ or dist/ alike. */
export function packageRoot(): string {
  return fileURLToPath(new URL("../../", import.meta.url));
}

/** systemd is the running init (sd_booted(3): /run/systemd/system exists). */
export function systemdRunning(): boolean {
  return existsSync("/run/systemd/system");
}

/** What PID 1 is, for the message when systemd is not running. */
export function initName(): string {
  try {
    return readFileSync("/proc/1/comm", "utf8").trim() || "unknown";
  } catch {
    return "unknown";
  }
}

export interface InstalledState {
  readonly unit: boolean;
  readonly policy: boolean;
  readonly configDir: boolean;
  readonly stateDir: boolean;
  /** The ExecStart line of the installed unit. */
  readonly execStart?: string;
  /** `systemctl is-active` of the unit when systemd runs and the root is `/`. */
  readonly active?: string;
  readonly enabled?: string;
}

async function isDir(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

export async function installedState(layout: ServiceLayout): Promise<InstalledState> {
  const unitText = await readFile(layout.unit, "utf8").catch(() => undefined);
  const execStart = unitText === undefined ? undefined : /^ExecStart=(.*)$/m.exec(unitText)?.[1];
  const live = layout.root === "/" && systemdRunning();
  // Loaded only where systemd runs: `hotspot status` pays for child_process nowhere else.
  const { spawnSync } = live ? await import("node:child_process") : { spawnSync: undefined };
  const systemctl = (verb: string): string =>
    spawnSync?.("systemctl", [verb, UNIT_NAME], { encoding: "utf8" }).stdout.trim() || "unknown";
  return {
    unit: unitText !== undefined,
    policy: existsSync(layout.policy),
    configDir: await isDir(layout.configDir),
    stateDir: await isDir(layout.stateDir),
    ...(execStart === undefined ? {} : { execStart }),
    ...(live ? { active: systemctl("is-active"), enabled: systemctl("is-enabled") } : {}),
  };
}
