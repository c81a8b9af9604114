import { execFile } from "node:child_process";
import { isIPv4 } from "node:net";
import { hotspotError, reasonOf } from "../errors.ts";
import { errnoCode } from "../util/errno.ts";
import { type AddressOnLink, localAddressOn } from "./link-address.ts";
import {
  addrShowCommand,
  flushCommand,
  isLinkRouteTable,
  type LinkRoutePlan,
  linkRouteTable,
  OUR_ROUTES_SHOW,
  parseAddrShow,
  parseOurRules,
  parseOurTables,
  RULES_SHOW,
  routeCommands,
  ruleAddCommand,
  ruleDelCommand,
} from "./link-route-ip.ts";

/**
 * Source-based policy routing for the joined Wi-Fi link.
 *
 * link.ts pins our sockets to the Wi-Fi address (`localAddress`), but Node has no
 * SO_BINDTODEVICE: the kernel still routes a packet from that address by the main table.
 * When Ethernet or a VPN holds the default route, a probe to an off-link portal leaves
 * through the wrong interface with the Wi-Fi source address, and is dropped there (rp_filter,
 * the upstream's anti-spoofing) — the login breaks. So, while the daemon runs as root, each
 * joined link gets its own table (default via the link's gateway, plus its subnet on-link)
 * and one rule `from <wifi ipv4>/32 lookup <table>` ahead of the main table.
 *
 * The rule matches only packets whose source is the Wi-Fi address: exactly what our
 * link-pinned sockets produce. Everything else on the system keeps the main table and the
 * VPN; packets that the main table already sent out of the Wi-Fi interface (which then carry
 * its address) still reach the same gateway. The main table is never touched.
 *
 * Installed on join (before detection), replaced on a roam to another address, removed on
 * leave and when the daemon stops; leftovers of a crashed run are swept at start (see the
 * marks in link-route-ip.ts). Without root, without an `ip` binary, or without an address
 * that is really on the interface (the demo's made-up link), pinning is skipped with one log
 * line: an on-link portal still works through the source address alone.
 */

/** Runs `ip` with these arguments; resolves with its stdout. */
export type IpRunner = (args: readonly string[]) => Promise<string>;

/** `ip` through execFile with an argument array (no shell); stderr becomes the error message. */
export const execIp: IpRunner = (args) =>
  new Promise((resolve, reject) => {
    execFile("ip", [...args], { timeout: 5_000, maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) resolve(stdout);
      else {
        const wrapped: NodeJS.ErrnoException = new Error(
          `ip ${args.join(" ")}: ${stderr.trim() || error.message}`,
          {
            cause: error,
          },
        );
        if (typeof error.code === "string") wrapped.code = error.code;
        reject(wrapped);
      }
    });
  });

/** The link facts a pin needs (a JoinedNetwork has them). */
export interface LinkRouteFacts {
  readonly interface: string;
  readonly ipv4?: string;
  readonly gateway?: string;
}

export type LinkRouteLog = (level: "debug" | "info" | "warn", message: string, code?: string) => void;

export interface LinkRouterOptions {
  /** Default: `ip` via execFile. Tests pass a fake, or one that adds `-n <namespace>`. */
  readonly run?: IpRunner;
  /**
   * Where the link's address sits (interface index, prefix). Default: read in this process
   * (`localAddressOn`) when `run` is the default `ip` (the same network namespace), else
   * `ip -json address show` through `run`.
   */
  readonly addressOn?: (iface: string, ipv4: string) => Promise<AddressOnLink | undefined>;
  /** Default: `process.getuid() === 0`. */
  readonly root?: boolean;
  readonly log?: LinkRouteLog;
}

/** Steers each joined link's source-addressed traffic out of that link. Never rejects. */
export interface LinkRouter {
  /** Installs (or replaces) the device's rule and table; a no-op when the same facts are pinned. */
  pin(device: string, link: LinkRouteFacts): Promise<void>;
  /** Removes the device's rule and table routes, if any. */
  unpin(device: string): Promise<void>;
  /** Removes rules and routes of ours that no pin of this router made (a crashed earlier run). */
  sweep(): Promise<void>;
  /** Unpins every device; waits for everything queued. */
  close(): Promise<void>;
  /** What is pinned for a device. */
  pinned(device: string): LinkRoutePlan | undefined;
}

