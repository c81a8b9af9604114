import { defaultConfigPath, loadUserConfigFile } from "../config/load.ts";
import type { UserConfig } from "../config/schema.ts";
import { defaultCredentialsPath, readCredentials, withStoredCredentials } from "../credentials/index.ts";
import { loadRegistry } from "../helper-api/loader.ts";
import type { LoadRegistryOptions, PluginIsolation, PluginRegistry } from "../helper-api/registry-types.ts";
import { createPluginHost, type PluginHost, type PluginHostOptions } from "../plugin-host/host.ts";
import { defaultPluginStoreRoot } from "../plugin-host/paths.ts";
import type { CommonOptions } from "./args.ts";
import type { CliIo } from "./io.ts";
import { cliPluginRoots } from "./plugin-roots.ts";

export { cliPluginRoots } from "./plugin-roots.ts";

/** What commands that work with plugins need: the user's config and the loaded registry. */
export interface CliPlugins {
  readonly config: UserConfig;
  readonly registry: PluginRegistry;
  /** The plugin host the registry runs filterScanList through; use it for every other hook too. */
  readonly host: PluginHost;
  /** Top-level settings the config file set itself (see LoadedUserConfig.setInFile). */
  readonly setInFile: ReadonlySet<string>;
}

/**
 * Loads the user config (`--config`), fills in credentials from the user's credential
 * store (`$XDG_CONFIG_HOME/hotspot-helper/credentials.json`; a group- or world-readable
 * store is refused with HH_CREDENTIALS_FILE_INSECURE) and loads the plugins from every
 * folder of `cliPluginRoots`. `strict` is true for commands that act on
 * plugins' claims, so a broken plugin is an error naming its file and field rather than a
 * silently shorter list. `host` configures the plugin host built over the config (log
 * sink, HTTP log, test-network options); its store folder defaults to
 * `defaultPluginStoreRoot(io.env)`. Without a log sink, what plugins log is dropped.
 * `onValidated` is passed to loadRegistry (the descriptor cache learns ids from it).
 */
export async function loadCliPlugins(
  common: CommonOptions,
  io: CliIo,
  strict: boolean,
  hostOptions: Omit<PluginHostOptions, "config"> = {},
  onValidated?: LoadRegistryOptions["onValidated"],
  /** The daemon's plugin isolation for this config (undefined: load in this process). */
  isolate?: (config: UserConfig) => PluginIsolation | undefined,
): Promise<CliPlugins> {
  const { config: fileConfig, setInFile } = await loadUserConfigFile(common.configPath, io.env);
  const configFile = common.configPath ?? defaultConfigPath(io.env);
  const credentialsFile = defaultCredentialsPath(io.env);
  const stored = await readCredentials(credentialsFile);
  const config = withStoredCredentials(fileConfig, stored);
  const host = createPluginHost({
    ...hostOptions,
    config,
    storeRoot: hostOptions.storeRoot ?? defaultPluginStoreRoot(io.env),
  });
  const registry = await loadRegistry({
    roots: cliPluginRoots(common, config, io.env),
    config,
    // Inline credentials in the config file win over stored ones (see withStoredCredentials).
    settingsFile: (id, part) =>
      part === "credentials" && fileConfig.plugins[id]?.credentials === undefined
        ? credentialsFile
        : configFile,
    strict,
    host,
    ...(onValidated === undefined ? {} : { onValidated }),
    isolate: isolate?.(config),
  });
  return { config, registry, host, setInFile };
}
