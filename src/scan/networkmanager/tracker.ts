import type { JoinedNetwork } from "../../helper-api/network.ts";
import { bytesEqual } from "../../helper-api/ssid.ts";
import type { JoinEvent, LeaveEvent, RoamEvent, ScanList } from "../source.ts";
import { DeviceState, IFACE, NO_OBJECT } from "./constants.ts";
import { activeApPath, deviceNetworks, joinedNetwork, linkFacts, networkFromAp } from "./link.ts";
import type { Reader } from "./reader.ts";
import type { ObjectStore } from "./store.ts";

/**
 * Per Wi-Fi device: turns the stored picture into `scan`, `join`, `leave` and `roam` events.
 * Devices are keyed by interface name, not object path: NetworkManager renumbers its object
 * paths when it restarts, and a device that is still on the same network after a restart
 * must not produce a second join.
 */

/** Device and Wi-Fi properties that can start, end or move a connection. */
const LINK_KEYS = new Set([
  "State",
  "ActiveAccessPoint",
  "ActiveConnection",
  "Ip4Config",
  "Dhcp4Config",
  "Interface",
  "DeviceType",
  "(removed)",
]);

export interface TrackerSink {
  scan(list: ScanList): void;
  join(e: JoinEvent): void;
  leave(e: LeaveEvent): void;
  roam(e: RoamEvent): void;
}

interface Track {
  readonly iface: string;
  path: string;
  joined: JoinedNetwork | undefined;
  apPath: string | undefined;
  lastScan: number | undefined;
  /** Bumped per completed scan; only the newest one's barrier emits (coalescing). */
  scanSeq: number;
  running: boolean;
  again: boolean;
  settleTimer: NodeJS.Timeout | undefined;
}

export interface TrackerOptions {
  readonly now: () => number;
  /** Peers without `LastScan`: emit a scan this long after the last AP change. */
  readonly settleMs: number;
}

/** What the tracker asks of the reader (reader.ts). */
export type TrackerReader = Pick<Reader, "fetch" | "barrier" | "ensureReferenced">;

/** The objects a device's link facts come from, as the store holds the device now. */
function linkedObjects(store: ObjectStore, path: string): [string, string][] {
  const o = store.get(path);
  const refs: [string | undefined, string][] = [
    [o?.device?.ActiveConnection, IFACE.activeConnection],
    [o?.wireless?.ActiveAccessPoint, IFACE.accessPoint],
    [o?.device?.Ip4Config, IFACE.ip4Config],
    [o?.device?.Dhcp4Config, IFACE.dhcp4Config],
  ];
  return refs.flatMap(([p, iface]) => (p && p !== NO_OBJECT ? [[p, iface] as [string, string]] : []));
}

export class Tracker {
  readonly #store: ObjectStore;
  readonly #sink: TrackerSink;
  readonly #opts: TrackerOptions;
  readonly #tracks = new Map<string, Track>();
  #reader: TrackerReader | undefined;
  #epoch = 0;

  constructor(store: ObjectStore, sink: TrackerSink, opts: TrackerOptions) {
    this.#store = store;
    this.#sink = sink;
    this.#opts = opts;
  }

