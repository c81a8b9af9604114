import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { plainDefaultConfig } from "../config/defaults.ts";
import type { UserConfig } from "../config/schema.ts";

/**
 * The part of the user's config `hotspot list` reads (preferences, pluginDirs, each
 * plugin's enabled flag and config), and a snapshot of it next to the descriptor cache
 * so a user with a config file does not pay for zod on every list either. The snapshot
 * is used only while the config file's stamp (size, times, inode, mode) is the one it was
 * taken from, by the same host version; an invalid config is never snapshotted, so its
 * error is always the loader's. Plugins' credentials are not in it: only whether the
 * config file holds some for a plugin (that decides which file's stamp keys its entry).
 */
export interface ListConfig {
  readonly preferences: Readonly<Record<string, string>>;
  readonly pluginDirs: readonly string[];
  readonly plugins: Readonly<Record<string, ListPluginSettings>>;
}

export interface ListPluginSettings {
  readonly enabled: boolean;
  readonly config?: unknown;
  readonly inlineCredentials: boolean;
}

const FORMAT = 1;

export function listConfigOf(config: UserConfig): ListConfig {
  const plugins: Record<string, ListPluginSettings> = {};
  for (const [id, settings] of Object.entries(config.plugins)) {
    plugins[id] = {
      enabled: settings.enabled,
      ...(settings.config === undefined ? {} : { config: settings.config }),
      inlineCredentials: settings.credentials !== undefined,
    };
  }
  return { preferences: config.preferences, pluginDirs: config.pluginDirs, plugins };
}

export function defaultListConfig(): ListConfig {
  return listConfigOf(plainDefaultConfig());
}

function isRecord(value: unknown): value is object {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function field(value: object, key: string): unknown {
  return Object.hasOwn(value, key) ? Reflect.get(value, key) : undefined;
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return isRecord(value) && Object.values(value).every((v) => typeof v === "string");
}

function isPluginSettings(value: unknown): value is ListPluginSettings {
  return (
    isRecord(value) &&
    typeof field(value, "enabled") === "boolean" &&
    typeof field(value, "inlineCredentials") === "boolean"
  );
}

function isListConfig(value: unknown): value is ListConfig {
  if (!isRecord(value)) return false;
  const dirs = field(value, "pluginDirs");
  const plugins = field(value, "plugins");
  return (
    isStringRecord(field(value, "preferences")) &&
    Array.isArray(dirs) &&
    dirs.every((d) => typeof d === "string") &&
    isRecord(plugins) &&
    Object.values(plugins).every(isPluginSettings)
  );
}

/** Where the snapshot lives: beside the descriptor cache file. */
export function snapshotFile(descriptorCacheFile: string): string {
  return join(dirname(descriptorCacheFile), "list-config.json");
}

/** The snapshot of `configFile` when it was taken at `stamp` by `host`, else undefined. */
export async function readSnapshot(
  file: string,
  host: string,
  configFile: string,
  stamp: string,
): Promise<ListConfig | undefined> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, "utf8"));
  } catch {
    return undefined;
  }
  if (!isRecord(data) || field(data, "format") !== FORMAT || field(data, "host") !== host) return undefined;
  if (field(data, "file") !== configFile || field(data, "stamp") !== stamp) return undefined;
  const config = field(data, "config");
  return isListConfig(config) ? config : undefined;
}

/** Stores the snapshot; a cache folder that cannot be written only costs the next list. */
export async function writeSnapshot(
  file: string,
  host: string,
  configFile: string,
  stamp: string,
  config: ListConfig,
): Promise<void> {
  const [{ mkdir }, { writeFileAtomic }] = await Promise.all([
    import("node:fs/promises"),
    import("../util/atomic-file.ts"),
  ]);
  const text = `${JSON.stringify({ format: FORMAT, host, file: configFile, stamp, config })}\n`;
  try {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    await writeFileAtomic(file, text, 0o600);
  } catch {
    // Not kept: the config is loaded (with its schema) again next time.
  }
}
