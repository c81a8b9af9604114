import { isIPv4 } from "node:net";
import { run } from "./exec.ts";
import { ADDRESSES } from "./names.ts";

/**
 * The walled garden in the access-point namespace: a set of authorised client addresses;
 * everyone else has every TCP port-80 connection, whatever its destination, DNAT-ed to the
 * portal, may reach only DHCP, DNS and the portal's own ports, and is never forwarded. The
 * portal process (running in that namespace as root) adds and removes addresses as it
 * authorises and deauthorises clients, so the packet filter and the portal always agree.
 */

export const GARDEN_TABLE = "hh_garden";
export const GARDEN_SET = "allowed";

export function gardenRuleset(apIface: string, portalPort = 80): string {
  const ap = ADDRESSES.ap;
  return `table inet ${GARDEN_TABLE} {
  set ${GARDEN_SET} { type ipv4_addr; }
  chain prerouting {
    type nat hook prerouting priority dstnat; policy accept;
    iifname "${apIface}" ip saddr != @${GARDEN_SET} tcp dport 80 dnat ip to ${ap}:${portalPort}
  }
  chain input {
    type filter hook input priority filter; policy accept;
    iifname "${apIface}" ip saddr @${GARDEN_SET} accept
    iifname "${apIface}" udp dport { 53, 67 } accept
    iifname "${apIface}" ip daddr ${ap} tcp dport { 53, 80, 443, ${portalPort} } accept
    iifname "${apIface}" drop
  }
  chain forward {
    type filter hook forward priority filter; policy drop;
    ip saddr @${GARDEN_SET} accept
  }
}
`;
}

export function installGarden(netns: string, apIface: string, portalPort = 80): Promise<string> {
  return run("nftables ruleset", "nft", ["-f", "-"], { netns, input: gardenRuleset(apIface, portalPort) });
}

/**
 * Adds or removes a client in the set. Run by the portal process from inside the
 * namespace, so no `ip netns exec` is needed. Non-IPv4 clients (loopback checks) are ignored.
 */
export async function setGardenMember(client: string, authorized: boolean, netns?: string): Promise<void> {
  if (!isIPv4(client)) return;
  const verb = authorized ? "add" : "delete";
  await run(
    `nft ${verb} element`,
    "nft",
    [verb, "element", "inet", GARDEN_TABLE, GARDEN_SET, `{ ${client} }`],
    {
      ...(netns === undefined ? {} : { netns }),
    },
  );
}

/** The addresses in the set (for tests and `serve`). */
export async function gardenMembers(netns: string): Promise<string[]> {
  const out = await run("nft list set", "nft", ["list", "set", "inet", GARDEN_TABLE, GARDEN_SET], { netns });
  const m = /elements = \{([^}]*)\}/.exec(out);
  return m?.[1] === undefined
    ? []
    : m[1]
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "");
}
