import { isIPv4 } from "node:net";
import type { LinkFacts } from "../networkmanager/link.ts";
import { captivePortalFromDhcp } from "../networkmanager/link.ts";

/**
 * Our reading of `nmcli --terse --fields <DEVICE_SHOW_FIELDS> device show`: one block per
 * device, blocks separated by a blank line, each line `SECTION.FIELD[:n]:value`. In this
 * multi-line terse mode nmcli does not escape values, so a line is split at its first colon
 * only (names never contain one).
 */
export const DEVICE_SHOW_FIELDS = [
  "GENERAL.DEVICE",
  "GENERAL.TYPE",
  "GENERAL.STATE",
  "IP4.ADDRESS",
  "IP4.GATEWAY",
  "IP4.DNS",
  "DHCP4.OPTION",
] as const;

export const deviceShowArgs = (): string[] => [
  "--terse",
  "--fields",
  DEVICE_SHOW_FIELDS.join(","),
  "device",
  "show",
];

/** A device as nmcli shows it. */
export interface NmcliDevice {
  readonly iface: string;
  /** `wifi`, `ethernet`, … */
  readonly type: string;
  /** NMDeviceState (100 = activated), or -1 when nmcli printed none we could read. */
  readonly state: number;
  readonly link: LinkFacts;
}

const LINE_RE = /^([A-Z0-9-]+\.[A-Z0-9-]+)(?:\[\d+\])?:(.*)$/;

function blockToDevice(lines: readonly string[]): NmcliDevice | undefined {
  let iface = "";
  let type = "";
  let state = -1;
  let ipv4: string | undefined;
  let gateway: string | undefined;
  const dns: string[] = [];
  const options: Record<string, string> = {};
  let inDhcp = false;
  for (const line of lines) {
    // A value with an embedded newline continues on a line of its own: not ours to guess.
    const m = LINE_RE.exec(line);
    if (!m) continue;
    const [, name, value = ""] = m;
    // DHCP options are the last section and come from the network: a newline in one could
    // forge lines, so after the first option only further options count, and the
    // GENERAL fields keep their first value.
    if (inDhcp && name !== "DHCP4.OPTION") continue;
    switch (name) {
      case "GENERAL.DEVICE":
        if (iface === "") iface = value;
        break;
      case "GENERAL.TYPE":
        if (type === "") type = value;
        break;
      case "GENERAL.STATE":
        if (state === -1 && /^\d+\b/.test(value)) state = Number.parseInt(value, 10);
        break;
      case "IP4.ADDRESS": {
        const address = value.split("/")[0] ?? "";
        if (ipv4 === undefined && isIPv4(address)) ipv4 = address;
        break;
      }
      case "IP4.GATEWAY":
        if (gateway === undefined && isIPv4(value)) gateway = value;
        break;
      case "IP4.DNS":
        if (isIPv4(value)) dns.push(value);
        break;
      case "DHCP4.OPTION": {
        inDhcp = true;
        const eq = value.indexOf(" = ");
        if (eq > 0) options[value.slice(0, eq)] = value.slice(eq + 3);
        break;
      }
    }
  }
  if (!/^[^\s:/]{1,15}$/.test(iface)) return undefined;
  const uri = captivePortalFromDhcp({ Options: options });
  const link: LinkFacts = {
    ...(ipv4 === undefined ? {} : { ipv4 }),
    ...(gateway === undefined ? {} : { gateway }),
    ...(dns.length > 0 ? { dns: Object.freeze(dns) } : {}),
    ...(uri === undefined ? {} : { captivePortalUri: uri }),
  };
  return Object.freeze({ iface, type, state, link: Object.freeze(link) });
}

/**
 * Every device in the output; blocks without a usable interface name are skipped, and of
 * two blocks naming the same interface the first (nmcli's own) wins over a forged one.
 */
export function parseDeviceShow(stdout: string): NmcliDevice[] {
  const devices: NmcliDevice[] = [];
  let block: string[] = [];
  const flush = (): void => {
    const d = block.length > 0 ? blockToDevice(block) : undefined;
    if (d && !devices.some((x) => x.iface === d.iface)) devices.push(d);
    block = [];
  };
  for (const line of stdout.split("\n")) {
    if (line === "") flush();
    else block.push(line);
  }
  flush();
  return devices;
}
