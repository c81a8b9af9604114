import { isIPv4 } from "node:net";
import { z } from "zod";

/**
 * The `ip` commands of link-route.ts and the reading of `ip -json` output, kept free of
 * side effects so the exact argument vectors can be unit-tested with a fake runner.
 *
 * Our marks, fixed so a later run (after a crash) recognises what an earlier one left:
 * - rules sit at priority LINK_ROUTE_PRIORITY and carry `protocol LINK_ROUTE_PROTOCOL`;
 * - routes live in tables LINK_ROUTE_TABLE_BASE + ifindex and carry `proto LINK_ROUTE_PROTOCOL`.
 * Nothing here ever names the main (254), local (255) or default (253) table.
 */

/**
 * Rule priority: ahead of the main table (32766) and of the rules VPNs add in front of it
 * (wg-quick's 32764/32765, NetworkManager's WireGuard rules, Tailscale's 5210-5270), so
 * the VPN's catch-all cannot capture packets we send from the Wi-Fi address; behind the
 * local table's rule (0), so traffic to this host's own addresses stays local.
 */
export const LINK_ROUTE_PRIORITY = 5_000;

/**
 * Routing protocol number for our rules and routes (`ip rule … protocol`, `ip route …
 * proto`): 72 ("H") is not among the kernel's RTPROT_* values nor in iproute2's
 * rt_protos, so no routing daemon or network manager uses it.
 */
export const LINK_ROUTE_PROTOCOL = 72;

/**
 * Table numbers 0x48480000 + ifindex ("HH" in the top half): a private range far above
 * the numbers people and tools pick by hand (rt_tables entries, wg-quick's 51820,
 * Tailscale's 52), stable for an interface as long as it exists, and one per link, so two
 * Wi-Fi devices never share a table.
 */
export const LINK_ROUTE_TABLE_BASE = 0x4848_0000;
const TABLE_SPAN = 0x0100_0000;

/** Our table for an interface index. */
export function linkRouteTable(ifindex: number): number {
  return LINK_ROUTE_TABLE_BASE + ifindex;
}

/** Whether a table number (as `ip -json` prints it) lies in our range. */
export function isLinkRouteTable(table: string | number | undefined): boolean {
  const n = typeof table === "number" ? table : Number(table);
  return Number.isInteger(n) && n > LINK_ROUTE_TABLE_BASE && n < LINK_ROUTE_TABLE_BASE + TABLE_SPAN;
}

/** What one pin installs: the link, its address and prefix, its gateway and our table. */
export interface LinkRoutePlan {
  readonly iface: string;
  readonly ipv4: string;
  readonly prefixlen: number;
  readonly gateway: string;
  readonly table: number;
}

function toInt(ip: string): number {
  return ip.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
}

