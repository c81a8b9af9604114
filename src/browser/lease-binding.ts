import type { LinkTransport } from "../auth/link.ts";
import type { HotspotError } from "../errors.ts";
import type { PortalHost } from "../helper-api/plugin.ts";
import { createBrowserGuard } from "./guard.ts";
import type { LeaseBinding } from "./warm-instance.ts";

/**
 * The binding of a warm lease, built where the warm browser lives (the daemon) from plain
 * facts: the joined link's transport (`linkTransport(network)`), and the plugin's
 * credentials and declared portal hosts. A hook in a plugin's own process asks the daemon
 * for a lease; the daemon binds it with this, so the guard that screens the tab is the
 * daemon's, built from the plugin's settings, never from anything the plugin's process says.
 */
export function leaseBinding(opts: {
  readonly pluginId: string;
  readonly credentials: unknown;
  readonly portalHosts: readonly PortalHost[];
  readonly transport: LinkTransport;
  /** Every refused request (free of secrets): the daemon logs it as the plugin's warning. */
  readonly onRefused: (error: HotspotError) => void;
}): LeaseBinding {
  return {
    guard: createBrowserGuard({
      credentials: opts.credentials,
      portalHosts: opts.portalHosts,
      pluginId: opts.pluginId,
    }),
    onRefused: opts.onRefused,
    ...(opts.transport.localAddress === undefined ? {} : { localAddress: opts.transport.localAddress }),
    ...(opts.transport.lookup === undefined ? {} : { lookup: opts.transport.lookup }),
  };
}
