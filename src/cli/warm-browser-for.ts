import type { LoadedPlugin } from "../helper-api/registry-types.ts";
import { describePlugin } from "../plugin-host/descriptor.ts";
import { remoteDescriptor } from "../plugin-host/remote-plugin.ts";

/**
 * Whether the daemon should keep a warm Chromium for `plugin` when a network it claims at
 * high confidence is in range: it must need a browser, and have an account when it takes
 * one (a plugin that needs an account and has none will not log in).
 *
 * A plugin whose hooks run in a process of its own (pluginIsolation "process") launches
 * its own Chromium: a warm lease is plain data a child could connect with
 * (browser/remote-lease.ts), but plugin processes do not ask for one yet, so warming for
 * them would only hold a few hundred MB the login never uses.
 */
export function warmBrowserFor(plugin: LoadedPlugin | undefined): boolean {
  if (!plugin || remoteDescriptor(plugin) !== undefined) return false;
  const d = describePlugin(plugin);
  return d.needsBrowser && (!d.takesCredentials || plugin.credentials !== undefined);
}
