import { rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hotspotError, isHotspotError, reasonOf } from "../../errors.ts";
import type { PortalCredentials, RequestLogEntry } from "../types.ts";
import { makeCertificate } from "./certificate.ts";
import { deleteNamespaceSync, onExit, sweepStale, TEMP_DIR_PREFIX } from "./cleanup.ts";
import { acquireLease, type Lease } from "./dhcp-client.ts";
import { type Dnsmasq, startDnsmasq } from "./dnsmasq.ts";
import { hasTool, run } from "./exec.ts";
import { ADDRESSES, type WorldNames, worldNames } from "./names.ts";
import { gardenMembers, installGarden } from "./nftables.ts";
import { type NamespacePortal, startPortalProcess } from "./portal-process.ts";

/**
 * Namespace mode (root): a hotspot made of real network pieces.
 *
 *   client namespace                     access-point namespace
 *   ┌──────────────┐   veth pair   ┌──────────────────────────────────────────────┐
 *   │ hhclN (DHCP) │───────────────│ hhapN 10.231.0.1/24                          │
 *   │ the daemon   │               │ dnsmasq: DHCP (+ option 114), DNS → portal    │
 *   └──────────────┘               │ nftables: set of authorised clients, DNAT :80 │
 *                                  │ portal process: :80, :443 (own certificate)   │
 *                                  │ "internet" 198.18.0.1:80 (garden members only) │
 *                                  └──────────────────────────────────────────────┘
 *
 * The portal runs as a child process under `ip netns exec` (Node cannot enter a namespace
 * itself). Everything is torn down by `close()`, by a process-exit hook if the caller
 * never gets there, and by the next world's sweep if the process was killed outright.
 */

export interface NamespaceWorldOptions {
  readonly scenario: string;
  readonly params?: Readonly<Record<string, unknown>>;
  readonly latencyMs?: number;
  readonly credentials?: PortalCredentials;
  /** Told about every request the portal answered. */
  readonly onRequest?: (entry: RequestLogEntry) => void;
}

export interface NamespaceWorld {
  readonly names: WorldNames;
  readonly portal: NamespacePortal;
  /** PEM of the world's certificate (for the HTTPS API). */
  readonly ca: string;
  /** Where the certificate is on disk (`ip netns exec … --cacert`). */
  readonly caFile: string;
  readonly internetUrl: string;
  /** The RFC 8908 URI DHCP hands out (option 114), if the scenario has an API. */
  readonly apiUrl: string | undefined;
  readonly dnsmasq: Dnsmasq;
  /** Runs dhclient in the client namespace and applies the lease. */
  dhcp(): Promise<Lease>;
  /** Runs a command inside the client namespace; resolves with its stdout. */
  inClient(cmd: string, args: readonly string[]): Promise<string>;
  /** The nftables set's members, read from the kernel. */
  gardenMembers(): Promise<string[]>;
  close(): Promise<void>;
}

const TOOLS = ["ip", "nft", "dnsmasq", "dhclient", "openssl"] as const;

/** Why namespace mode cannot run here, or undefined when it can. */
export async function namespaceModeUnavailable(): Promise<string | undefined> {
  if (process.platform !== "linux") return "network namespaces need Linux";
  if (process.getuid?.() !== 0) return "needs root (network namespaces, nftables, DHCP)";
  const missing: string[] = [];
  for (const t of TOOLS) if (!(await hasTool(t))) missing.push(t);
  if (missing.length > 0) {
    return `missing ${missing.join(", ")} (sh scripts/ensure-system-deps.sh installs dnsmasq, nftables, isc-dhcp-client, iproute2)`;
  }
  return undefined;
}

