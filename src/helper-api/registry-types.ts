import type { PluginSettings, UserConfig } from "../config/schema.ts";
import type { HotspotError } from "../errors.ts";
import type { PluginDescriptor } from "../plugin-host/descriptor.ts";
import type { Claim } from "./claims.ts";
import type { Confidence } from "./confidence.ts";
import type { ScannedNetwork } from "./network.ts";
import type { Plugin, PortalHost } from "./plugin.ts";
import type { PluginRoot, PluginSourceKind } from "./plugin-paths.ts";
import type { SettingsFiles } from "./plugin-settings.ts";

/** Where a loaded plugin came from, for `hotspot plugins` and override warnings. */
export interface PluginOrigin {
  readonly kind: PluginSourceKind;
  /** The root folder searched (for `inline`, the source label). */
  readonly root: string;
  /** The npm package name, when the plugin has a package.json naming one. */
  readonly packageName?: string;
}

/** A plugin that passed validation, with its validated config and credentials. */
export interface LoadedPlugin {
  readonly id: string;
  readonly displayName: string;
  readonly version: string;
  readonly priority: number;
  /** Where it was loaded from (file path), or `<inline>` for plugins registered from code. */
  readonly source: string;
  /** Which root it came from; set by the loader, absent for plugins built by hand (tests). */
  readonly origin?: PluginOrigin;
  readonly definition: Plugin<unknown, unknown>;
  readonly config: unknown;
  readonly credentials: unknown;
  /** Static claims after resolving a claims function against the config. */
  readonly claims: readonly Claim[];
  /** Portal hosts after resolving a portalHosts function against the config. */
  readonly portalHosts: readonly PortalHost[];
}

export interface LoadRegistryOptions {
  /**
   * Every folder to search, most general first (a later root overrides an earlier one's
   * plugin of the same id); `standardPluginRoots` gives the daemon's and CLI's list. When
   * absent: the bundled folder (unless `includeBundled` is false), then `pluginDirs`.
   */
  readonly roots?: readonly PluginRoot[];
  /** Without `roots`: extra plugin folders, each a plugin folder or a folder of plugin folders. */
  readonly pluginDirs?: readonly string[];
  /** Without `roots`: load the bundled `plugins/` folder too. Default true. */
  readonly includeBundled?: boolean;
  /** How long one plugin module may take to import; default PLUGIN_IMPORT_TIMEOUT_MS (10 s). */
  readonly importTimeoutMs?: number;
  /** Plugins given as objects (tests, `hotspot plugin test`), loaded after the folders. */
  readonly inline?: readonly { readonly plugin: unknown; readonly source: string }[];
  readonly config: UserConfig;
  /**
   * Which file `config.plugins[id].config` / `.credentials` came from, named in
   * HH_PLUGIN_CONFIG_INVALID so the user knows what to edit. Optional: tests and the
   * demo build their config in code.
   */
  readonly settingsFile?: (pluginId: string, part: "config" | "credentials") => string | undefined;
  /**
   * true (the CLI): the first broken plugin throws its coded error.
   * false (the daemon): broken plugins, a second plugin with an id its own root already
   * holds, and a plugin whose claim conflicts with an earlier one's are skipped and listed
   * in `problems`.
   */
  readonly strict: boolean;
  /**
   * Told of every plugin file that imported and passed validation, with the id it declares,
   * whether or not it is then resolved (a disabled plugin, one a later root overrides): the
   * descriptor cache remembers those ids so it can skip such files without importing them.
   */
  readonly onValidated?: (source: string, id: string) => void;
  /**
   * Import each plugin file in a child process of its own instead of this process (the
   * daemon's plugin isolation, src/plugin-host/supervisor.ts): the loaded plugins are then
   * stand-ins built from the descriptors the children sent. Inline plugins still load here.
   */
  readonly isolate?: PluginIsolation | undefined;
}

/** What the loader needs of the plugin supervisor. */
export interface PluginIsolation {
  define(file: string, source: string, origin?: PluginOrigin): Promise<IsolatedDefinition>;
}

/** A plugin file whose child process said which plugin it holds; configure or discard it. */
export interface IsolatedDefinition {
  readonly id: string;
  /** Applies the settings, returns the descriptor and registers the plugin; its loading child ends. */
  configure(settings: PluginSettings | undefined, files: SettingsFiles): Promise<PluginDescriptor>;
  /** Not wanted (overridden, disabled): ends its child. */
  discard(): void;
}

/** One plugin's claim on one network. */
export interface ClaimMatch {
  readonly pluginId: string;
  readonly displayName: string;
  readonly confidence: Confidence;
  readonly priority: number;
  /** `static` from the index, `dynamic` from a filterScanList hook. */
  readonly origin: "static" | "dynamic";
}

export interface PluginRegistry {
  readonly plugins: readonly LoadedPlugin[];
  /** Plugins skipped at load (non-strict loading), each a coded error naming the plugin or path. */
  readonly problems: readonly HotspotError[];
  /** Load-time notes that skipped nothing: a plugin overridden by one from a more specific root. */
  readonly warnings: readonly HotspotError[];
  get(id: string): LoadedPlugin | undefined;
  /** Static claims on one network, best first per arbitration. Runs no plugin code. */
  claimsFor(network: ScannedNetwork): readonly ClaimMatch[];
  /**
   * Static claims for every network plus the dynamic claims of plugins' filterScanList
   * hooks (bounded by deadlines; a failing hook contributes nothing). The result is
   * aligned with `networks`; each entry is best first, one claim per plugin (its highest).
   */
  filterScanList(
    networks: readonly ScannedNetwork[],
    signal?: AbortSignal,
  ): Promise<readonly (readonly ClaimMatch[])[]>;
}
