import { type HotspotError, hotspotError, isHotspotError, reasonOf } from "../errors.ts";
import { remotePlugin } from "../plugin-host/remote-plugin.ts";
import { validateDefinition } from "./definition-schema.ts";
import type { Plugin } from "./plugin.ts";
import { discoverRoot } from "./plugin-discovery.ts";
import { importDefault, PLUGIN_IMPORT_TIMEOUT_MS } from "./plugin-entry.ts";
import { BUNDLED_PLUGINS_DIR, describeKind, type PluginRoot } from "./plugin-paths.ts";
import { resolvePlugin } from "./plugin-settings.ts";
import { createRegistry, type RegistryServices } from "./registry.ts";
import type {
  IsolatedDefinition,
  LoadedPlugin,
  LoadRegistryOptions,
  PluginOrigin,
  PluginRegistry,
} from "./registry-types.ts";

export { BUNDLED_PLUGINS_DIR } from "./plugin-paths.ts";

/**
 * Importing and validating the plugins found in the search roots (plugin-paths.ts lists
 * them and their precedence; plugin-discovery.ts finds entries), then building the
 * registry over them.
 *
 * Order is deterministic: roots from the most general to the most specific, plugins sorted
 * by folder name inside each, then inline plugins. A plugin whose id a later root also
 * provides is overridden, with a warning naming both. Broken plugins throw in strict mode
 * (the CLI) and are skipped into `problems` otherwise (the daemon), so one operator's bad
 * folder never stops the others' plugins.
 */

/**
 * The plugin entry files under `path` (a module file, a plugin folder, or a folder of
 * them). Throws the first problem met when `required`; otherwise problems are dropped.
 */
export async function discoverPlugins(path: string, required: boolean): Promise<string[]> {
  const { found, problems } = await discoverRoot({ kind: "cli", path, required });
  const [first] = problems;
  if (required && first) throw first;
  return found.map((f) => f.file);
}

/** A candidate after import: its definition here, or in a child process (isolation). */
type Defined =
  | { readonly id: string; readonly definition: Plugin<unknown, unknown> }
  | { readonly id: string; readonly isolated: IsolatedDefinition };

interface Candidate {
  readonly source: string;
  /** Index of the root it came from: a higher rank overrides a lower one. */
  readonly rank: number;
  readonly origin: PluginOrigin;
  readonly load: () => Promise<Defined>;
}

interface Chosen {
  readonly defined: Defined;
  readonly candidate: Candidate;
}

const discard = (d: Defined): void => {
  if ("isolated" in d) d.isolated.discard();
};

/** The roots when the caller gave none: the bundled folder, then each `pluginDirs` entry. */
function defaultRoots(opts: LoadRegistryOptions): PluginRoot[] {
  return [
    ...(opts.includeBundled === false
      ? []
      : [{ kind: "bundled" as const, path: BUNDLED_PLUGINS_DIR, required: false }]),
    ...(opts.pluginDirs ?? []).map((path) => ({ kind: "cli" as const, path, required: true })),
  ];
}

const where = (c: Candidate): string => `${describeKind(c.origin.kind)} ${c.origin.root}`;

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
 *
 * In non-strict loading, a plugin whose static claim is identical to an earlier plugin's
 * (same confidence and priority) is quarantined into `problems`, so a third party's
 * clash cannot stop the daemon; strict loading throws HH_PLUGIN_CLAIM_CONFLICT.
 */
