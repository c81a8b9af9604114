import { defaultConfigPath, defaultCredentialsPath } from "../config/paths.ts";
import { discoverRoot, type FoundPlugin } from "../helper-api/plugin-discovery.ts";
import type { PluginRegistry } from "../helper-api/registry-types.ts";
import { staticClaims } from "../helper-api/static-claims.ts";
import {
  type CachedPlugin,
  DescriptorCache,
  defaultDescriptorCacheFile,
  settingsKey,
} from "../plugin-host/descriptor-cache.ts";
import { hostKey } from "../plugin-host/host-key.ts";
import { fileStamp, pluginStamp } from "../plugin-host/plugin-stamp.ts";
import type { CommonOptions } from "./args.ts";
import type { CliIo } from "./io.ts";
import {
  defaultListConfig,
  type ListConfig,
  listConfigOf,
  readSnapshot,
  snapshotFile,
  writeSnapshot,
} from "./list-config.ts";
import { isListedPlugin, type ListedPlugin } from "./listed-plugin.ts";
import { cliPluginRoots } from "./plugin-roots.ts";

/**
 * The plugins' claims for `hotspot list`, without importing a plugin when every plugin's
 * descriptor is in the cache (src/plugin-host/descriptor-cache.ts) and fresh. What is
 * shown must not depend on whether the cache was used, so the cached path is taken only
 * when loading for real would succeed and give the same claims:
 * - every plugin file found has a fresh entry (its files unchanged since a load that
 *   succeeded; a broken plugin is never cached, so it is always loaded and reported);
 * - no two files of one root declare one id (loading would fail), and a later root's
 *   plugin overrides an earlier one's as the loader does;
 * - every enabled plugin was resolved under its current settings (its config, and the
 *   stamp of the file its credentials come from: the credential store is not even read);
 * - no enabled plugin has a filterScanList hook (that needs its code);
 * - discovery met no problem (loading reports it).
 * Otherwise the plugins load as every other command loads them (loadCliPlugins, strict),
 * and what that learnt is stored for next time.
 *
 * The config file is read with its zod schema only when it changed since list last read
 * it (list-config.ts keeps a snapshot); without one the defaults need no zod either.
 */

type ListRegistry = Pick<PluginRegistry, "filterScanList">;

interface Candidate {
  readonly found: FoundPlugin;
  readonly rank: number;
  readonly stamp: string;
}

interface Settings {
  readonly config: ListConfig;
  readonly key: (id: string) => string;
}

/**
 * What list reads of the user's config: the defaults without a file; a snapshot taken
 * from this very file (list-config.ts); else the file loaded and checked as every command
 * does (zod), then snapshotted.
 */
async function listConfig(
  common: CommonOptions,
  io: CliIo,
  host: string,
  configFile: string,
  stamp: string | undefined,
): Promise<ListConfig> {
  if (stamp === undefined && common.configPath === undefined) return defaultListConfig();
  const snapshot = snapshotFile(defaultDescriptorCacheFile(io.env));
  if (stamp !== undefined) {
    const taken = await readSnapshot(snapshot, host, configFile, stamp);
    if (taken !== undefined) return taken;
  }
  const { loadUserConfigFile } = await import("../config/load.ts");
  const config = listConfigOf((await loadUserConfigFile(common.configPath, io.env)).config);
  if (stamp !== undefined) await writeSnapshot(snapshot, host, configFile, stamp, config);
  return config;
}

/** The user's config as the file says (no stored credentials merged), and each plugin's settings key. */
async function settings(common: CommonOptions, io: CliIo, host: string): Promise<Settings> {
  const configFile = common.configPath ?? defaultConfigPath(io.env);
  const [configStamp, credentialsStamp] = await Promise.all([
    fileStamp(configFile),
    fileStamp(defaultCredentialsPath(io.env)),
  ]);
  const config = await listConfig(common, io, host, configFile, configStamp);
  return {
    config,
    key(id) {
      const own = Object.hasOwn(config.plugins, id) ? config.plugins[id] : undefined;
      const credentials = own?.inlineCredentials
        ? `inline ${configStamp}`
        : `store ${credentialsStamp ?? "absent"}`;
      return settingsKey(own, credentials);
    },
  };
}

