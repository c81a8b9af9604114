import { hotspotError } from "../errors.ts";
import {
  definePlugin,
  HOOK_NAMES,
  type HookName,
  type Plugin,
  type PluginDefinition,
} from "../helper-api/plugin.ts";
import type { LoadedPlugin } from "../helper-api/registry-types.ts";
import type { PluginDescriptor } from "./descriptor.ts";

/**
 * The daemon's stand-in for a plugin whose code runs in a child process: a LoadedPlugin
 * built from its descriptor, so the registry, the claim index, deadlines and the session
 * treat it like any other. Its `definition` carries the descriptor's plain fields, and for
 * each hook the plugin has, a function that must never run in the daemon: the host sends
 * such calls to the plugin's process (process-runner.ts). Reaching one is a bug, reported
 * as one.
 *
 * `config` and `credentials` are the user's settings as the daemon read them (the child
 * parsed them with the plugin's schemas): the daemon needs the credentials only to redact
 * them from every log line, and to know whether a plugin has an account.
 */

const descriptors = new WeakMap<LoadedPlugin, PluginDescriptor>();

function elsewhere(id: string, hook: HookName): () => never {
  return () => {
    throw hotspotError("HH_INTERNAL", {
      reason: `plugin ${id}'s ${hook} runs in its own process, but was called in the daemon`,
    });
  };
}

export function remotePlugin(
  descriptor: PluginDescriptor,
  config: unknown,
  credentials: unknown,
): LoadedPlugin {
  const d = descriptor;
  const hooks: Partial<Record<HookName, () => never>> = {};
  for (const hook of HOOK_NAMES) if (d.hooks.includes(hook)) hooks[hook] = elsewhere(d.id, hook);
  const shell: PluginDefinition<unknown, unknown> = {
    id: d.id,
    displayName: d.displayName,
    version: d.version,
    sdk: d.sdk,
    priority: d.priority,
    ...(d.description === undefined ? {} : { description: d.description }),
    claims: d.claims,
    portalHosts: d.portalHosts,
    timeouts: d.timeouts,
    needsBrowser: d.needsBrowser,
    ...hooks,
  };
  const definition: Plugin<unknown, unknown> = definePlugin(shell);
  const plugin: LoadedPlugin = Object.freeze({
    id: d.id,
    displayName: d.displayName,
    version: d.version,
    priority: d.priority,
    source: d.source,
    ...(d.origin === undefined ? {} : { origin: d.origin }),
    definition,
    config,
    credentials,
    claims: d.claims,
    portalHosts: d.portalHosts,
  });
  descriptors.set(plugin, d);
  return plugin;
}

/** The descriptor a stand-in was built from; undefined for a plugin loaded in this process. */
export function remoteDescriptor(plugin: LoadedPlugin): PluginDescriptor | undefined {
  return descriptors.get(plugin);
}