export async function startNamespaceWorld(opts: NamespaceWorldOptions): Promise<NamespaceWorld> {
  const why = await namespaceModeUnavailable();
  if (why) throw hotspotError("HH_HARNESS_NETNS_UNAVAILABLE", { reason: why });
  sweepStale();
  const names = worldNames();
  const dir = await mkdtemp(join(tmpdir(), `${TEMP_DIR_PREFIX}${process.pid}-`));
  const pids: number[] = [];
  let portal: NamespacePortal | undefined;
  let dnsmasq: Dnsmasq | undefined;
  const teardownSync = () => {
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // gone
      }
    }
    deleteNamespaceSync(names.client);
    deleteNamespaceSync(names.ap);
    rmSync(dir, { recursive: true, force: true });
  };
  const unregister = onExit(teardownSync);
  const close = async () => {
    unregister();
    await portal?.close().catch(() => {});
    dnsmasq?.process.kill("SIGTERM");
    teardownSync();
    await rm(dir, { recursive: true, force: true });
  };

  try {
    const ap = { netns: names.ap };
    await run("netns", "ip", ["netns", "add", names.ap]);
    await run("netns", "ip", ["netns", "add", names.client]);
    const veth = [
      "link",
      "add",
      names.apIface,
      "netns",
      names.ap,
      "type",
      "veth",
      "peer",
      "name",
      names.clientIface,
    ];
    await run("veth", "ip", [...veth, "netns", names.client]);
    await run("ap link", "ip", ["link", "set", "lo", "up"], ap);
    await run(
      "ap link",
      "ip",
      ["addr", "add", `${ADDRESSES.ap}/${ADDRESSES.prefix}`, "dev", names.apIface],
      ap,
    );
    await run("ap link", "ip", ["link", "set", names.apIface, "up"], ap);
    await run("internet address", "ip", ["addr", "add", `${ADDRESSES.internet}/32`, "dev", "lo"], ap);
    await run("client link", "ip", ["link", "set", "lo", "up"], { netns: names.client });
    await run("client link", "ip", ["link", "set", names.clientIface, "up"], { netns: names.client });
    await installGarden(names.ap, names.apIface);
    const cert = await makeCertificate(dir, ADDRESSES.ap, "portal.hotspot.test");
    portal = await startPortalProcess(
      names.ap,
      {
        scenario: opts.scenario,
        host: ADDRESSES.ap,
        port: 80,
        httpsPort: 443,
        certFile: cert.certFile,
        keyFile: cert.keyFile,
        internetHost: ADDRESSES.internet,
        hostAliases: ["portal.hotspot.test"],
        nftables: true,
        ...(opts.params === undefined ? {} : { params: { ...opts.params } }),
        ...(opts.latencyMs === undefined ? {} : { latencyMs: opts.latencyMs }),
        ...(opts.credentials === undefined ? {} : { credentials: opts.credentials }),
      },
      opts.onRequest,
    );
    if (portal.pid !== undefined) pids.push(portal.pid);
    dnsmasq = await startDnsmasq({ netns: names.ap, iface: names.apIface, dir, apiUrl: portal.apiUrl });
    if (dnsmasq.process.pid !== undefined) pids.push(dnsmasq.process.pid);
    const started = portal;
    const dns = dnsmasq;
    return {
      names,
      portal: started,
      ca: cert.cert,
      caFile: cert.certFile,
      internetUrl: `http://${ADDRESSES.internet}`,
      apiUrl: started.apiUrl,
      dnsmasq: dns,
      // dhclient stays as a daemon in the client namespace; deleting the namespace kills it.
      dhcp: () => acquireLease({ netns: names.client, iface: names.clientIface, dir }),
      inClient: (cmd, args) => run(`client command ${cmd}`, cmd, args, { netns: names.client }),
      gardenMembers: () => gardenMembers(names.ap),
      close,
    };
  } catch (e) {
    await close().catch(() => {});
    throw isHotspotError(e)
      ? e
      : hotspotError("HH_HARNESS_NETNS_FAILED", { step: "set-up", reason: reasonOf(e) }, { cause: e });
  }
}

/** Runs `body` in a fresh world and always tears it down, whether `body` returns or throws. */
export async function withNamespaceWorld<T>(
  opts: NamespaceWorldOptions,
  body: (world: NamespaceWorld) => Promise<T>,
): Promise<T> {
  const world = await startNamespaceWorld(opts);
  try {
    return await body(world);
  } finally {
    await world.close();
  }
}