/** The cached plugins to list, or undefined when the plugins must be loaded for real. */
function fromCache(
  cache: DescriptorCache<ListedPlugin>,
  candidates: readonly Candidate[],
  current: Settings,
): ListedPlugin[] | undefined {
  const chosen = new Map<string, { entry: CachedPlugin<ListedPlugin>; rank: number }>();
  for (const { found, rank, stamp } of candidates) {
    const entry = cache.fresh(found.file, stamp);
    if (entry === undefined) return undefined;
    if (chosen.get(entry.id)?.rank === rank) return undefined;
    chosen.set(entry.id, { entry, rank });
  }
  const plugins: ListedPlugin[] = [];
  for (const [id, { entry }] of chosen) {
    const own = Object.hasOwn(current.config.plugins, id) ? current.config.plugins[id] : undefined;
    if (own?.enabled === false) continue;
    const { descriptor } = entry;
    if (descriptor === undefined || entry.settings !== current.key(id)) return undefined;
    if (descriptor.hooks.includes("filterScanList")) return undefined;
    plugins.push(descriptor);
  }
  return plugins;
}

/** Loads the plugins for real (strict, as every command) and stores what was learnt. */
async function loadAndStore(
  common: CommonOptions,
  io: CliIo,
  cache: DescriptorCache<ListedPlugin>,
  candidates: readonly Candidate[],
  current: Settings,
): Promise<ListRegistry> {
  const [{ loadCliPlugins }, { describePlugin }] = await Promise.all([
    import("./registry.ts"),
    import("../plugin-host/descriptor.ts"),
  ]);
  const ids = new Map<string, string>();
  const { registry } = await loadCliPlugins(common, io, true, {}, (source, id) => ids.set(source, id));
  const loaded = new Map(registry.plugins.map((p) => [p.source, p]));
  const updates = new Map<string, CachedPlugin<ListedPlugin>>();
  for (const { found, stamp } of candidates) {
    const id = ids.get(found.file);
    if (id === undefined) continue;
    const plugin = loaded.get(found.file);
    updates.set(
      found.file,
      plugin === undefined
        ? { stamp, id }
        : { stamp, id, settings: current.key(id), descriptor: describePlugin(plugin) },
    );
  }
  // The list is already right; a cache that cannot be written only costs the next run.
  await cache.save(updates).catch(() => undefined);
  return registry;
}

/**
 * The registry `hotspot list` annotates a scan with: static claims of cached descriptors
 * when that gives what loading would (see above), else the plugins loaded for real.
 */
export async function listRegistry(common: CommonOptions, io: CliIo): Promise<ListRegistry> {
  const host = await hostKey();
  const current = await settings(common, io, host);
  const roots = cliPluginRoots(common, current.config, io.env);
  const [cache, discovered] = await Promise.all([
    DescriptorCache.open<ListedPlugin>({
      file: defaultDescriptorCacheFile(io.env),
      host,
      check: (value) => (isListedPlugin(value) ? value : undefined),
    }),
    Promise.all(roots.map((root) => discoverRoot(root))),
  ]);
  const clean = discovered.every((d) => d.problems.length === 0);
  const candidates = await Promise.all(
    discovered.flatMap((d, rank) =>
      d.found.map(async (found) => ({ found, rank, stamp: await pluginStamp(found.file, found.root.path) })),
    ),
  );
  const plugins = clean ? fromCache(cache, candidates, current) : undefined;
  if (plugins === undefined) return await loadAndStore(common, io, cache, candidates, current);
  let claims: ReturnType<typeof staticClaims>;
  try {
    claims = staticClaims(plugins, current.config);
  } catch {
    // Two cached plugins' claims clash (each was cached from a different load): loading
    // them together for real reports it as every other command would.
    return await loadAndStore(common, io, cache, candidates, current);
  }
  const { match, rank } = claims;
  return {
    filterScanList: async (networks) => Object.freeze(networks.map((n) => rank(n, match(n)))),
  };
}
