import { hotspotError, isHotspotError, reasonOf } from "../errors.ts";
import type { HookName } from "../helper-api/plugin.ts";
import type { LoadedPlugin } from "../helper-api/registry-types.ts";
import type { LeaseProvider } from "./call-lease.ts";
import { remoteDescriptor } from "./remote-plugin.ts";
import type { HookAnswer, HookRequest } from "./seam.ts";
import type { PluginSupervisor } from "./supervisor.ts";

/** How the host reaches a plugin's code: in this process, or in the plugin's own. */
export type HookCaller = (
  plugin: LoadedPlugin,
  request: HookRequest,
  signal: AbortSignal,
) => Promise<HookAnswer>;

/**
 * Sends calls of plugins that run in a child process to the supervisor, and the others
 * (inline plugins from tests and tools, which have no file to import) to the in-process side.
 *
 * What the child reports beside a hook's value (the last RFC 8908 answer, the last
 * `checkOnline()`) is dropped here: in process those come from the engine's own helpers, but
 * in a child they come from a process running the plugin's code, which could forge a
 * `captive: false`. Without them the daemon verifies a login by probing itself, so a plugin
 * cannot talk the daemon into believing it is online.
 *
 * `leaseFor` gives a call the daemon's warm browser to lend when its hook asks for a browser
 * (warm-leases.ts); without it such a process launches a Chromium of its own.
 */
export function processCaller(
  supervisor: Pick<PluginSupervisor, "call">,
  inProcess: HookCaller,
  leaseFor?: (plugin: LoadedPlugin, request: HookRequest) => LeaseProvider | undefined,
): HookCaller {
  return async (plugin, request, signal) => {
    if (remoteDescriptor(plugin) === undefined) return inProcess(plugin, request, signal);
    const answer = await supervisor.call(plugin.id, request, signal, leaseFor?.(plugin, request));
    return { value: answer.value };
  };
}

/**
 * Before a hook's deadline starts: the plugin's process is up (started if needed). A caller
 * that gives up meanwhile gets HH_PLUGIN_HOOK_CANCELLED, as if the hook had started; a
 * quarantined plugin or a process that cannot start gets its own coded error.
 */
export async function prepareProcess(
  processes: Pick<PluginSupervisor, "ready">,
  plugin: LoadedPlugin,
  hook: HookName,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (remoteDescriptor(plugin) === undefined) return;
  try {
    await processes.ready(plugin.id, signal);
  } catch (e) {
    if (isHotspotError(e)) throw e;
    throw hotspotError(
      "HH_PLUGIN_HOOK_CANCELLED",
      { plugin: plugin.id, hook, reason: reasonOf(e) },
      { cause: e },
    );
  }
}
