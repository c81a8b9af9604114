import { defaultConfigPath } from "../config/paths.ts";
import { configDirOf, type PluginRoot, standardPluginRoots } from "../helper-api/plugin-paths.ts";
import type { CommonOptions } from "./args.ts";

/**
 * The folders every command searches for plugins, in precedence order (see
 * src/helper-api/plugin-paths.ts): bundled unless `--no-bundled`, the system and
 * administrator folders, the user's XDG data folder, the config's `pluginDirs`, then
 * every `--plugins DIR`.
 */
export function cliPluginRoots(
  common: CommonOptions,
  config: { readonly pluginDirs: readonly string[] },
  env: NodeJS.ProcessEnv,
): PluginRoot[] {
  return standardPluginRoots({
    env,
    includeBundled: common.includeBundled,
    configDirs: config.pluginDirs,
    configDir: configDirOf(common.configPath ?? defaultConfigPath(env)),
    cliDirs: common.pluginDirs,
  });
}
