import { DEVICE_TYPE_WIFI, IFACE, NM_PATH, NO_OBJECT, PROPERTY_INTERFACES } from "./constants.ts";
import {
  type AccessPointProps,
  type ActiveConnectionProps,
  accessPointSchema,
  activeConnectionSchema,
  type DeviceProps,
  type Dhcp4ConfigProps,
  decodeProperties,
  deviceSchema,
  dhcp4ConfigSchema,
  type Ip4ConfigProps,
  ip4ConfigSchema,
  type ManagerProps,
  managerSchema,
  type PropertyProblem,
  type WirelessProps,
  wirelessSchema,
} from "./decode.ts";

/** What we know about one NetworkManager object: the decoded properties of each interface. */
export interface NmObject {
  manager?: ManagerProps;
  device?: DeviceProps;
  wireless?: WirelessProps;
  ap?: AccessPointProps;
  active?: ActiveConnectionProps;
  ip4?: Ip4ConfigProps;
  dhcp4?: Dhcp4ConfigProps;
}

/** The interfaces the store keeps; any other interface in a signal or snapshot is ignored. */
export const TRACKED_INTERFACES: ReadonlySet<string> = new Set<string>(PROPERTY_INTERFACES);

export interface ApplyResult {
  readonly problems: readonly PropertyProblem[];
  /** Names of the properties whose values were set or removed. */
  readonly keys: readonly string[];
}

const NOTHING: ApplyResult = { problems: [], keys: [] };

/**
 * Merges decoded values into what we had. `replace` starts from scratch (GetAll, snapshot);
 * otherwise it is a PropertiesChanged delta. A property that arrives malformed or is
 * invalidated is deleted rather than kept stale.
 */
function merge<T extends object>(prev: T | undefined, next: T, drop: readonly string[], replace: boolean): T {
  const out: T = { ...(replace ? undefined : prev), ...next };
  for (const k of drop) Reflect.deleteProperty(out, k);
  return out;
}

/**
 * The client's picture of NetworkManager's objects, by path. Plain data, no I/O: the
 * reader and the signal dispatcher write to it, the tracker reads it.
 */
export class ObjectStore {
  readonly #objects = new Map<string, NmObject>();

  get(path: string): NmObject | undefined {
    return this.#objects.get(path);
  }

  has(path: string, iface: string): boolean {
    const o = this.#objects.get(path);
    if (!o) return false;
    return slotOf(o, iface) !== undefined;
  }

  get manager(): ManagerProps {
    return this.#objects.get(NM_PATH)?.manager ?? {};
  }

  clear(): void {
    this.#objects.clear();
  }

  get size(): number {
    return this.#objects.size;
  }

  /** Applies a property dictionary for one interface of one object. Never throws. */
  apply(
    path: string,
    iface: string,
    raw: unknown,
    opts: { replace: boolean; invalidated?: readonly string[] },
  ): ApplyResult {
    if (!TRACKED_INTERFACES.has(iface)) return NOTHING;
    const o = this.#objects.get(path) ?? {};
    const inv = opts.invalidated ?? [];
    const run = <T extends object>(
      prev: T | undefined,
      decoded: { values: T; problems: readonly PropertyProblem[] },
      set: (v: T) => void,
    ): ApplyResult => {
      const drop = [...inv, ...decoded.problems.map((p) => p.property)];
      set(merge(prev, decoded.values, drop, opts.replace));
      return { problems: decoded.problems, keys: [...Object.keys(decoded.values), ...drop] };
    };
    let result: ApplyResult = NOTHING;
    switch (iface) {
      case IFACE.manager:
        result = run(o.manager, decodeProperties(managerSchema, raw), (v) => (o.manager = v));
        break;
      case IFACE.device:
        result = run(o.device, decodeProperties(deviceSchema, raw), (v) => (o.device = v));
        break;
      case IFACE.wireless:
        result = run(o.wireless, decodeProperties(wirelessSchema, raw), (v) => (o.wireless = v));
        break;
      case IFACE.accessPoint:
        result = run(o.ap, decodeProperties(accessPointSchema, raw), (v) => (o.ap = v));
        break;
      case IFACE.activeConnection:
        result = run(o.active, decodeProperties(activeConnectionSchema, raw), (v) => (o.active = v));
        break;
      case IFACE.ip4Config:
        result = run(o.ip4, decodeProperties(ip4ConfigSchema, raw), (v) => (o.ip4 = v));
        break;
      case IFACE.dhcp4Config:
        result = run(o.dhcp4, decodeProperties(dhcp4ConfigSchema, raw), (v) => (o.dhcp4 = v));
        break;
    }
    this.#objects.set(path, o);
    return result;
  }

