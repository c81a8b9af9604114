import { readFile } from "node:fs/promises";
import { type NetworkInterfaceInfo, networkInterfaces } from "node:os";

/** Where the link's address sits: what a pin needs of `ip -json address show dev <iface>`. */
export interface AddressOnLink {
  readonly ifindex: number;
  readonly prefixlen: number;
}

export interface LocalAddressSources {
  /** Default `os.networkInterfaces` (the kernel's address list, getifaddrs). */
  readonly interfaces?: () => NodeJS.Dict<NetworkInterfaceInfo[]>;
  /** Reads a file; default `fs.readFile` as UTF-8 (for `/sys/class/net/<iface>/ifindex`). */
  readonly read?: (path: string) => Promise<string>;
  /**
   * Asked when the address is on the interface but its index cannot be read here (sysfs
   * hidden or odd): `ip` then tells. Without it, no answer.
   */
  readonly fallback?: (iface: string, ipv4: string) => Promise<AddressOnLink | undefined>;
}

/** A kernel interface name (IFNAMSIZ 16 with the NUL; no slash, no whitespace, not . or ..). */
const IFNAME = /^(?!\.{1,2}$)[^/\s:]{1,15}$/;

/**
 * The index of `iface` and the prefix of `ipv4` on it in this process's own network
 * namespace, read without running `ip`: the pin runs before a join's first probe, and
 * starting a process there costs the login several milliseconds (tens on a loaded
 * machine). Undefined when the address is not on the interface (a made-up or stale join
 * event); `fallback`'s answer when the address is there but sysfs does not give the index.
 * An address with a label (`wlan0:1`) counts as the interface's, as `ip address show dev
 * wlan0` lists it.
 */
export async function localAddressOn(
  iface: string,
  ipv4: string,
  sources: LocalAddressSources = {},
): Promise<AddressOnLink | undefined> {
  if (!IFNAME.test(iface)) return undefined;
  const all = (sources.interfaces ?? networkInterfaces)();
  const entry = Object.entries(all)
    .filter(([name]) => name === iface || name.startsWith(`${iface}:`))
    .flatMap(([, list]) => list ?? [])
    .find((a) => a.family === "IPv4" && a.address === ipv4);
  if (!entry) return undefined;
  const prefixlen = entry.cidr === null ? 32 : Number(entry.cidr.slice(entry.cidr.indexOf("/") + 1));
  if (!Number.isInteger(prefixlen) || prefixlen < 0 || prefixlen > 32) return undefined;
  const read = sources.read ?? ((path: string) => readFile(path, "utf8"));
  const text = await read(`/sys/class/net/${iface}/ifindex`).catch(() => "");
  const ifindex = Number(text.trim());
  if (text.trim() === "" || !Number.isInteger(ifindex) || ifindex <= 0)
    return sources.fallback?.(iface, ipv4);
  return { ifindex, prefixlen };
}
