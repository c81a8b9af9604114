/**
 * Unique names for one namespace world. Namespace names and the temp directory carry the
 * PID (so a sweeper can tell a dead run's leftovers from a live one's) and a per-process
 * counter (so one process can run several worlds). The veth ends live only inside the
 * namespaces, so their names cannot collide with the host's; they stay under Linux's
 * 15-character limit anyway.
 */

export const NAME_PREFIX = "hh-";

export interface WorldNames {
  readonly ap: string;
  readonly client: string;
  readonly apIface: string;
  readonly clientIface: string;
}

let counter = 0;

export function worldNames(pid = process.pid): WorldNames {
  const n = ++counter;
  return {
    ap: `${NAME_PREFIX}ap-${pid}-${n}`,
    client: `${NAME_PREFIX}cl-${pid}-${n}`,
    apIface: `hhap${n}`,
    clientIface: `hhcl${n}`,
  };
}

/** The PID a namespace name was made for, if it is one of ours. */
export function pidOfName(name: string): number | undefined {
  const m = /^hh-(?:ap|cl)-(\d+)-\d+$/.exec(name);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

/** The addresses of the access point's side (the same in every world: each has its own namespaces). */
export const ADDRESSES = {
  /** The access point / gateway / portal / DHCP and DNS server. */
  ap: "10.231.0.1",
  prefix: 24,
  dhcpFirst: "10.231.0.100",
  dhcpLast: "10.231.0.150",
  /** "The internet" (RFC 2544 benchmarking space): reachable only through the walled garden. */
  internet: "198.18.0.1",
} as const;
