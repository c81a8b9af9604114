import { DBusError, type Variant } from "@jellybrick/dbus-next";
import type { Security } from "../../helper-api/network.ts";
import { type BusConnection, openBus } from "../../scan/dbus/bus.ts";
import {
  type Connectivity,
  connectivityNumber,
  DEVICE_TYPE_WIFI,
  DeviceState,
  IFACE,
  NM_BUS_NAME,
  NM_ERRORS,
  NM_PATH,
  NO_OBJECT,
} from "../../scan/networkmanager/constants.ts";
import { flagsForSecurity } from "../../scan/networkmanager/security.ts";
import { Activation, type SimJoinOptions } from "./activation.ts";
import { SimObjects } from "./objects.ts";
import { createMethodHandler } from "./service.ts";

export type { SimJoinOptions } from "./activation.ts";

export interface SimulatedNetworkManagerOptions {
  /** The bus to serve on (a private dbus-daemon's address). */
  readonly busAddress: string;
  /** Object numbers start here (a "restarted" NetworkManager renumbers its objects). Default 1. */
  readonly firstObjectNumber?: number;
  /** Initial global connectivity. Default `none`. */
  readonly connectivity?: Connectivity;
  /**
   * NetworkManager's `ConnectivityCheckUri` (its `[connectivity] uri`); "" means no check is
   * configured (then `ConnectivityCheckAvailable` is false, as in NetworkManager). Default
   * `http://portal.invalid/check`.
   */
  readonly connectivityCheckUri?: string;
  /**
   * Builds the initial world before the bus name is taken, so clients see it complete at
   * once (as with a NetworkManager that restarts while a device stays connected).
   */
  readonly setup?: (sim: SimulatedNetworkManager) => void | Promise<void>;
}

export interface SimAccessPoint {
  /** Text (UTF-8 encoded) or exact bytes. */
  readonly ssid: string | Uint8Array;
  readonly bssid: string;
  readonly strength?: number;
  readonly frequency?: number;
  readonly security?: Security;
}

/**
 * What `RequestScan` does: `complete` finishes a scan after `delayMs` (APs unchanged, LastScan
 * updated); `rate-limit` and `deny` answer with NetworkManager's errors; `ignore` accepts and
 * never completes.
 */
export interface ScanBehaviour {
  readonly mode: "complete" | "rate-limit" | "deny" | "ignore";
  readonly delayMs?: number;
}

const BOOT_OFFSET_MS = 1_000_000;
const DEFAULT_CHECK_URI = "http://portal.invalid/check";

/**
 * A NetworkManager of our own on any bus, exporting the subset hotspot-helper reads (Manager,
 * Device, Device.Wireless, AccessPoint, Connection.Active, IP4Config, DHCP4Config and the
 * ObjectManager), scriptable from code: add and remove devices and access points, complete
 * scans, join (40→50→70→100), roam, leave, set connectivity, hand out DHCP option 114.
 */
export class SimulatedNetworkManager {
  readonly busAddress: string;
  readonly objects: SimObjects;
  readonly #conn: BusConnection;
  readonly #devices = new Map<string, string>();
  readonly #calls = new Map<string, number>();
  readonly #activation: Activation;
  #next: number;
  #scan: ScanBehaviour = { mode: "complete", delayMs: 0 };
  #checkConnectivity: (() => Connectivity | Promise<Connectivity>) | undefined;
  #timers = new Set<NodeJS.Timeout>();

