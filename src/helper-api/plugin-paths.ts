import { homedir } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Where plugins are searched for, and which folder wins when two hold a plugin with one id.
 *
 * Roots are listed from the most general to the most specific; a plugin found in a later
 * root overrides one with the same id from an earlier root (with a warning naming both).
 * This is the rule systemd uses for unit files (/usr/lib < /etc) and XDG for data files
 * (system < user): whoever is closer to the machine or the person overrides what a
 * distribution shipped, without editing files a package manager owns.
 *
 * 1. bundled   `<package>/plugins`, shipped with hotspot-helper
 * 2. system    `/usr/lib/hotspot-helper/plugins` (distribution packages), then
 *              `/usr/local/lib/hotspot-helper/plugins` (installed locally by an administrator)
 * 3. admin     `/etc/hotspot-helper/plugins` (the administrator's own plugins)
 * 4. user      `$XDG_DATA_HOME/hotspot-helper/plugins` (default `~/.local/share/...`)
 * 5. config    each entry of `pluginDirs` in the config file, in order
 * 6. cli       each `--plugins DIR`, in order
 *
 * Two plugins with one id inside the SAME root have no such order: that is an error in
 * strict loading and skips the later one otherwise.
 */

/** Where a plugin was found. */
export const PLUGIN_SOURCE_KINDS = ["bundled", "system", "admin", "user", "config", "cli", "inline"] as const;
export type PluginSourceKind = (typeof PLUGIN_SOURCE_KINDS)[number];

/** One folder to search. */
export interface PluginRoot {
  readonly kind: PluginSourceKind;
  readonly path: string;
  /**
   * The user named this folder (config `pluginDirs`, `--plugins`): it must exist and hold a
   * plugin. Standard folders are optional; most machines have none of them.
   */
  readonly required: boolean;
}

/**
 * The bundled plugins: `<package root>/plugins` (TypeScript) when running from src/, or
 * their compiled copies in `dist/plugins` when running from dist/ (scripts/build.mjs).
 */
export const BUNDLED_PLUGINS_DIR = fileURLToPath(
  new URL(import.meta.url.endsWith(".ts") ? "../../plugins/" : "../plugins/", import.meta.url),
);

/** Folder name under each standard location. */
const APP = "hotspot-helper";

/**
 * Environment variable naming a directory that stands for `/` when the system and
 * administrator folders are computed (as DESTDIR does for installs). Lets packagers check
 * a staged tree, and tests exercise the standard folders without touching the real /etc.
 */
const SYSROOT_ENV = "HOTSPOT_HELPER_SYSROOT";

export interface StandardRootsOptions {
  /** For `XDG_DATA_HOME`, `HOME` and HOTSPOT_HELPER_SYSROOT. */
  readonly env: NodeJS.ProcessEnv;
  /** Load the bundled plugins (false with `--no-bundled`). */
  readonly includeBundled: boolean;
  /** `pluginDirs` from the config file; relative entries are resolved against `configDir`. */
  readonly configDirs: readonly string[];
  /** The config file's folder. */
  readonly configDir: string;
  /** `--plugins DIR` values, relative to the working directory. */
  readonly cliDirs: readonly string[];
}

/**
 * `$XDG_DATA_HOME/hotspot-helper/plugins`, or `~/.local/share/hotspot-helper/plugins`. The
 * XDG Base Directory spec says a relative `XDG_DATA_HOME` is invalid and must be ignored.
 */
export function userPluginsDir(env: NodeJS.ProcessEnv): string {
  const xdg = env.XDG_DATA_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), ".local", "share");
  return join(base, APP, "plugins");
}

/** The system and administrator folders, under HOTSPOT_HELPER_SYSROOT when it is set. */
function systemPluginRoots(env: NodeJS.ProcessEnv): PluginRoot[] {
  const sysroot = env[SYSROOT_ENV];
  const under = (path: string) => (sysroot && isAbsolute(sysroot) ? join(sysroot, path) : path);
  return [
    { kind: "system", path: under(`/usr/lib/${APP}/plugins`), required: false },
    { kind: "system", path: under(`/usr/local/lib/${APP}/plugins`), required: false },
    { kind: "admin", path: under(`/etc/${APP}/plugins`), required: false },
  ];
}

/** Every root, most general first (see the order above). */
export function standardPluginRoots(opts: StandardRootsOptions): PluginRoot[] {
  return [
    ...(opts.includeBundled
      ? [{ kind: "bundled" as const, path: BUNDLED_PLUGINS_DIR, required: false }]
      : []),
    ...systemPluginRoots(opts.env),
    { kind: "user", path: userPluginsDir(opts.env), required: false },
    ...opts.configDirs.map((dir) => ({
      kind: "config" as const,
      path: resolve(opts.configDir, dir),
      required: true,
    })),
    ...opts.cliDirs.map((dir) => ({ kind: "cli" as const, path: resolve(dir), required: true })),
  ];
}

/** The folder `configDir` for a config file path. */
export function configDirOf(configFile: string): string {
  return dirname(resolve(configFile));
}

const LABELS: Readonly<Record<PluginSourceKind, string>> = {
  bundled: "bundled",
  system: "system folder",
  admin: "administrator's folder",
  user: "user's folder",
  config: "config pluginDirs",
  cli: "--plugins",
  inline: "registered from code",
};

/** How a source kind reads in messages: `user's folder`. */
export function describeKind(kind: PluginSourceKind): string {
  return LABELS[kind];
}