function toDotted(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

function networkOf(ip: string, prefixlen: number): number {
  const size = 2 ** (32 - prefixlen);
  return Math.floor(toInt(ip) / size) * size;
}

/** `10.0.0.7`/24 → `10.0.0.0/24`. */
export function subnetOf(ip: string, prefixlen: number): string {
  return `${toDotted(networkOf(ip, prefixlen))}/${prefixlen}`;
}

/** Whether `other` is inside `ip`/`prefixlen`. */
export function sameSubnet(ip: string, other: string, prefixlen: number): boolean {
  return isIPv4(ip) && isIPv4(other) && networkOf(ip, prefixlen) === networkOf(other, prefixlen);
}

/**
 * Routes of our table: the link's own subnet on-link (neighbours, and a portal on the
 * access point's subnet, are reached directly as through the main table) and the default
 * via the link's gateway. A gateway outside the subnet (a /32 lease) needs `onlink`.
 */
export function routeCommands(p: LinkRoutePlan): string[][] {
  const tag = ["table", String(p.table), "proto", String(LINK_ROUTE_PROTOCOL)];
  const commands: string[][] = [];
  if (p.prefixlen < 32) {
    const subnet = subnetOf(p.ipv4, p.prefixlen);
    commands.push(["route", "replace", subnet, "dev", p.iface, "src", p.ipv4, "scope", "link", ...tag]);
  }
  const onlink = sameSubnet(p.ipv4, p.gateway, p.prefixlen) ? [] : ["onlink"];
  commands.push(["route", "replace", "default", "via", p.gateway, "dev", p.iface, ...onlink, ...tag]);
  return commands;
}

/** The rule steering packets whose source is the link's address into our table. */
export function ruleAddCommand(p: Pick<LinkRoutePlan, "ipv4" | "table">): string[] {
  return [
    "rule",
    "add",
    "from",
    `${p.ipv4}/32`,
    "lookup",
    String(p.table),
    "priority",
    String(LINK_ROUTE_PRIORITY),
    "protocol",
    String(LINK_ROUTE_PROTOCOL),
  ];
}

/** Deletes exactly one listed rule of ours (priority, source and table all named). */
export function ruleDelCommand(rule: PolicyRule): string[] {
  return [
    "rule",
    "del",
    "from",
    `${rule.src}/${rule.srclen}`,
    "lookup",
    rule.table,
    "priority",
    String(rule.priority),
  ];
}

/** Empties our routes from one of our tables (never any other table: checked by the caller). */
export function flushCommand(table: number | string): string[] {
  return ["route", "flush", "table", String(table), "proto", String(LINK_ROUTE_PROTOCOL)];
}

export const RULES_SHOW = ["-json", "rule", "show", "priority", String(LINK_ROUTE_PRIORITY)] as const;
export const OUR_ROUTES_SHOW = [
  "-json",
  "route",
  "show",
  "table",
  "all",
  "proto",
  String(LINK_ROUTE_PROTOCOL),
] as const;
export function addrShowCommand(iface: string): string[] {
  return ["-json", "address", "show", "dev", iface];
}

/** `ip -json` prints nothing at all (not `[]`) for some empty dumps. */
function json(text: string): unknown {
  const trimmed = text.trim();
  return trimmed === "" ? [] : JSON.parse(trimmed);
}

/**
 * The schemas of `ip -json` output, built on first use: the daemon imports this module at
 * start, but only a daemon running as root ever reads `ip`, and not before its first sweep.
 */
let schemas: ReturnType<typeof ipJsonSchemas> | undefined;
const ipJson = () => {
  schemas ??= ipJsonSchemas();
  return schemas;
};

function ipJsonSchemas() {
  const tableField = z.union([z.string(), z.number()]).transform(String);
  return {
    addr: z.array(
      z.object({
        ifindex: z.number().int().positive(),
        ifname: z.string(),
        addr_info: z
          .array(
            z.object({
              family: z.string(),
              local: z.string().optional(),
              prefixlen: z.number().int().min(0).max(128).optional(),
            }),
          )
          .default([]),
      }),
    ),
    rule: z.array(
      z.object({
        priority: z.number().int().optional(),
        src: z.string().optional(),
        srclen: z.number().int().optional(),
        table: tableField.optional(),
        protocol: tableField.optional(),
      }),
    ),
    route: z.array(z.object({ table: tableField.optional() })),
  };
}

/** The interface's index and the prefix length of `ipv4` on it, or undefined when the address is not there. */
export function parseAddrShow(
  text: string,
  ipv4: string,
): { ifindex: number; prefixlen: number } | undefined {
  for (const link of ipJson().addr.parse(json(text))) {
    const found = link.addr_info.find((a) => a.family === "inet" && a.local === ipv4);
    if (found) return { ifindex: link.ifindex, prefixlen: found.prefixlen ?? 32 };
  }
  return undefined;
}

/** One `ip -json rule show` entry, the fields we use. */
export interface PolicyRule {
  readonly priority: number;
  readonly src: string;
  readonly srclen: number;
  readonly table: string;
  readonly protocol: string | undefined;
}

/** Rules of ours (our priority, our protocol, one of our tables) from `ip -json rule show`. */
export function parseOurRules(text: string): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const r of ipJson().rule.parse(json(text))) {
    if (r.priority !== LINK_ROUTE_PRIORITY || r.src === undefined || r.src === "all") continue;
    // Priority and table range are the signature; the protocol is not checked because a local
    // rt_protos file may give 72 a name, and kernels before 4.17 do not report it.
    if (!isLinkRouteTable(r.table) || r.table === undefined) continue;
    out.push({
      priority: r.priority,
      src: r.src,
      srclen: r.srclen ?? 32,
      table: r.table,
      protocol: r.protocol,
    });
  }
  return out;
}

/** Our tables that hold routes, from `ip -json route show table all proto 72` (main never counts). */
export function parseOurTables(text: string): string[] {
  const tables = new Set<string>();
  for (const r of ipJson().route.parse(json(text)))
    if (isLinkRouteTable(r.table)) tables.add(String(r.table));
  return [...tables];
}
