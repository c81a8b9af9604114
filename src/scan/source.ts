import type { EventEmitter } from "eventemitter3";
import type { JoinedNetwork, ScannedNetwork } from "../helper-api/network.ts";

/** A completed scan of one Wi-Fi device: the full list, not a delta. */
export interface ScanList {
  readonly device: string;
  readonly networks: readonly ScannedNetwork[];
  /** Epoch ms when the scan completed. */
  readonly at: number;
}

/** The device reached "activated" on an access point. */
export interface JoinEvent {
  readonly device: string;
  readonly network: JoinedNetwork;
}

/** The device left the network (disconnect, device removed, or another SSID). */
export interface LeaveEvent {
  readonly device: string;
  /** The network that was left. */
  readonly network: JoinedNetwork;
  readonly reason: "disconnected" | "device-removed" | "switched" | "source-stopped";
}

/** Same SSID, new BSSID: the session carries over. */
export interface RoamEvent {
  readonly device: string;
  readonly network: JoinedNetwork;
  readonly previousBssid: string;
}

export interface ScanSourceEvents {
  scan: (list: ScanList) => void;
  join: (event: JoinEvent) => void;
  leave: (event: LeaveEvent) => void;
  roam: (event: RoamEvent) => void;
  /** A non-fatal problem (malformed data from the peer, a lost connection) worth logging. */
  warning: (error: Error) => void;
}

/**
 * Where scans and join/leave events come from: NetworkManager over D-Bus, node-wifi, or a
 * fixture. Typed events on eventemitter3; `on` returns the emitter, so use `off` or
 * `removeAllListeners` in `stop`.
 */
export interface ScanSource extends EventEmitter<ScanSourceEvents> {
  /** Short name for logs, e.g. `fixture:cafe.json` or `networkmanager`. */
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The latest scan of each device. */
  current(): readonly ScanList[];
  /** Ask for a fresh scan; resolves with the completed list(s). */
  rescan(): Promise<readonly ScanList[]>;
  /**
   * Optional: ask the system's network manager to re-check connectivity now (after a portal
   * login, so the desktop turns "online" at once). Resolves with the new global state.
   */
  checkConnectivity?(): Promise<"unknown" | "none" | "portal" | "limited" | "full">;
  /**
   * The network manager's own connectivity-check URL (NetworkManager's ConnectivityCheckUri),
   * when it has one: the daemon's default probe URL. Optional: not every backend knows it.
   */
  connectivityCheckUri?(): string | undefined;
  /**
   * Optional: how the connection active on `device` sets its MAC address (NetworkManager's
   * `cloned-mac-address` of its 802-11-wireless settings: `random`, `stable`, …, or
   * `default` when the connection leaves it unset). Undefined when nothing is active or the
   * backend cannot tell.
   */
  macAddressSetting?(device: string): Promise<string | undefined>;
  /**
   * Optional: calls `listener` whenever the network manager's view of connectivity changes
   * (a person finishing a portal login shows up here). Returns the disposer.
   */
  onConnectivity?(listener: () => void): () => void;
}