  private constructor(conn: BusConnection, options: SimulatedNetworkManagerOptions) {
    const checkUri = options.connectivityCheckUri ?? DEFAULT_CHECK_URI;
    this.busAddress = options.busAddress;
    this.#conn = conn;
    this.#next = options.firstObjectNumber ?? 1;
    this.objects = new SimObjects((m) => conn.bus.send(m));
    this.#activation = new Activation(
      this.objects,
      () => this.#next++,
      (ms) => this.#delay(ms),
    );
    conn.bus.addMethodHandler(
      createMethodHandler(
        this.objects,
        {
          getDevices: () => [...this.#devices.values()],
          requestScan: (path) => this.#requestScan(path),
          checkConnectivity: async () => {
            if (this.#checkConnectivity) this.setConnectivity(await this.#checkConnectivity());
            return Number(this.objects.get(NM_PATH, IFACE.manager, "Connectivity") ?? 0);
          },
          disconnect: (path) => this.leave(this.#ifaceOf(path)),
          settings: (path) => this.#activation.settings(path),
          called: (m) => this.#calls.set(m, (this.#calls.get(m) ?? 0) + 1),
        },
        // A call answered after stop() (a client's last request racing the shutdown) is dropped:
        // dbus-next throws on a closed stream, from a promise callback nobody can catch.
        (m) => {
          if (!conn.closed) conn.bus.send(m);
        },
      ),
    );
    this.objects.add(NM_PATH, {
      [IFACE.manager]: {
        Devices: [],
        AllDevices: [],
        ActiveConnections: [],
        PrimaryConnection: NO_OBJECT,
        State: 20,
        Connectivity: connectivityNumber(options.connectivity ?? "none"),
        ConnectivityCheckAvailable: checkUri !== "",
        ConnectivityCheckEnabled: true,
        ConnectivityCheckUri: checkUri,
        NetworkingEnabled: true,
        WirelessEnabled: true,
        Version: "1.42.4-hotspot-sim",
      },
    });
  }

  /** Connects to the bus and takes `org.freedesktop.NetworkManager`. */
  static async start(options: SimulatedNetworkManagerOptions): Promise<SimulatedNetworkManager> {
    const conn = await openBus(options.busAddress);
    const sim = new SimulatedNetworkManager(conn, options);
    await options.setup?.(sim);
    sim.objects.flush();
    const [reply] = await conn.call({
      destination: "org.freedesktop.DBus",
      path: "/org/freedesktop/DBus",
      interface: "org.freedesktop.DBus",
      member: "RequestName",
      signature: "su",
      body: [NM_BUS_NAME, 4],
    });
    if (reply !== 1) {
      conn.close();
      throw new Error(`simulated NetworkManager: ${NM_BUS_NAME} is taken on ${options.busAddress}`);
    }
    return sim;
  }

  /** Leaves the bus (the name's owner changes, as when NetworkManager stops). */
  async stop(): Promise<void> {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.objects.releaseHeld();
    this.objects.flush();
    this.#conn.close();
  }

  /** How often a method ("Interface.Member", e.g. `org.freedesktop.NetworkManager.Device.Wireless.RequestScan`) was called. */
  calls(member: string): number {
    return this.#calls.get(member) ?? 0;
  }

  devicePath(iface: string): string {
    const p = this.#devices.get(iface);
    if (!p) throw new Error(`simulated NetworkManager: no device ${iface}`);
    return p;
  }

  addWifiDevice(iface = "wlan0", hwAddress = "02:00:00:00:01:00"): string {
    const path = `${NM_PATH}/Devices/${this.#next++}`;
    this.objects.add(path, {
      [IFACE.device]: {
        Interface: iface,
        IpInterface: iface,
        Driver: "hotspot-sim",
        DeviceType: DEVICE_TYPE_WIFI,
        State: DeviceState.disconnected,
        StateReason: [DeviceState.disconnected, 0],
        ActiveConnection: NO_OBJECT,
        Ip4Config: NO_OBJECT,
        Dhcp4Config: NO_OBJECT,
        Managed: true,
        HwAddress: hwAddress.toUpperCase(),
        Ip4Connectivity: 0,
      },
      [IFACE.wireless]: {
        HwAddress: hwAddress.toUpperCase(),
        PermHwAddress: hwAddress.toUpperCase(),
        Mode: 2,
        Bitrate: 0,
        AccessPoints: [],
        ActiveAccessPoint: NO_OBJECT,
        WirelessCapabilities: 0x1ff,
        LastScan: -1,
      },
    });
    this.#devices.set(iface, path);
    this.#setManagerList("Devices", [...this.#devices.values()]);
    this.#setManagerList("AllDevices", [...this.#devices.values()]);
    this.objects.signal(NM_PATH, IFACE.manager, "DeviceAdded", "o", [path]);
    return path;
  }

  /** Removes a device and its access points (a USB adapter pulled out). */
  removeDevice(iface: string): void {
    const path = this.devicePath(iface);
    const aps = this.#aps(path);
    this.#devices.delete(iface);
    this.#setManagerList("Devices", [...this.#devices.values()]);
    this.#setManagerList("AllDevices", [...this.#devices.values()]);
    this.objects.signal(NM_PATH, IFACE.manager, "DeviceRemoved", "o", [path]);
    this.#activation.forget(path);
    this.objects.remove(path);
    for (const ap of aps) this.objects.remove(ap);
  }

  addAccessPoint(iface: string, ap: SimAccessPoint): string {
    const dev = this.devicePath(iface);
    const path = `${NM_PATH}/AccessPoint/${this.#next++}`;
    const f = flagsForSecurity(ap.security ?? "open");
    this.objects.add(path, {
      [IFACE.accessPoint]: {
        Flags: f.flags,
        WpaFlags: f.wpaFlags,
        RsnFlags: f.rsnFlags,
        Ssid: typeof ap.ssid === "string" ? new TextEncoder().encode(ap.ssid) : ap.ssid,
        Frequency: ap.frequency ?? 2412,
        HwAddress: ap.bssid.toUpperCase(),
        Mode: 2,
        MaxBitrate: 54_000,
        Strength: ap.strength ?? 50,
        LastSeen: Math.floor(this.bootTimeMs() / 1000),
      },
    });
    this.objects.signal(dev, IFACE.wireless, "AccessPointAdded", "o", [path]);
    this.objects.set(dev, IFACE.wireless, "AccessPoints", [...this.#aps(dev), path]);
    return path;
  }

  updateAccessPoint(path: string, change: { strength?: number; lastSeen?: number }): void {
    if (change.strength !== undefined) this.objects.set(path, IFACE.accessPoint, "Strength", change.strength);
    const lastSeen = change.lastSeen ?? Math.floor(this.bootTimeMs() / 1000);
    this.objects.set(path, IFACE.accessPoint, "LastSeen", lastSeen);
  }

  removeAccessPoint(path: string): void {
    for (const dev of this.#devices.values()) {
      const aps = this.#aps(dev);
      if (!aps.includes(path)) continue;
      this.objects.set(
        dev,
        IFACE.wireless,
        "AccessPoints",
        aps.filter((p) => p !== path),
      );
      this.objects.signal(dev, IFACE.wireless, "AccessPointRemoved", "o", [path]);
    }
    this.objects.remove(path);
  }

  /** Marks a scan of `iface` complete now (LastScan), as NetworkManager does after its APs are updated. */
  completeScan(iface: string): void {
    this.objects.set(this.devicePath(iface), IFACE.wireless, "LastScan", this.bootTimeMs());
  }

  setScanBehaviour(b: ScanBehaviour): void {
    this.#scan = b;
  }

  /** Activates `iface` on an access point: 40→50→70→100 with link objects; resolves at ACTIVATED. */
  join(iface: string, apPath: string, options: SimJoinOptions = {}): Promise<void> {
    return this.#activation.join(this.devicePath(iface), apPath, options);
  }

  /** Same connection, new access point (state stays ACTIVATED). */
  roam(iface: string, apPath: string): void {
    this.#activation.roam(this.devicePath(iface), apPath);
  }

  /** Deactivates: 110 → 30, link objects gone. */
  leave(iface: string): Promise<void> {
    return this.#activation.leave(this.devicePath(iface));
  }

  /** Sets global connectivity (and the device's Ip4Connectivity when `iface` is given). */
  setConnectivity(c: Connectivity, iface?: string): void {
    this.objects.set(NM_PATH, IFACE.manager, "Connectivity", connectivityNumber(c));
    if (iface)
      this.objects.set(this.devicePath(iface), IFACE.device, "Ip4Connectivity", connectivityNumber(c));
  }

  /**
   * Changes `ConnectivityCheckUri` (NetworkManager reloading its config): clients see it in
   * PropertiesChanged; "" means no check configured.
   */
  setConnectivityCheckUri(uri: string): void {
    this.objects.set(NM_PATH, IFACE.manager, "ConnectivityCheckUri", uri);
    this.objects.set(NM_PATH, IFACE.manager, "ConnectivityCheckAvailable", uri !== "");
  }

  /** What CheckConnectivity finds (default: the current value). */
  onCheckConnectivity(fn: (() => Connectivity | Promise<Connectivity>) | undefined): void {
    this.#checkConnectivity = fn;
  }

  /** Puts any value, even a malformed one, into a property (batched like any change). */
  setRawProperty(path: string, iface: string, name: string, value: Variant): void {
    this.objects.setVariant(path, iface, name, value);
  }

  /**
   * Holds back the PropertiesChanged batches of the object at `path` until NetworkManager
   * answers its next method call (from anyone). Older NetworkManager (before its 2018 D-Bus
   * rework) sent each object's batch from an idle callback of its own, so a device's LastScan
   * could reach a client ahead of AP changes made before it, possibly in a later socket read;
   * what it does guarantee is that what it queued goes out before it answers a call it reads
   * afterwards. This is that worst case, made deterministic.
   */
  holdPropertiesChanged(path: string): void {
    this.objects.hold(path);
  }

  /** Resolves once queued PropertiesChanged signals (other than held ones) have been sent. */
  flushed(): Promise<void> {
    return this.objects.flushed();
  }

  /** NetworkManager's clock: CLOCK_BOOTTIME milliseconds. */
  bootTimeMs(): number {
    return BOOT_OFFSET_MS + Math.round(performance.now());
  }

  #aps(dev: string): string[] {
    const v = this.objects.get(dev, IFACE.wireless, "AccessPoints");
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  }

  #ifaceOf(path: string): string {
    for (const [iface, p] of this.#devices) if (p === path) return iface;
    throw new DBusError("org.freedesktop.DBus.Error.UnknownObject", `no device ${path}`);
  }

  #setManagerList(name: "Devices" | "AllDevices", paths: string[]): void {
    this.objects.set(NM_PATH, IFACE.manager, name, paths);
  }

  #requestScan(path: string): void {
    const b = this.#scan;
    if (b.mode === "rate-limit") {
      throw new DBusError(NM_ERRORS.notAllowed, "Scanning not allowed immediately following previous scan");
    }
    if (b.mode === "deny")
      throw new DBusError(NM_ERRORS.permissionDenied, "Not authorized to request a Wi-Fi scan");
    if (b.mode === "ignore") return;
    const iface = this.#ifaceOf(path);
    void this.#delay(b.delayMs ?? 0).then(() => {
      if (this.#devices.get(iface) === path) this.completeScan(iface);
    });
  }

  #delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (ms <= 0) {
        setImmediate(resolve);
        return;
      }
      const t = setTimeout(() => {
        this.#timers.delete(t);
        resolve();
      }, ms);
      this.#timers.add(t);
    });
  }
}