export async function loadRegistry(opts: LoadRegistryOptions & RegistryServices): Promise<PluginRegistry> {
  const problems: HotspotError[] = [];
  const warnings: HotspotError[] = [];
  const fail = (e: unknown): void => {
    const error = isHotspotError(e) ? e : hotspotError("HH_INTERNAL", { reason: reasonOf(e) }, { cause: e });
    if (opts.strict) throw error;
    problems.push(error);
  };

  const roots = opts.roots ?? defaultRoots(opts);
  const candidates: Candidate[] = [];
  for (const [rank, root] of roots.entries()) {
    const { found, problems: met, warnings: noted } = await discoverRoot(root);
    for (const problem of met) fail(problem);
    warnings.push(...noted);
    for (const f of found) {
      const origin: PluginOrigin = {
        kind: root.kind,
        root: root.path,
        ...(f.packageName === undefined ? {} : { packageName: f.packageName }),
      };
      const { isolate } = opts;
      candidates.push({
        source: f.file,
        rank,
        origin,
        load: isolate
          ? async () => {
              const isolated = await isolate.define(f.file, f.file, origin);
              return { id: isolated.id, isolated };
            }
          : async () => {
              const raw = await importDefault(f.file, opts.importTimeoutMs ?? PLUGIN_IMPORT_TIMEOUT_MS);
              const definition = validateDefinition(raw, f.file);
              return { id: definition.id, definition };
            },
      });
    }
  }
  for (const inline of opts.inline ?? []) {
    candidates.push({
      source: inline.source,
      rank: roots.length,
      origin: { kind: "inline", root: inline.source },
      load: async () => {
        const definition = validateDefinition(inline.plugin, inline.source);
        return { id: definition.id, definition };
      },
    });
  }

  // Child processes load in parallel (each is its own process); in-process imports stay one
  // after the other, as before, so their top-level side effects keep their order.
  const started = opts.isolate ? candidates.map((c) => c.load()) : undefined;
  for (const p of started ?? []) p.catch(() => {});
  const chosen = new Map<string, Chosen>();
  for (const [i, candidate] of candidates.entries()) {
    let defined: Defined | undefined;
    try {
      defined = await (started?.[i] ?? candidate.load());
      const earlier = chosen.get(defined.id);
      if (earlier && earlier.candidate.rank === candidate.rank) {
        throw hotspotError("HH_PLUGIN_DUPLICATE_ID", {
          plugin: defined.id,
          first: earlier.candidate.source,
          second: candidate.source,
        });
      }
      if (earlier) {
        discard(earlier.defined);
        warnings.push(
          hotspotError("HH_PLUGIN_OVERRIDDEN", {
            plugin: defined.id,
            first: earlier.candidate.source,
            firstKind: where(earlier.candidate),
            second: candidate.source,
            secondKind: where(candidate),
          }),
        );
      }
      chosen.set(defined.id, { defined, candidate });
      opts.onValidated?.(candidate.source, defined.id);
    } catch (e) {
      if (defined) discard(defined);
      fail(e);
    }
  }

  let loaded: LoadedPlugin[] = [];
  for (const { defined, candidate } of chosen.values()) {
    try {
      const settings = opts.config.plugins[defined.id];
      if (settings?.enabled === false) {
        discard(defined);
        continue;
      }
      const config = opts.settingsFile?.(defined.id, "config");
      const credentials = opts.settingsFile?.(defined.id, "credentials");
      if ("isolated" in defined) {
        const descriptor = await defined.isolated.configure(settings, {
          ...(config === undefined ? {} : { config }),
          ...(credentials === undefined ? {} : { credentials }),
        });
        loaded.push(remotePlugin(descriptor, settings?.config, settings?.credentials));
        continue;
      }
      const plugin = resolvePlugin(defined.definition, candidate.source, settings, { config, credentials });
      loaded.push(Object.freeze({ ...plugin, origin: Object.freeze(candidate.origin) }));
    } catch (e) {
      fail(e);
    }
  }

  const build = () =>
    createRegistry({
      plugins: loaded,
      problems,
      warnings,
      config: opts.config,
      host: opts.host,
    });
  for (;;) {
    try {
      return build();
    } catch (e) {
      if (opts.strict || !isHotspotError(e, "HH_PLUGIN_CLAIM_CONFLICT")) throw e;
      const skipped = e.params.second;
      if (!loaded.some((p) => p.id === skipped)) throw e;
      loaded = loaded.filter((p) => p.id !== skipped);
      problems.push(hotspotError("HH_PLUGIN_CLAIM_CONFLICT", { ...e.params, skipped }));
    }
  }
}
