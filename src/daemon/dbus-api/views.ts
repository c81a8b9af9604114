import { Variant } from "@jellybrick/dbus-next";
import type { AnnotatedNetwork } from "../../annotate/index.ts";
import type { SessionState } from "../states.ts";

/**
 * What the API says about networks, sessions and the daemon, and how each crosses the bus:
 * `a{sv}` dictionaries, so a key can be added later without breaking a caller, and so
 * gdbus/busctl users see named fields. Decoding (in the CLI) is in decode.ts.
 */

/** One access point a device saw, with the plugins claiming it. */
export interface NetworkView extends AnnotatedNetwork {
  readonly device: string;
}

/** One Wi-Fi device's portal session. Times are epoch milliseconds. */
export interface SessionView {
  readonly device: string;
  readonly state: SessionState;
  readonly ssid: string;
  readonly ssidHex: string;
  readonly bssid: string;
  /** The plugin that logged in (or is trying to); "" when none yet. */
  readonly provider: string;
  /** Why the session is in its state, in a few words; never contains secrets. */
  readonly reason: string;
  /** When the session entered its state. */
  readonly since: number;
  readonly authenticatedAt?: number;
  /** When the portal said the session ends (RFC 8908 seconds-remaining, WISPr, plugin). */
  readonly expiresAt?: number;
  readonly bytesRemaining?: number;
  readonly canExtend?: boolean;
  /** When the daemon runs maintain next. */
  readonly nextMaintainAt?: number;
  /** In PresentingUI: the page a person must open. */
  readonly uiUrl?: string;
  /** The plugin's display name, when a plugin is chosen. */
  readonly providerName?: string;
  /** Failed logins on this network since the last success. */
  readonly failedLogins?: number;
  /** The connection's MAC address policy (NetworkManager's cloned-mac-address). */
  readonly mac?: string;
  /** True when the MAC changes on every connect: the portal forgets the session. */
  readonly macChangesOnReconnect?: boolean;
}

/** The `UserActionRequired` signal: a person must open `url` to finish logging in. */
export interface UserActionView {
  readonly device: string;
  readonly ssid: string;
  /** The plugin's display name, e.g. "Example Café Wi-Fi". */
  readonly providerName: string;
  readonly url: string;
}

/** Where a plugin's hooks run and how that is going: the supervisor's state, or in-process. */
export const PLUGIN_RUN_STATES = [
  "idle",
  "starting",
  "ready",
  "backoff",
  "crashed",
  "quarantined",
  "in-process",
] as const;
export type PluginRunState = (typeof PLUGIN_RUN_STATES)[number];

/** One loaded plugin's process state; never its credentials or settings. */
export interface PluginStateView {
  readonly id: string;
  readonly state: PluginRunState;
  /** Processes started after a crash since the plugin was loaded. */
  readonly restarts: number;
  /** Crashes within the supervisor's current window. */
  readonly crashes: number;
  /**
   * Why its process last failed, in the supervisor's words (an HH_* message, or how the
   * process ended with the last error line it wrote), redacted with every credential.
   */
  readonly lastError?: string;
}

export interface StatusView {
  readonly version: string;
  readonly pid: number;
  readonly startedAt: number;
  /** The scan source, e.g. `networkmanager`. */
  readonly source: string;
  readonly plugins: readonly string[];
  readonly devices: readonly string[];
}

export type Dict = Record<string, Variant>;

const u = (n: number): Variant => new Variant("u", Math.max(0, Math.min(0xffffffff, Math.round(n))));
/** `t` values travel as bigint so no precision is lost above 2^53 on either side. */
const t = (n: number): Variant => new Variant("t", BigInt(Math.max(0, Math.round(n))));
const s = (v: string): Variant => new Variant("s", v);

export function networkDict(n: NetworkView): Dict {
  return {
    device: s(n.device),
    ssid: s(n.ssid),
    ssidHex: s(n.ssidHex),
    bssid: s(n.bssid),
    strength: u(n.strength),
    frequency: u(n.frequency),
    security: s(n.security),
    provider: s(n.provider?.pluginId ?? ""),
    providerName: s(n.provider?.displayName ?? ""),
    confidence: s(n.provider?.confidence ?? "none"),
    claims: new Variant(
      "a(sss)",
      n.claims.map((c) => [c.pluginId, c.displayName, c.confidence]),
    ),
  };
}

export function sessionDict(v: SessionView): Dict {
  const d: Dict = {
    device: s(v.device),
    state: s(v.state),
    ssid: s(v.ssid),
    ssidHex: s(v.ssidHex),
    bssid: s(v.bssid),
    provider: s(v.provider),
    reason: s(v.reason),
    since: t(v.since),
  };
  if (v.authenticatedAt !== undefined) d.authenticatedAt = t(v.authenticatedAt);
  if (v.expiresAt !== undefined) d.expiresAt = t(v.expiresAt);
  if (v.bytesRemaining !== undefined) d.bytesRemaining = t(v.bytesRemaining);
  if (v.canExtend !== undefined) d.canExtend = new Variant("b", v.canExtend);
  if (v.nextMaintainAt !== undefined) d.nextMaintainAt = t(v.nextMaintainAt);
  if (v.uiUrl !== undefined) d.uiUrl = s(v.uiUrl);
  if (v.providerName !== undefined) d.providerName = s(v.providerName);
  if (v.failedLogins !== undefined) d.failedLogins = u(v.failedLogins);
  if (v.mac !== undefined) d.mac = s(v.mac);
  if (v.macChangesOnReconnect !== undefined)
    d.macChangesOnReconnect = new Variant("b", v.macChangesOnReconnect);
  return d;
}

export function pluginStateDict(v: PluginStateView): Dict {
  const d: Dict = { id: s(v.id), state: s(v.state), restarts: u(v.restarts), crashes: u(v.crashes) };
  if (v.lastError !== undefined) d.lastError = s(v.lastError);
  return d;
}

export function statusDict(v: StatusView): Dict {
  return {
    version: s(v.version),
    pid: u(v.pid),
    startedAt: t(v.startedAt),
    source: s(v.source),
    plugins: new Variant("as", [...v.plugins]),
    devices: new Variant("as", [...v.devices]),
  };
}
