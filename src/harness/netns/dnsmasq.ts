import { type ChildProcess, spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { hotspotError } from "../../errors.ts";
import { ADDRESSES } from "./names.ts";

/**
 * dnsmasq as the hotspot's DHCP and DNS server: DHCP with RFC 8910's option 114 forced
 * (`dhcp-option-force`, so it is sent even to clients that do not ask, as NetworkManager's
 * internal client never does), and DNS answering every name with the portal's address.
 * It runs in the foreground as our child, logging to stderr, which we keep for tests.
 */

export interface Dnsmasq {
  /** Everything dnsmasq logged so far (DHCPDISCOVER/OFFER/REQUEST/ACK lines with log-dhcp). */
  readonly log: () => string;
  readonly process: ChildProcess;
}

export function dnsmasqConfig(opts: { iface: string; dir: string; apiUrl: string | undefined }): string {
  const ap = ADDRESSES.ap;
  return [
    `interface=${opts.iface}`,
    "bind-interfaces",
    "keep-in-foreground",
    "no-resolv",
    "no-hosts",
    "no-poll",
    "user=root",
    "log-facility=-",
    "log-dhcp",
    "dhcp-authoritative",
    `address=/#/${ap}`,
    `dhcp-range=${ADDRESSES.dhcpFirst},${ADDRESSES.dhcpLast},255.255.255.0,1h`,
    `dhcp-option=option:router,${ap}`,
    `dhcp-option=option:dns-server,${ap}`,
    ...(opts.apiUrl === undefined ? [] : [`dhcp-option-force=114,"${opts.apiUrl}"`]),
    `dhcp-leasefile=${join(opts.dir, "dnsmasq.leases")}`,
    "pid-file=",
    "",
  ].join("\n");
}

/** Starts dnsmasq in `netns`; resolves once it reports that it started. */
export async function startDnsmasq(opts: {
  netns: string;
  iface: string;
  dir: string;
  apiUrl: string | undefined;
}): Promise<Dnsmasq> {
  const conf = join(opts.dir, "dnsmasq.conf");
  await writeFile(conf, dnsmasqConfig(opts));
  const child = spawn("ip", ["netns", "exec", opts.netns, "dnsmasq", `--conf-file=${conf}`], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  child.stderr?.setEncoding("utf8");
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => fail("no 'started' line within 10 s"), 10_000);
    const fail = (reason: string) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(
        hotspotError("HH_HARNESS_NETNS_FAILED", { step: "dnsmasq", reason: `${reason}\n${log}`.trim() }),
      );
    };
    child.once("error", (e) => fail(e.message));
    child.once("exit", (code) => fail(`exited with ${code}`));
    child.stderr?.on("data", (chunk: string) => {
      log += chunk;
      if (/started, version/.test(log) && /DHCP, IP range/.test(log)) {
        clearTimeout(timer);
        child.removeAllListeners("exit");
        child.removeAllListeners("error");
        resolve();
      }
    });
  });
  return { log: () => log, process: child };
}
