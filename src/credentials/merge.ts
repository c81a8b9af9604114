import type { UserConfig } from "../config/schema.ts";
import type { StoredCredentials } from "./store.ts";

/**
 * The user config with stored credentials filled in for plugins whose config gives none
 * inline. Inline credentials win (tests and the demo set them there); the registry then
 * validates every plugin's credentials with its own schema, wherever they came from.
 */
export function withStoredCredentials(config: UserConfig, stored: StoredCredentials): UserConfig {
  const ids = Object.keys(stored);
  if (ids.length === 0) return config;
  const plugins = { ...config.plugins };
  for (const id of ids) {
    const current = plugins[id];
    if (current?.credentials !== undefined) continue;
    plugins[id] = { ...(current ?? { enabled: true }), credentials: stored[id] };
  }
  return { ...config, plugins };
}
