import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { hotspotError } from "../../errors.ts";
import { run } from "./exec.ts";

/**
 * ISC dhclient in the client namespace, the DHCP client that can ask for RFC 8910's option
 * 114 (declared as `captive-portal`, which dhclient exports as `new_captive_portal`). Its
 * own dhclient-script would rewrite the host's /etc/resolv.conf, so it runs with a script
 * of ours that only records the lease; we apply the address and route, and give the
 * namespace its resolver through /etc/netns/<ns>/resolv.conf.
 */

export interface Lease {
  readonly address: string;
  readonly prefix: number;
  readonly router: string | undefined;
  readonly dns: readonly string[];
  /** Option 114, when the server sent it. */
  readonly captivePortal: string | undefined;
  /** Every `new_*` variable dhclient exported, for diagnostics. */
  readonly raw: Readonly<Record<string, string>>;
}

const SCRIPT = `#!/bin/sh
# Records the lease for the harness; never touches the host's network configuration.
case "$reason" in
  PREINIT) ip link set dev "$interface" up ;;
  BOUND|RENEW|REBIND|REBOOT) env | grep '^new_' > "$HH_LEASE_FILE.tmp" && mv "$HH_LEASE_FILE.tmp" "$HH_LEASE_FILE" ;;
esac
exit 0
`;

const CONF = `option captive-portal code 114 = text;
request subnet-mask, broadcast-address, routers, domain-name-servers, captive-portal;
timeout 20;
`;

function prefixOf(mask: string): number {
  return mask
    .split(".")
    .map((o) => Number(o).toString(2))
    .join("")
    .split("")
    .filter((b) => b === "1").length;
}

function parseLease(text: string): Lease {
  const raw: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) raw[line.slice(0, eq)] = line.slice(eq + 1).replace(/^'(.*)'$/, "$1");
  }
  const address = raw.new_ip_address;
  if (address === undefined) {
    throw hotspotError("HH_HARNESS_NETNS_FAILED", {
      step: "dhclient lease",
      reason: "no address in the lease",
    });
  }
  return {
    address,
    prefix: prefixOf(raw.new_subnet_mask ?? "255.255.255.0"),
    router: raw.new_routers?.split(" ")[0],
    dns: (raw.new_domain_name_servers ?? "").split(" ").filter((s) => s !== ""),
    captivePortal: raw.new_captive_portal,
    raw,
  };
}

/**
 * Runs one DHCP exchange on `iface` in `netns` and applies the lease. dhclient stays
 * behind as a daemon to renew; its PID is in the returned file, for teardown.
 */
export async function acquireLease(opts: {
  netns: string;
  iface: string;
  dir: string;
}): Promise<Lease & { pidFile: string }> {
  const dir = join(opts.dir, "dhclient");
  await mkdir(dir, { recursive: true });
  const script = join(dir, "script.sh");
  const conf = join(dir, "dhclient.conf");
  const leaseEnv = join(dir, "lease.env");
  const pidFile = join(dir, "dhclient.pid");
  await writeFile(script, SCRIPT);
  await chmod(script, 0o755);
  await writeFile(conf, CONF);
  await run(
    "dhclient",
    "dhclient",
    [
      "-4",
      "-1",
      "-e",
      `HH_LEASE_FILE=${leaseEnv}`,
      "-sf",
      script,
      "-cf",
      conf,
      "-lf",
      join(dir, "dhclient.leases"),
      "-pf",
      pidFile,
      opts.iface,
    ],
    { netns: opts.netns, timeoutMs: 30_000 },
  );
  const lease = parseLease(await readFile(leaseEnv, "utf8"));
  await run(
    "lease address",
    "ip",
    ["addr", "replace", `${lease.address}/${lease.prefix}`, "dev", opts.iface],
    {
      netns: opts.netns,
    },
  );
  if (lease.router !== undefined) {
    await run("lease route", "ip", ["route", "replace", "default", "via", lease.router, "dev", opts.iface], {
      netns: opts.netns,
    });
  }
  const etc = join("/etc/netns", opts.netns);
  await mkdir(etc, { recursive: true });
  await writeFile(join(etc, "resolv.conf"), lease.dns.map((d) => `nameserver ${d}\n`).join(""));
  return { ...lease, pidFile };
}
