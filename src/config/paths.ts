import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";

/**
 * Where the user's config and credential files are when nobody says otherwise. Apart from
 * the modules that read them (load.ts, credentials/store.ts, both zod) so that a command can
 * look for the files without loading what would parse them.
 */

/** `$XDG_CONFIG_HOME`, or `~/.config`; a relative XDG_CONFIG_HOME is invalid per the XDG spec and ignored. */
function configHome(env: NodeJS.ProcessEnv): string {
  const xdg = env.XDG_CONFIG_HOME;
  return xdg && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), ".config");
}

/** `$XDG_CONFIG_HOME/hotspot-helper/config.json`, or `~/.config/hotspot-helper/config.json`. */
export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(configHome(env), "hotspot-helper", "config.json");
}

/**
 * `$HOTSPOT_CREDENTIALS` when absolute, else `$XDG_CONFIG_HOME/hotspot-helper/credentials.json`,
 * or `~/.config/hotspot-helper/credentials.json`.
 */
export function defaultCredentialsPath(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.HOTSPOT_CREDENTIALS;
  if (override && isAbsolute(override)) return override;
  return join(configHome(env), "hotspot-helper", "credentials.json");
}
