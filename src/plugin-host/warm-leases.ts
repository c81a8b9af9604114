import type { LinkTransport } from "../auth/link.ts";
import type { WarmBrowser } from "../browser/warm.ts";
import type { PluginLogger } from "../helper-api/context.ts";
import type { JoinedNetwork } from "../helper-api/network.ts";
import type { LoadedPlugin } from "../helper-api/registry-types.ts";
import type { LeaseProvider } from "./call-lease.ts";
import type { HookRequest } from "./seam.ts";

/**
 * What the daemon lends a hook running in a plugin's own process when it asks for a
 * browser: the warm instance's prepared tab (warm.ts), bound to the hook's link (its
 * source address and DNS, as the daemon pins the plugin's HTTP traffic) and guarded with a
 * credential guard the daemon builds from the plugin's settings as the daemon read them.
 * So a leased tab's traffic is held to the same rules as that of a Chromium the process
 * launches itself, and the process cannot loosen them: the binding never comes from it.
 */
export function warmLeases(opts: {
  readonly warm: Pick<WarmBrowser, "acquireData">;
  /** The daemon's link pinning; default `linkTransport(network)`. */
  readonly transportFor?: ((network: JoinedNetwork, signal: AbortSignal) => LinkTransport) | undefined;
  readonly logger: (plugin: LoadedPlugin) => PluginLogger;
}): (plugin: LoadedPlugin, request: HookRequest) => LeaseProvider | undefined {
  return (plugin, request) => {
    // Only the hooks that talk to a portal on a joined link have a browser.
    if (request.hook === "filterScanList") return undefined;
    const { network } = request;
    return async (signal) => {
      // Loaded on the first lease: a host whose plugins never ask for a browser never reads the guard.
      const [{ leaseBinding }, { linkTransport }] = await Promise.all([
        import("../browser/lease-binding.ts"),
        import("../auth/link.ts"),
      ]);
      const transport = opts.transportFor
        ? opts.transportFor(network, signal)
        : linkTransport(network, { signal });
      return opts.warm.acquireData(
        signal,
        leaseBinding({
          pluginId: plugin.id,
          credentials: plugin.credentials,
          portalHosts: plugin.portalHosts,
          transport,
          onRefused: (e) => opts.logger(plugin).warn(`browser: blocked a request: ${e.message}`),
        }),
      );
    };
  };
}
