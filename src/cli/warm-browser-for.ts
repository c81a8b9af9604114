import type { LoadedPlugin } from "../helper-api/registry-types.ts";
import { describePlugin } from "../plugin-host/descriptor.ts";

/**
 * Whether the daemon should keep a warm Chromium for `plugin` when a network it claims at
 * high confidence is in range: it must need a browser, and have an account when it takes
 * one (a plugin that needs an account and has none will not log in).
 *
 * Wherever its hooks run: in the daemon they take the warm tab directly, and in a process
 * of their own (pluginIsolation "process", the default) the daemon lends it to them as
 * plain data they connect to through its DevTools relay (plugin-host/call-lease.ts).
 */
export function warmBrowserFor(plugin: LoadedPlugin | undefined): boolean {
  if (!plugin) return false;
  const d = describePlugin(plugin);
  return d.needsBrowser && (!d.takesCredentials || plugin.credentials !== undefined);
}
