import type { LookupFunction } from "node:net";
import { networkInterfaces } from "node:os";
import { createLinkLookup } from "./link-dns.ts";

/**
 * Pinning traffic to the joined Wi-Fi link. NetworkManager's join event tells the
 * interface's address and its DNS servers; the probe and every plugin request leave from
 * that address (`localAddress`) and resolve names through those servers, so a VPN or
 * Ethernet holding the default route, or a local DoH/DoT resolver, cannot hide the portal.
 *
 * Binding is only done when the address really sits on a local interface: a stale join
 * event (the address already gone) or a simulated one (the demo's made-up 10.23.0.42)
 * would otherwise make every connect fail with EADDRNOTAVAIL. Without a usable address the
 * link's DNS is not used either: its servers would be unreachable from anywhere else.
 */

/** What the daemon knows about the joined link (a subset of JoinedNetwork). */
export interface LinkFacts {
  readonly interface?: string;
  readonly ipv4?: string;
  readonly dns?: readonly string[];
  /** RFC 8910 API URI (DHCP option 114). */
  readonly captivePortalUri?: string;
}

/** Options for the transport (probe, HTTP client) that pin it to the link. */
export interface LinkTransport {
  readonly localAddress?: string;
  readonly lookup?: LookupFunction;
}

/** Whether `address` is assigned to a local interface (to `iface` when it has any addresses listed). */
export function isLocalAddress(address: string, iface?: string): boolean {
  const all = networkInterfaces();
  const own = iface === undefined ? undefined : all[iface];
  const pools = own && own.length > 0 ? [own] : Object.values(all);
  return pools.some((list) => list?.some((a) => a.address === address) ?? false);
}

export interface LinkTransportOptions {
  /** Aborts pending DNS queries (the network was left). */
  readonly signal?: AbortSignal;
  /** Per DNS query attempt, ms. */
  readonly dnsTimeoutMs?: number;
  /** Replaces the local-address check (tests). */
  readonly isLocal?: (address: string, iface?: string) => boolean;
}

/** `localAddress` and `lookup` for traffic on this link, or nothing when the link's facts are not usable here. */
export function linkTransport(link: LinkFacts | undefined, opts: LinkTransportOptions = {}): LinkTransport {
  const address = link?.ipv4;
  if (address === undefined || !(opts.isLocal ?? isLocalAddress)(address, link?.interface)) return {};
  const servers = link?.dns ?? [];
  if (servers.length === 0) return { localAddress: address };
  return {
    localAddress: address,
    lookup: createLinkLookup({
      servers,
      localAddress: address,
      ...(opts.dnsTimeoutMs === undefined ? {} : { timeoutMs: opts.dnsTimeoutMs }),
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
    }),
  };
}