export function createLinkRouter(opts: LinkRouterOptions = {}): LinkRouter {
  const run = opts.run ?? execIp;
  const viaIp = async (iface: string, ipv4: string): Promise<AddressOnLink | undefined> => {
    let shown: string;
    try {
      shown = await run(addrShowCommand(iface));
    } catch (e) {
      if (errnoCode(e) === "ENOENT") throw e;
      return undefined;
    }
    return parseAddrShow(shown, ipv4);
  };
  const addressOn =
    opts.addressOn ??
    (opts.run === undefined
      ? (iface: string, ipv4: string) => localAddressOn(iface, ipv4, { fallback: viaIp })
      : viaIp);
  const log: LinkRouteLog = opts.log ?? (() => {});
  const pins = new Map<string, LinkRoutePlan>();
  let disabled: string | undefined =
    (opts.root ?? process.getuid?.() === 0) ? undefined : "not running as root";
  let told = false;
  // Join, leave and roam events race; one queue keeps each device's commands in event order.
  let tail: Promise<void> = Promise.resolve();

  const off = (): boolean => {
    if (disabled === undefined) return false;
    if (!told) {
      told = true;
      log(
        "info",
        `link policy routing off (${disabled}): off-link portals are reached through the main routing table`,
      );
    }
    return true;
  };

  const enqueue = (work: () => Promise<void>): Promise<void> => {
    const next = tail.then(work).catch((e: unknown) => {
      const missing = errnoCode(e) === "ENOENT";
      if (missing) {
        disabled = "no `ip` binary (iproute2)";
        off();
      } else log("warn", reasonOf(e), "HH_LINK_ROUTE_FAILED");
    });
    tail = next;
    return next;
  };

  const deleteRules = async (
    match: (src: string, table: string) => boolean,
    shown?: string,
  ): Promise<void> => {
    for (const rule of parseOurRules(shown ?? (await run(RULES_SHOW)))) {
      if (match(rule.src, rule.table)) await run(ruleDelCommand(rule));
    }
  };

  const flush = async (table: number | string): Promise<void> => {
    // Guarded here as well as by the parsers: a bug must never flush the main table.
    if (!isLinkRouteTable(table)) return;
    try {
      await run(flushCommand(table));
    } catch (e) {
      // A table that never held a route does not exist; there is nothing to flush.
      if (!/does not exist/i.test(reasonOf(e))) throw e;
    }
  };

  const remove = async (device: string): Promise<void> => {
    const plan = pins.get(device);
    if (!plan) return;
    pins.delete(device);
    // Both steps are tried even when the first fails; whatever still remains is swept at the next start.
    const failures: unknown[] = [];
    await deleteRules((src, table) => src === plan.ipv4 && table === String(plan.table)).catch((e: unknown) =>
      failures.push(e),
    );
    await flush(plan.table).catch((e: unknown) => failures.push(e));
    if (failures.length > 0) {
      const [first] = failures;
      throw hotspotError(
        "HH_LINK_ROUTE_FAILED",
        { interface: plan.iface, reason: reasonOf(first) },
        { cause: first },
      );
    }
    log("debug", `${device}: link policy routing removed (${plan.ipv4}, table ${plan.table})`);
  };

  const install = async (device: string, link: LinkRouteFacts): Promise<void> => {
    const { interface: iface, ipv4, gateway } = link;
    const skip = (why: string) => log("debug", `${device}: no link policy routing: ${why}`);
    if (ipv4 === undefined || !isIPv4(ipv4)) return skip("no IPv4 address");
    if (ipv4.startsWith("127.") || iface === "lo") return skip("loopback");
    if (gateway === undefined || !isIPv4(gateway)) return skip("no IPv4 gateway");
    // The demo's and a stale join event's addresses are not on the interface: nothing to steer.
    const found = await addressOn(iface, ipv4);
    if (!found) return skip(`${ipv4} is not on ${iface}`);
    const plan: LinkRoutePlan = {
      iface,
      ipv4,
      gateway,
      prefixlen: found.prefixlen,
      table: linkRouteTable(found.ifindex),
    };
    // Record first: a failure half-way is undone by the next unpin/close like a success.
    pins.set(device, plan);
    try {
      // The table's routes and the read of our rules do not depend on each other: run at once,
      // they cost the join's first probe one `ip` less. Both settle before anything is undone.
      const [routes, rules] = await Promise.allSettled([
        (async () => {
          for (const args of routeCommands(plan)) await run(args);
        })(),
        run(RULES_SHOW),
      ]);
      if (routes.status === "rejected") throw routes.reason;
      if (rules.status === "rejected") throw rules.reason;
      // Anything else of ours for this address or table (left by a crash) goes first, so the
      // add cannot fail on a duplicate and no second rule points elsewhere.
      await deleteRules((src, table) => src === ipv4 || table === String(plan.table), rules.value);
      await run(ruleAddCommand(plan));
    } catch (e) {
      await remove(device).catch(() => {});
      // No `ip` at all: the queue turns routing off rather than warn on every join.
      if (errnoCode(e) === "ENOENT") throw e;
      throw hotspotError("HH_LINK_ROUTE_FAILED", { interface: iface, reason: reasonOf(e) }, { cause: e });
    }
    log("debug", `${device}: traffic from ${ipv4} routed via ${gateway} on ${iface} (table ${plan.table})`);
  };

  const same = (a: LinkRoutePlan, b: LinkRouteFacts): boolean =>
    a.iface === b.interface && a.ipv4 === b.ipv4 && a.gateway === b.gateway;

  return {
    pin: (device, link) => {
      if (off()) return Promise.resolve();
      return enqueue(async () => {
        const current = pins.get(device);
        if (current && same(current, link)) return;
        await remove(device).catch((e: unknown) => log("warn", reasonOf(e), "HH_LINK_ROUTE_FAILED"));
        await install(device, link);
      });
    },
    unpin: (device) => (disabled !== undefined ? Promise.resolve() : enqueue(() => remove(device))),
    sweep: () => {
      if (off()) return Promise.resolve();
      return enqueue(async () => {
        const mine = new Set([...pins.values()].map((p) => String(p.table)));
        await deleteRules((_src, table) => !mine.has(table));
        for (const table of parseOurTables(await run(OUR_ROUTES_SHOW)))
          if (!mine.has(table)) await flush(table);
      });
    },
    close: () =>
      enqueue(async () => {
        if (disabled !== undefined) return;
        for (const device of [...pins.keys()]) await remove(device);
      }),
    pinned: (device) => pins.get(device),
  };
}
