import type { PortalInfo, SessionInfo } from "../helper-api/context.ts";
import type { JoinedNetwork } from "../helper-api/network.ts";
import type { ClaimMatch, LoadedPlugin, PluginRegistry } from "../helper-api/registry-types.ts";
import type { AuthenticateResult, LogoffResult, MaintainResult } from "../helper-api/results.ts";
import type { PluginHost } from "../plugin-host/host.ts";
import type { HookOutcome } from "../plugin-host/seam.ts";

/**
 * The session's view of plugins: what a DeviceSession may ask for, answered by the plugin
 * host (src/plugin-host/), which owns contexts, deadlines, validation, logger and store.
 * This adapter binds the registry; authenticate's outcome keeps what the call learnt on the
 * way, so verification can use it as plain data rather than through a callback.
 */
export interface PluginCalls {
  plugin(id: string): LoadedPlugin | undefined;
  /**
   * A join to a network `id` claims may follow: loads what its first hook call would load
   * in this process. Undefined when there is nothing to load here.
   */
  preload?(id: string): Promise<void> | undefined;
  evaluate(
    candidates: readonly ClaimMatch[],
    network: JoinedNetwork,
    portal: PortalInfo,
    signal: AbortSignal,
  ): Promise<readonly ClaimMatch[]>;
  /**
   * The result with what the call's traffic learnt (the RFC 8908 API's last answer, the
   * last `checkOnline()`), which the session hands to its verification.
   */
  authenticate(
    plugin: LoadedPlugin,
    network: JoinedNetwork,
    portal: PortalInfo,
    signal: AbortSignal,
  ): Promise<HookOutcome<AuthenticateResult>>;
  maintain(
    plugin: LoadedPlugin,
    network: JoinedNetwork,
    portal: PortalInfo,
    session: SessionInfo,
    signal: AbortSignal,
  ): Promise<MaintainResult>;
  logoff(
    plugin: LoadedPlugin,
    network: JoinedNetwork,
    portal: PortalInfo,
    session: SessionInfo,
    signal: AbortSignal,
  ): Promise<LogoffResult>;
}

export interface PluginCallsOptions {
  readonly registry: PluginRegistry;
  readonly host: PluginHost;
}

export function createPluginCalls(opts: PluginCallsOptions): PluginCalls {
  const { registry, host } = opts;
  return {
    plugin: (id) => registry.get(id),
    preload(id) {
      const plugin = registry.get(id);
      return plugin && host.preload(plugin);
    },
    async evaluate(candidates, network, portal, signal) {
      return (await host.evaluate(candidates, network, portal, { registry, signal })).ranked;
    },
    authenticate: (plugin, network, portal, signal) => host.authenticate(plugin, network, portal, signal),
    async maintain(plugin, network, portal, session, signal) {
      return (await host.maintain(plugin, network, portal, session, signal)).result;
    },
    async logoff(plugin, network, portal, session, signal) {
      return (await host.logoff(plugin, network, portal, session, signal)).result;
    },
  };
}
