import type { PluginSettings } from "../config/schema.ts";
import { hotspotError } from "../errors.ts";
import type { SettingsFiles } from "../helper-api/plugin-settings.ts";
import type { IsolatedDefinition, PluginIsolation, PluginOrigin } from "../helper-api/registry-types.ts";
import { type PluginDescriptor, parseDescriptor } from "./descriptor.ts";
import { type CachedPlugin, DescriptorCache, settingsKey } from "./descriptor-cache.ts";
import { fileStamp, pluginStamp } from "./plugin-stamp.ts";
import type { PluginSupervisor } from "./supervisor.ts";

/**
 * The daemon's plugin isolation with the descriptor cache in front: a plugin file whose
 * files and settings are unchanged since a load that succeeded is registered from its
 * cached descriptor, without a child process; any other is loaded in a child as before and
 * what it said is stored. Starting a process per plugin only to learn its claims is most
 * of what the daemon pays before it is ready.
 *
 * Only the description is cached, never the code: a plugin's hooks always run in a child
 * that imports the file itself, validates it and must declare the cached id before any
 * hook runs (PluginSupervisor.adopt), so a stale entry can at worst describe a plugin's
 * claims wrongly until its files change, and never run code other than the file's.
 *
 * A broken plugin is never stored as good: only an id that a child declared (kept for
 * files that are then not configured: disabled, overridden, duplicated) and a descriptor
 * that a child's configure returned are stored. Stamps are taken before loading, so a file
 * edited while it loads is loaded again next time.
 */

type Supervisor = Pick<PluginSupervisor, "define" | "adopt">;

export interface CachedIsolationOptions {
  readonly file: string;
  /** The daemon's own host key: its entries never mix with `hotspot list`'s. */
  readonly host: string;
}

/** The settings key of a plugin's settings: its config, and the stamp of where its credentials came from. */
async function keyOf(settings: PluginSettings | undefined, files: SettingsFiles): Promise<string> {
  const from = files.credentials;
  const stamp = from === undefined ? "none" : `${from} ${(await fileStamp(from)) ?? "absent"}`;
  return settingsKey(settings, stamp);
}

export class CachedIsolation implements PluginIsolation {
  readonly #supervisor: Supervisor;
  readonly #cache: Promise<DescriptorCache<PluginDescriptor>>;
  readonly #updates = new Map<string, CachedPlugin<PluginDescriptor>>();

  constructor(supervisor: Supervisor, options: CachedIsolationOptions) {
    this.#supervisor = supervisor;
    this.#cache = DescriptorCache.open({
      file: options.file,
      host: options.host,
      check: (value) => {
        try {
          return parseDescriptor(value, options.file);
        } catch {
          return undefined;
        }
      },
    });
  }

  async define(file: string, source: string, origin?: PluginOrigin): Promise<IsolatedDefinition> {
    const stamp = await pluginStamp(file, origin?.root ?? file);
    const entry = (await this.#cache).fresh(source, stamp);
    if (entry === undefined) return this.#load(file, source, origin, stamp);
    const { id } = entry;
    return {
      id,
      discard: () => {},
      configure: async (settings, files) => {
        const key = await keyOf(settings, files);
        const { descriptor } = entry;
        if (descriptor !== undefined && entry.settings === key && descriptor.id === id) {
          this.#supervisor.adopt({ file, source, origin, settings, files, descriptor });
          return descriptor;
        }
        // Known id, other settings (or never configured): its child must say them.
        const defined = await this.#load(file, source, origin, stamp);
        if (defined.id !== id) {
          defined.discard();
          throw hotspotError("HH_PLUGIN_PROCESS_PROTOCOL", {
            plugin: id,
            reason: `its file now holds plugin ${defined.id}`,
          });
        }
        return defined.configure(settings, files);
      },
    };
  }

  /** Loads in a child as without the cache, remembering what the child said. */
  async #load(file: string, source: string, origin: PluginOrigin | undefined, stamp: string) {
    const defined = await this.#supervisor.define(file, source, origin);
    const { id } = defined;
    return {
      id,
      discard: () => {
        this.#updates.set(source, { stamp, id });
        defined.discard();
      },
      configure: async (settings: PluginSettings | undefined, files: SettingsFiles) => {
        const key = await keyOf(settings, files);
        const descriptor = await defined.configure(settings, files);
        this.#updates.set(source, { stamp, id, settings: key, descriptor });
        return descriptor;
      },
    } satisfies IsolatedDefinition;
  }

  /**
   * Writes what this load learnt, once, after loadRegistry. A cache that cannot be written
   * only costs the next start its children again.
   */
  async save(): Promise<void> {
    const updates = new Map(this.#updates);
    this.#updates.clear();
    await (await this.#cache).save(updates).catch(() => undefined);
  }
}
