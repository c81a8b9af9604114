import type { LookupAddress, LookupOptions } from "node:dns";
import { Resolver } from "node:dns/promises";
import { isIP, type LookupFunction } from "node:net";

/**
 * Name resolution through one link's own DNS servers (from the join event), bound to the
 * link's address, used as the socket `lookup` of the probe and the HTTP client. The
 * system resolver would ask whatever holds the default route (a VPN, Ethernet) or a local
 * DoH/DoT stub, none of which know the hotspot's portal names, and may answer for the
 * real internet host instead of the walled garden's.
 */

export interface LinkLookupOptions {
  /** DNS servers of the link, `1.2.3.4` or `1.2.3.4:5353`. */
  readonly servers: readonly string[];
  /** Source address for DNS queries (the interface's address), so they leave through the link. */
  readonly localAddress?: string;
  /** Per query attempt; default 2 000 ms (two tries per server). */
  readonly timeoutMs?: number;
  /** Aborts pending lookups (the network was left). */
  readonly signal?: AbortSignal;
  /** Which address families to ask for; default: only IPv4 when bound to an IPv4 address. */
  readonly families?: readonly (4 | 6)[];
}

/** How long an answer is reused within one client: a login asks for the same host a few times. */
const CACHE_MS = 30_000;

function notFound(hostname: string, reason: string, cause?: unknown): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`cannot resolve ${hostname} via the link's DNS: ${reason}`, {
    cause,
  });
  error.code = "ENOTFOUND";
  return error;
}

/** A `lookup` for net/http/https that resolves A (and AAAA) records through `servers` only. */
export function createLinkLookup(opts: LinkLookupOptions): LookupFunction {
  const resolver = new Resolver({ timeout: opts.timeoutMs ?? 2_000, tries: 2 });
  resolver.setServers([...opts.servers]);
  const bound = opts.localAddress;
  if (bound !== undefined) {
    if (isIP(bound) === 6) resolver.setLocalAddress("0.0.0.0", bound);
    else resolver.setLocalAddress(bound);
  }
  const families: readonly (4 | 6)[] =
    opts.families ?? (bound === undefined ? [4, 6] : isIP(bound) === 6 ? [6] : [4]);
  opts.signal?.addEventListener("abort", () => resolver.cancel(), { once: true });
  const cache = new Map<string, { at: number; addresses: LookupAddress[] }>();

  const resolveAll = async (hostname: string, family: number): Promise<LookupAddress[]> => {
    const key = `${family}:${hostname.toLowerCase()}`;
    const hit = cache.get(key);
    if (hit && performance.now() - hit.at < CACHE_MS) return hit.addresses;
    const wanted = families.filter((f) => family === 0 || f === family);
    const answers = await Promise.allSettled(
      wanted.map(async (f) => {
        const list = f === 4 ? await resolver.resolve4(hostname) : await resolver.resolve6(hostname);
        return list.map((address) => ({ address, family: f }));
      }),
    );
    const addresses = answers.flatMap((a) => (a.status === "fulfilled" ? a.value : []));
    if (addresses.length === 0) {
      const failure = answers.find((a) => a.status === "rejected");
      const reason = failure?.status === "rejected" ? describe(failure.reason) : "no address records";
      throw notFound(hostname, reason, failure?.status === "rejected" ? failure.reason : undefined);
    }
    cache.set(key, { at: performance.now(), addresses });
    return addresses;
  };

  const lookup: LookupFunction = (
    hostname: string,
    options: LookupOptions,
    callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    const literal = isIP(hostname);
    const family = typeof options.family === "number" ? options.family : 0;
    let pending: Promise<LookupAddress[]>;
    if (literal !== 0) pending = Promise.resolve([{ address: hostname, family: literal }]);
    else if (hostname.toLowerCase() === "localhost")
      pending = Promise.resolve([{ address: "127.0.0.1", family: 4 }]);
    else if (opts.signal?.aborted) pending = Promise.reject(notFound(hostname, "aborted"));
    else pending = resolveAll(hostname, family);
    pending.then(
      (addresses) => {
        if (options.all === true) callback(null, addresses);
        else {
          const first = addresses[0];
          if (first) callback(null, first.address, first.family);
          else callback(notFound(hostname, "no address records"), "", 0);
        }
      },
      (e: unknown) => callback(e instanceof Error ? e : notFound(hostname, String(e)), "", 0),
    );
  };
  return lookup;
}

function describe(e: unknown): string {
  if (e instanceof Error) {
    const code = "code" in e && typeof e.code === "string" ? e.code : undefined;
    return code ?? e.message;
  }
  return String(e);
}
