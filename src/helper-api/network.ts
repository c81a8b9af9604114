/** Wi-Fi security as the scan fixture format and the SDK name it. */
export const SECURITIES = [
  "open",
  "owe",
  "wep",
  "wpa-psk",
  "wpa2-psk",
  "wpa3-sae",
  "wpa2-eap",
  "wpa3-eap",
] as const;
export type Security = (typeof SECURITIES)[number];

/** Only `open` carries no link-layer protection; OWE encrypts without authentication. */
export function isSecure(security: Security): boolean {
  return security !== "open";
}

export const BSSID_RE = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/;

/**
 * One access point seen in a scan. Plain data: it crosses the daemon/plugin boundary and
 * may later cross a worker or process boundary. Every hook call gets its own deeply
 * frozen copy, with SSID bytes of its own (a Uint8Array cannot be frozen): a plugin that
 * writes into `ssid` changes only its copy, never the daemon's or another plugin's.
 */
export interface ScannedNetwork {
  /** The SSID's exact bytes (0–32). */
  readonly ssid: Uint8Array;
  /** The SSID as text, invalid UTF-8 replaced with U+FFFD. For display and regex claims only. */
  readonly ssidText: string;
  /** The SSID's bytes in lower-case hex. */
  readonly ssidHex: string;
  /** Lower-case colon-separated MAC of the access point. */
  readonly bssid: string;
  /** Signal strength in percent, 0–100 (NetworkManager's `Strength`). */
  readonly strength: number;
  /** Signal strength 0..1, Apple's `signalStrength`. */
  readonly signal: number;
  /** Channel centre frequency in MHz. */
  readonly frequency: number;
  readonly security: Security;
  /** True unless `security` is `open` (Apple's `isSecure`). */
  readonly isSecure: boolean;
}

/** A network the device has joined: the scan facts plus the link's facts. */
export interface JoinedNetwork extends ScannedNetwork {
  /** Kernel interface name, e.g. `wlan0`. */
  readonly interface: string;
  /** True for the evaluate/authenticate after a fresh join, false for periodic maintain (Apple's didJustJoin). */
  readonly justJoined: boolean;
  /**
   * True when the scan source knows the join was automatic rather than chosen by the user
   * (Apple's didAutoJoin). NetworkManager does not say who started a connection, so with it
   * this is always false; do not read false as "the user chose this network".
   */
  readonly autoJoined: boolean;
  /** IPv4 address of the interface, when known. */
  readonly ipv4?: string;
  /** IPv4 default gateway, when known. */
  readonly gateway?: string;
  /** DNS servers of this link. */
  readonly dns?: readonly string[];
  /** RFC 8910 captive-portal API URI from DHCP option 114, when a DHCP client provided it. */
  readonly captivePortalUri?: string;
}

export interface NetworkFacts {
  readonly ssid: Uint8Array;
  readonly bssid: string;
  readonly strength: number;
  readonly frequency: number;
  readonly security: Security;
}

/** Builds the frozen ScannedNetwork from raw facts, deriving text, hex, signal and isSecure. */
export function scannedNetwork(f: NetworkFacts): ScannedNetwork {
  const ssid = Uint8Array.from(f.ssid);
  return Object.freeze({
    ssid,
    ssidText: new TextDecoder("utf-8", { fatal: false }).decode(ssid),
    ssidHex: Buffer.from(ssid).toString("hex"),
    bssid: f.bssid.toLowerCase(),
    strength: f.strength,
    signal: Math.max(0, Math.min(1, f.strength / 100)),
    frequency: f.frequency,
    security: f.security,
    isSecure: isSecure(f.security),
  });
}