  /** Starts working against a (new) NetworkManager owner whose snapshot is in the store. */
  attach(reader: TrackerReader): void {
    this.#reader = reader;
    this.#epoch++;
    const live = new Set<string>();
    for (const path of this.#store.wifiDevicePaths()) {
      const track = this.#trackFor(path);
      if (!track) continue;
      live.add(track.iface);
      track.lastScan = this.#store.get(path)?.wireless?.LastScan;
      // The snapshot is complete: the first list goes out before the source reports ready.
      this.#sink.scan(this.#list(track));
      this.#reconcile(track);
    }
    for (const track of this.#tracks.values()) if (!live.has(track.iface)) this.#reconcile(track);
  }

  /** NetworkManager left the bus: hold everything (it usually comes back with the same links). */
  detach(): void {
    this.#reader = undefined;
    this.#epoch++;
    for (const t of this.#tracks.values()) clearTimeout(t.settleTimer);
  }

  /** Stops tracking, emitting `leave` (source-stopped) for joined devices. */
  stop(): void {
    this.detach();
    for (const t of this.#tracks.values()) {
      if (t.joined) this.#sink.leave({ device: t.iface, network: t.joined, reason: "source-stopped" });
    }
    this.#tracks.clear();
  }

  /** Something about the object at `path` changed (`keys` of interface `iface`). */
  changed(path: string, iface: string, keys: readonly string[]): void {
    if (!this.#reader) return;
    if (iface === IFACE.manager) {
      if (keys.includes("Devices")) this.#reconcileAll();
      return;
    }
    if (iface !== IFACE.device && iface !== IFACE.wireless) return;
    const track = this.#trackFor(path);
    if (!track) return;
    if (iface === IFACE.wireless && keys.includes("LastScan")) {
      const v = this.#store.get(path)?.wireless?.LastScan;
      // -1: NetworkManager has never completed a scan on this device.
      if (v !== undefined && v !== -1 && v !== track.lastScan) {
        track.lastScan = v;
        this.#emitScan(track);
      }
    }
    if (iface === IFACE.wireless && keys.includes("AccessPoints")) this.#settleWithoutLastScan(track);
    if (keys.some((k) => LINK_KEYS.has(k))) this.#reconcile(track);
  }

  /** The latest list of every Wi-Fi device, built from the store. */
  lists(): ScanList[] {
    const at = this.#opts.now();
    return this.#store.wifiDevicePaths().flatMap((path) => {
      const iface = this.#store.get(path)?.device?.Interface;
      return iface === undefined
        ? []
        : [Object.freeze({ device: iface, networks: deviceNetworks(this.#store, path), at })];
    });
  }

  /** Interface name → object path of the Wi-Fi devices we track. */
  devices(): Map<string, string> {
    return new Map([...this.#tracks.values()].map((t) => [t.iface, t.path]));
  }

  #trackFor(path: string): Track | undefined {
    const dev = this.#store.get(path)?.device;
    if (!dev || dev.Interface === undefined || !this.#store.wifiDevicePaths().includes(path)) {
      return [...this.#tracks.values()].find((t) => t.path === path);
    }
    let track = this.#tracks.get(dev.Interface);
    if (!track) {
      track = {
        iface: dev.Interface,
        path,
        joined: undefined,
        apPath: undefined,
        // What NetworkManager already reports is not a new scan: only a later change is.
        lastScan: this.#store.get(path)?.wireless?.LastScan,
        scanSeq: 0,
        running: false,
        again: false,
        settleTimer: undefined,
      };
      this.#tracks.set(dev.Interface, track);
    }
    track.path = path;
    return track;
  }

  #reconcileAll(): void {
    for (const path of this.#store.wifiDevicePaths()) this.#trackFor(path);
    for (const t of [...this.#tracks.values()]) this.#reconcile(t);
  }

  #settleWithoutLastScan(track: Track): void {
    if (this.#store.get(track.path)?.wireless?.LastScan !== undefined) return;
    clearTimeout(track.settleTimer);
    track.settleTimer = setTimeout(() => this.#emitScan(track), this.#opts.settleMs);
  }

  /**
   * One scan event per completed scan; scans that complete before it goes out are folded into
   * it. LastScan comes from the device, Strength and the like from each AP object, and older
   * NetworkManager (nm-exported-object, before its 2018 D-Bus rework) sent every object's
   * PropertiesChanged from an idle callback of its own, so the device's batch with LastScan
   * could go out ahead of AP batches queued before it (newer ones emit at once, in order).
   * Either way those batches are sent before NetworkManager reads a call of ours, and the bus
   * keeps its messages in order, so the event waits for one round trip: by its reply every AP
   * change of the burst has been applied, however the socket splits it. Waiting one turn of
   * our own event loop was not enough: under load the AP signals came in a later read and the
   * event carried the old Strength.
   */
  #emitScan(track: Track): void {
    const seq = ++track.scanSeq;
    const epoch = this.#epoch;
    const reader = this.#reader;
    if (!reader) return;
    void (async () => {
      await reader.barrier(track.path, IFACE.wireless, "LastScan");
      await reader.ensureReferenced();
      if (seq !== track.scanSeq || epoch !== this.#epoch || !this.#tracks.has(track.iface)) return;
      this.#sink.scan(this.#list(track));
    })();
  }

  #list(track: Track): ScanList {
    return Object.freeze({
      device: track.iface,
      networks: deviceNetworks(this.#store, track.path),
      at: this.#opts.now(),
    });
  }

  /** Serialised per device: a change during a run schedules one more run. */
  #reconcile(track: Track): void {
    if (track.running) {
      track.again = true;
      return;
    }
    track.running = true;
    void (async () => {
      try {
        do {
          track.again = false;
          await this.#reconcileOnce(track);
        } while (track.again);
      } finally {
        track.running = false;
      }
    })();
  }

  async #reconcileOnce(track: Track): Promise<void> {
    const epoch = this.#epoch;
    const reader = this.#reader;
    if (!reader) return;
    const present = this.#store.wifiDevicePaths().includes(track.path);
    if (!present) {
      if (track.joined)
        this.#sink.leave({ device: track.iface, network: track.joined, reason: "device-removed" });
      clearTimeout(track.settleTimer);
      this.#tracks.delete(track.iface);
      return;
    }
    const state = this.#store.get(track.path)?.device?.State;
    if (state !== DeviceState.activated) {
      if (track.joined) {
        const network = track.joined;
        track.joined = undefined;
        track.apPath = undefined;
        this.#sink.leave({ device: track.iface, network, reason: "disconnected" });
      }
      return;
    }
    const apNow = activeApPath(this.#store, track.path);
    if (track.joined && apNow !== undefined && apNow === track.apPath) return;
    // NetworkManager sends StateChanged at once but batches PropertiesChanged, so what we hold
    // for ActiveAccessPoint/Ip4Config may lag: re-read the device and its link objects first.
    await this.#refresh(reader, track.path);
    if (epoch !== this.#epoch || this.#store.get(track.path)?.device?.State !== DeviceState.activated) {
      track.again = true;
      return;
    }
    const apPath = activeApPath(this.#store, track.path);
    const net = networkFromAp(apPath ? this.#store.get(apPath)?.ap : undefined);
    if (!apPath || !net) return;
    const previous = track.joined;
    const joined = joinedNetwork(net, track.iface, linkFacts(this.#store, track.path));
    track.apPath = apPath;
    if (previous && bytesEqual(previous.ssid, joined.ssid)) {
      if (previous.bssid === joined.bssid) return;
      track.joined = { ...joined, justJoined: false };
      this.#sink.roam({ device: track.iface, network: track.joined, previousBssid: previous.bssid });
      return;
    }
    if (previous) this.#sink.leave({ device: track.iface, network: previous, reason: "switched" });
    track.joined = joined;
    this.#sink.join({ device: track.iface, network: joined });
  }

  /**
   * The objects the device refers to as we hold them are read in the same round trip as the
   * device itself: their paths usually arrived already (InterfacesAdded, StateChanged come at
   * once) and only their properties may lag. A reference the device's answer changes is read
   * after it; on a join this saves the login one round trip to NetworkManager.
   */
  async #refresh(reader: TrackerReader, path: string): Promise<void> {
    const held = linkedObjects(this.#store, path);
    await Promise.all([
      reader.fetch(path, IFACE.device),
      reader.fetch(path, IFACE.wireless),
      ...held.map(([p, iface]) => reader.fetch(p, iface)),
    ]);
    const read = new Set(held.map(([p, iface]) => `${p}|${iface}`));
    await Promise.all(
      linkedObjects(this.#store, path)
        .filter(([p, iface]) => !read.has(`${p}|${iface}`))
        .map(([p, iface]) => reader.fetch(p, iface)),
    );
    const o = this.#store.get(path);
    const ac = o?.device?.ActiveConnection;
    // Peers that only set the active connection (SpecificObject, Ip4Config) need one more level.
    const active = ac && ac !== NO_OBJECT ? this.#store.get(ac)?.active : undefined;
    const more: Promise<void>[] = [];
    const readMore = (p: string | undefined, iface: string): void => {
      if (p && p !== NO_OBJECT && !this.#store.has(p, iface)) more.push(reader.fetch(p, iface));
    };
    readMore(active?.SpecificObject, IFACE.accessPoint);
    readMore(active?.Ip4Config, IFACE.ip4Config);
    readMore(active?.Dhcp4Config, IFACE.dhcp4Config);
    await Promise.all(more);
  }
}
