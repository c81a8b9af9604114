import type { Security } from "../../helper-api/network.ts";
import { AP_FLAGS_PRIVACY, AP_SEC } from "./constants.ts";

export interface ApSecurityFlags {
  readonly flags: number;
  readonly wpaFlags: number;
  readonly rsnFlags: number;
}

/**
 * Classifies an access point's security from NetworkManager's Flags/WpaFlags/RsnFlags the way
 * nmcli does. Mixed modes resolve to what every client can join: WPA2/WPA3 transition
 * (PSK + SAE) is `wpa2-psk`; OWE transition networks advertise an open BSS and an OWE BSS,
 * and each is classified by its own flags.
 */
export function securityFromFlags({ flags, wpaFlags, rsnFlags }: ApSecurityFlags): Security {
  const either = wpaFlags | rsnFlags;
  if (rsnFlags & AP_SEC.keyMgmtEapSuiteB192) return "wpa3-eap";
  if (either & AP_SEC.keyMgmt8021x) return "wpa2-eap";
  if (rsnFlags & AP_SEC.keyMgmtSae && !(either & AP_SEC.keyMgmtPsk)) return "wpa3-sae";
  if (rsnFlags & AP_SEC.keyMgmtPsk) return "wpa2-psk";
  if (wpaFlags & AP_SEC.keyMgmtPsk) return "wpa-psk";
  if (rsnFlags & (AP_SEC.keyMgmtOwe | AP_SEC.keyMgmtOweTm)) return "owe";
  if (flags & AP_FLAGS_PRIVACY) return either === 0 ? "wep" : "wpa2-psk";
  return "open";
}

/** The flags an access point with this security would advertise (for the simulator). */
export function flagsForSecurity(security: Security): ApSecurityFlags {
  const ccmp = 0x8 | 0x80;
  switch (security) {
    case "open":
      return { flags: 0, wpaFlags: 0, rsnFlags: 0 };
    case "owe":
      return { flags: 0, wpaFlags: 0, rsnFlags: ccmp | AP_SEC.keyMgmtOwe };
    case "wep":
      return { flags: AP_FLAGS_PRIVACY, wpaFlags: 0, rsnFlags: 0 };
    case "wpa-psk":
      return { flags: AP_FLAGS_PRIVACY, wpaFlags: 0x4 | 0x40 | AP_SEC.keyMgmtPsk, rsnFlags: 0 };
    case "wpa2-psk":
      return { flags: AP_FLAGS_PRIVACY, wpaFlags: 0, rsnFlags: ccmp | AP_SEC.keyMgmtPsk };
    case "wpa3-sae":
      return { flags: AP_FLAGS_PRIVACY, wpaFlags: 0, rsnFlags: ccmp | AP_SEC.keyMgmtSae };
    case "wpa2-eap":
      return { flags: AP_FLAGS_PRIVACY, wpaFlags: 0, rsnFlags: ccmp | AP_SEC.keyMgmt8021x };
    case "wpa3-eap":
      return { flags: AP_FLAGS_PRIVACY, wpaFlags: 0, rsnFlags: ccmp | AP_SEC.keyMgmtEapSuiteB192 };
  }
}
