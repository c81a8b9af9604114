import { readdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type HotspotError, hotspotError, isHotspotError, reasonOf } from "../errors.ts";
import { validateDefinition } from "./definition-schema.ts";
import { resolvePlugin } from "./plugin-settings.ts";
import { createRegistry, type RegistryServices } from "./registry.ts";
import type { LoadedPlugin, LoadRegistryOptions, PluginRegistry } from "./registry-types.ts";

/**
 * Finding, importing and validating plugins, then building the registry over them.
 *
 * Order is deterministic: the bundled folder first, then each `--plugins DIR` in the order
 * given, plugin folders sorted by name inside each, then inline plugins. Broken plugins
 * throw in strict mode (the CLI) and are skipped into `problems` otherwise (the daemon);
 * two plugins with one id, or identical claims at equal priority, always throw, because
 * only the user can say which one they meant.
 */

/** `<package root>/plugins`, next to `src/`. */
export const BUNDLED_PLUGINS_DIR = fileURLToPath(new URL("../../plugins/", import.meta.url));

const INDEX_FILES = ["index.ts", "index.js", "index.mjs"] as const;

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

async function indexFileIn(dir: string): Promise<string | undefined> {
  for (const name of INDEX_FILES) {
    const path = join(dir, name);
    if (await isFile(path)) return path;
  }
  return undefined;
}

/**
 * The plugin entry files under `path`: the path itself if it is a module file, its index
 * if it is a plugin folder, else the index of each subfolder that has one (subfolders
 * without an index, such as shared helpers, are not plugins and are passed over).
 */
export async function discoverPlugins(path: string, required: boolean): Promise<string[]> {
  const dir = resolve(path);
  if (await isFile(dir)) return [dir];
  if (!(await isDirectory(dir))) {
    if (!required) return [];
    throw hotspotError("HH_PLUGIN_LOAD_FAILED", { path: dir, reason: "no such plugin folder" });
  }
  const own = await indexFileIn(dir);
  if (own) return [own];
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries.map((e) => e.name).sort();
  const found: string[] = [];
  for (const name of names) {
    const sub = join(dir, name);
    if (!(await isDirectory(sub))) continue;
    const index = await indexFileIn(sub);
    if (index) found.push(index);
  }
  if (found.length === 0 && required) {
    throw hotspotError("HH_PLUGIN_LOAD_FAILED", {
      path: dir,
      reason: `no plugin here: no ${INDEX_FILES.join(", ")} in it or in its subfolders`,
    });
  }
  return found;
}

async function importDefault(file: string): Promise<unknown> {
  let mod: unknown;
  try {
    mod = await import(pathToFileURL(file).href);
  } catch (e) {
    throw hotspotError("HH_PLUGIN_LOAD_FAILED", { path: file, reason: reasonOf(e) }, { cause: e });
  }
  if (typeof mod !== "object" || mod === null || !("default" in mod)) {
    throw hotspotError("HH_PLUGIN_DEFINITION_INVALID", {
      plugin: file,
      path: file,
      field: "(default export)",
      reason: "the module has no default export; export default definePlugin({ ... })",
    });
  }
  return mod.default;
}

interface Candidate {
  readonly source: string;
  readonly load: () => Promise<unknown>;
}

/**
 * Loads plugins and returns the frozen registry. See LoadRegistryOptions for the sources
 * and for `strict`. Plugin settings come from `config.plugins[id]`:
 * - `enabled: false` skips the plugin (not a problem);
 * - `config` is parsed by the plugin's configSchema. When the user gave none, the schema
 *   is asked for its defaults: first with `undefined` (a schema with `.default()` or
 *   `.optional()`), then with `{}` (an object schema whose fields all have defaults); if
 *   both fail, the plugin needs settings and the error names the missing field;
 * - `credentials` are parsed by credentialsSchema; absent credentials stay undefined.
 * A plugin without a schema that is given config or credentials is a config error.
 */
export async function loadRegistry(opts: LoadRegistryOptions & RegistryServices): Promise<PluginRegistry> {
  const problems: HotspotError[] = [];
  const fail = (e: unknown): void => {
    const error = isHotspotError(e) ? e : hotspotError("HH_INTERNAL", { reason: reasonOf(e) }, { cause: e });
    if (opts.strict) throw error;
    problems.push(error);
  };

  const candidates: Candidate[] = [];
  const folders: { path: string; required: boolean }[] = [
    ...(opts.includeBundled === false ? [] : [{ path: BUNDLED_PLUGINS_DIR, required: false }]),
    ...opts.pluginDirs.map((path) => ({ path, required: true })),
  ];
  for (const folder of folders) {
    try {
      for (const file of await discoverPlugins(folder.path, folder.required)) {
        candidates.push({ source: file, load: () => importDefault(file) });
      }
    } catch (e) {
      fail(e);
    }
  }
  for (const inline of opts.inline ?? []) {
    candidates.push({ source: inline.source, load: async () => inline.plugin });
  }

  const seen = new Map<string, string>();
  const loaded: LoadedPlugin[] = [];
  for (const candidate of candidates) {
    try {
      const definition = validateDefinition(await candidate.load(), candidate.source);
      const first = seen.get(definition.id);
      if (first !== undefined) {
        throw hotspotError("HH_PLUGIN_DUPLICATE_ID", {
          plugin: definition.id,
          first,
          second: candidate.source,
        });
      }
      seen.set(definition.id, candidate.source);
      const settings = opts.config.plugins[definition.id];
      if (settings?.enabled === false) continue;
      loaded.push(resolvePlugin(definition, candidate.source, settings));
    } catch (e) {
      if (isHotspotError(e, "HH_PLUGIN_DUPLICATE_ID")) throw e;
      fail(e);
    }
  }

  return createRegistry({
    plugins: loaded,
    problems,
    config: opts.config,
    loggerFor: opts.loggerFor,
    storeFor: opts.storeFor,
    onHookError: opts.onHookError,
  });
}