  /** Sets a device's State from a StateChanged signal (which can precede PropertiesChanged). */
  setDeviceState(path: string, state: number): void {
    const o = this.#objects.get(path);
    if (o?.device) o.device = { ...o.device, State: state };
  }

  /** Adds or removes one path in a device's AccessPoints list (AccessPointAdded/Removed). */
  setAccessPointListed(devicePath: string, apPath: string, listed: boolean): boolean {
    const w = this.#objects.get(devicePath)?.wireless;
    if (!w) return false;
    const aps = w.AccessPoints ?? [];
    if (aps.includes(apPath) === listed) return false;
    const next = listed ? [...aps, apPath] : aps.filter((p) => p !== apPath);
    const o = this.#objects.get(devicePath);
    if (o) o.wireless = { ...w, AccessPoints: next };
    return true;
  }

  /** Adds or removes one path in Manager.Devices (DeviceAdded/DeviceRemoved). */
  setDeviceListed(devicePath: string, listed: boolean): boolean {
    const o = this.#objects.get(NM_PATH);
    const m = o?.manager;
    if (!o || !m) return false;
    const devs = m.Devices ?? [];
    if (devs.includes(devicePath) === listed) return false;
    o.manager = { ...m, Devices: listed ? [...devs, devicePath] : devs.filter((p) => p !== devicePath) };
    return true;
  }

  /** Drops some (default: all) interfaces of an object; the object goes when none remain. */
  remove(path: string, ifaces?: readonly string[]): void {
    if (!ifaces) {
      this.#objects.delete(path);
      return;
    }
    const o = this.#objects.get(path);
    if (!o) return;
    for (const i of ifaces) clearSlot(o, i);
    if (Object.values(o).every((v) => v === undefined)) this.#objects.delete(path);
  }

  /** Paths of Wi-Fi devices NetworkManager lists (Manager.Devices, else every device we hold). */
  wifiDevicePaths(): string[] {
    const listed = this.manager.Devices;
    const paths = listed ?? [...this.#objects.keys()];
    return paths.filter((p) => this.#objects.get(p)?.device?.DeviceType === DEVICE_TYPE_WIFI);
  }

  /** Every object path some known object refers to that we have not read yet, with the interfaces to read. */
  missingReferences(): Map<string, string[]> {
    const missing = new Map<string, string[]>();
    const want = (path: string | undefined, iface: string): void => {
      if (path === undefined || path === NO_OBJECT || this.has(path, iface)) return;
      const list = missing.get(path) ?? [];
      if (!list.includes(iface)) list.push(iface);
      missing.set(path, list);
    };
    for (const p of this.manager.Devices ?? []) want(p, IFACE.device);
    for (const p of this.manager.ActiveConnections ?? []) want(p, IFACE.activeConnection);
    for (const [path, o] of this.#objects) {
      if (o.device?.DeviceType === DEVICE_TYPE_WIFI) want(path, IFACE.wireless);
      if (o.device) {
        want(o.device.ActiveConnection, IFACE.activeConnection);
        want(o.device.Ip4Config, IFACE.ip4Config);
        want(o.device.Dhcp4Config, IFACE.dhcp4Config);
      }
      if (o.wireless) {
        for (const ap of o.wireless.AccessPoints ?? []) want(ap, IFACE.accessPoint);
        want(o.wireless.ActiveAccessPoint, IFACE.accessPoint);
      }
    }
    return missing;
  }
}

function slotOf(o: NmObject, iface: string): object | undefined {
  switch (iface) {
    case IFACE.manager:
      return o.manager;
    case IFACE.device:
      return o.device;
    case IFACE.wireless:
      return o.wireless;
    case IFACE.accessPoint:
      return o.ap;
    case IFACE.activeConnection:
      return o.active;
    case IFACE.ip4Config:
      return o.ip4;
    case IFACE.dhcp4Config:
      return o.dhcp4;
    default:
      return undefined;
  }
}

function clearSlot(o: NmObject, iface: string): void {
  switch (iface) {
    case IFACE.manager:
      delete o.manager;
      break;
    case IFACE.device:
      delete o.device;
      break;
    case IFACE.wireless:
      delete o.wireless;
      break;
    case IFACE.accessPoint:
      delete o.ap;
      break;
    case IFACE.activeConnection:
      delete o.active;
      break;
    case IFACE.ip4Config:
      delete o.ip4;
      break;
    case IFACE.dhcp4Config:
      delete o.dhcp4;
      break;
  }
}
