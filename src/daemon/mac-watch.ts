import type { ScanSource } from "../scan/source.ts";
import type { MacAddressInfo } from "./events.ts";
import { macAddressInfo } from "./mac-address.ts";

interface MacWatchDeps {
  readonly source: ScanSource;
  warn(message: string, fields: Record<string, unknown>): void;
  problem(device: string, e: unknown): void;
  /** The device's MAC setting is known now: its session summary changed. */
  changed(device: string): void;
}

/**
 * How each joined connection sets its MAC address. A random one per connect means the
 * portal, which knows us by MAC, forgets the session on every reconnect: worth a warning
 * and a line in `hotspot status`, since the user can fix it (`stable`).
 */
export class MacWatch {
  readonly #macs = new Map<string, MacAddressInfo>();

  constructor(private readonly deps: MacWatchDeps) {}

  get(device: string): MacAddressInfo | undefined {
    return this.#macs.get(device);
  }

  /** Reads the setting of the connection just joined on `device`. Never throws. */
  async read(device: string): Promise<void> {
    const source = this.deps.source;
    const read = source.macAddressSetting?.bind(source);
    this.#macs.delete(device);
    if (!read) return;
    try {
      const setting = await read(device);
      if (setting === undefined) return;
      const info = macAddressInfo(setting);
      this.#macs.set(device, info);
      if (info.changesOnReconnect) {
        this.deps.warn(
          `${device}: the connection uses a new random MAC address on every connect (cloned-mac-address=${setting}); the portal will forget the session on reconnect. Set it to "stable" to keep sessions across reconnects.`,
          { device, mac: setting },
        );
      }
      this.deps.changed(device);
    } catch (e) {
      this.deps.problem(device, e);
    }
  }
}
