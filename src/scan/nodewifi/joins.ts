import type { JoinedNetwork } from "../../helper-api/network.ts";
import { bytesEqual } from "../../helper-api/ssid.ts";
import { DeviceState } from "../networkmanager/constants.ts";
import { joinedNetwork } from "../networkmanager/link.ts";
import type { JoinEvent, LeaveEvent, RoamEvent } from "../source.ts";
import type { NmcliDevice } from "./device-show.ts";
import type { WifiRow } from "./rows.ts";

export interface JoinSink {
  join(e: JoinEvent): void;
  leave(e: LeaveEvent): void;
  roam(e: RoamEvent): void;
  /** A device is activated but no scanned AP is marked in use (we cannot say which network). */
  unknownAp(device: string): void;
}

/** Activation in progress (prepare … secondaries): neither joined nor left yet. */
const activating = (state: number): boolean => state >= DeviceState.prepare && state < DeviceState.activated;

/**
 * Turns successive polls (device states from `device show`, the IN-USE row from the wifi
 * list) into join, leave and roam events, with the same rules as the D-Bus source: join
 * when a Wi-Fi device is activated on an access point, roam for a new BSSID of the same
 * SSID, leave (switched) then join for another SSID, leave on disconnect or removal.
 * Polling sees only the states it happens to sample; a leave and rejoin between two polls
 * of the same BSSID goes unnoticed.
 */
export class JoinTracker {
  readonly #joined = new Map<string, JoinedNetwork>();
  readonly #sink: JoinSink;
  readonly #unknownReported = new Set<string>();

  constructor(sink: JoinSink) {
    this.#sink = sink;
  }

  /** The network each device is on, as last seen. */
  joined(): ReadonlyMap<string, JoinedNetwork> {
    return this.#joined;
  }

  update(devices: readonly NmcliDevice[], rows: readonly WifiRow[]): void {
    const wifi = devices.filter((d) => d.type === "wifi");
    for (const [iface, network] of [...this.#joined]) {
      if (!wifi.some((d) => d.iface === iface)) this.#leave(iface, network, "device-removed");
    }
    for (const dev of wifi) {
      const previous = this.#joined.get(dev.iface);
      if (dev.state !== DeviceState.activated) {
        if (previous && !activating(dev.state)) this.#leave(dev.iface, previous, "disconnected");
        this.#unknownReported.delete(dev.iface);
        continue;
      }
      const row = rows.find((r) => r.device === dev.iface && r.inUse);
      if (!row) {
        if (!previous && !this.#unknownReported.has(dev.iface)) {
          this.#unknownReported.add(dev.iface);
          this.#sink.unknownAp(dev.iface);
        }
        continue;
      }
      const network = joinedNetwork(row.network, dev.iface, dev.link);
      if (previous && bytesEqual(previous.ssid, network.ssid)) {
        if (previous.bssid === network.bssid) continue;
        const roamed: JoinedNetwork = Object.freeze({ ...network, justJoined: false });
        this.#joined.set(dev.iface, roamed);
        this.#sink.roam({ device: dev.iface, network: roamed, previousBssid: previous.bssid });
        continue;
      }
      if (previous) this.#leave(dev.iface, previous, "switched");
      this.#joined.set(dev.iface, network);
      this.#sink.join({ device: dev.iface, network });
    }
  }

  /** Leaves every joined device with reason `source-stopped`. */
  stop(): void {
    for (const [iface, network] of [...this.#joined]) this.#leave(iface, network, "source-stopped");
    this.#unknownReported.clear();
  }

  #leave(iface: string, network: JoinedNetwork, reason: LeaveEvent["reason"]): void {
    this.#joined.delete(iface);
    this.#sink.leave({ device: iface, network, reason });
  }
}
