import { Variant } from "@jellybrick/dbus-next";
import {
  type Connectivity,
  connectivityNumber,
  DeviceState,
  IFACE,
  NM_PATH,
  NO_OBJECT,
} from "../../scan/networkmanager/constants.ts";
import type { SimObjects } from "./objects.ts";

export interface SimJoinOptions {
  readonly ipv4?: string;
  readonly prefix?: number;
  readonly gateway?: string;
  readonly dns?: readonly string[];
  /** Extra DHCP4 options (string values, as NetworkManager reports them). */
  readonly dhcpOptions?: Readonly<Record<string, string>>;
  /** RFC 8910 URI, reported as DHCP option `captive_portal` (what dhclient with code 114 gives). */
  readonly captivePortalUri?: string;
  /** Connectivity once activated (global and the device's). Default: unchanged. */
  readonly connectivity?: Connectivity;
  /** Pause between activation steps. Default 0 (one event-loop turn, so each step's batch goes out). */
  readonly stepDelayMs?: number;
  /** Set everything at once and go straight to ACTIVATED (a device already connected). */
  readonly instant?: boolean;
  /**
   * The profile's `cloned-mac-address` (`random`, `stable`, `permanent`, `preserve`, an
   * address), served by its Settings.Connection's GetSettings as `assigned-mac-address`.
   * Default: unset (the profile follows NetworkManager's global default).
   */
  readonly clonedMacAddress?: string;
}

interface Active {
  readonly ac: string;
  readonly ip4: string;
  readonly dhcp4: string;
}

/**
 * The simulated activation and deactivation of a Wi-Fi device, in NetworkManager's order:
 * PREPARE (active connection, ActiveAccessPoint) → CONFIG → IP_CONFIG (Ip4Config,
 * Dhcp4Config) → ACTIVATED; DEACTIVATING → DISCONNECTED. Device.StateChanged goes out at
 * once at each step, the property changes in the step's batch.
 */
export class Activation {
  readonly #objects: SimObjects;
  readonly #nextId: () => number;
  readonly #delay: (ms: number) => Promise<void>;
  readonly #active = new Map<string, Active>();
  /** GetSettings answers of the profiles joins created, by Settings.Connection path. */
  readonly #profiles = new Map<string, Record<string, Record<string, Variant>>>();
  /**
   * Profile paths by SSID and MAC policy. NetworkManager saves one profile per network and
   * activates it on every later join; a new one per join would also make a long run of
   * joins grow the simulation without bound.
   */
  readonly #profileByNetwork = new Map<string, string>();

  constructor(objects: SimObjects, nextId: () => number, delay: (ms: number) => Promise<void>) {
    this.#objects = objects;
    this.#nextId = nextId;
    this.#delay = delay;
  }

  async join(dev: string, ap: string, o: SimJoinOptions): Promise<void> {
    if (this.#active.has(dev)) await this.leave(dev);
    const step = (): Promise<void> => (o.instant ? Promise.resolve() : this.#delay(o.stepDelayMs ?? 0));
    const obj = this.#objects;
    const ac = `${NM_PATH}/ActiveConnection/${this.#nextId()}`;
    const ip4 = `${NM_PATH}/IP4Config/${this.#nextId()}`;
    const dhcp4 = `${NM_PATH}/DHCP4Config/${this.#nextId()}`;
    this.#active.set(dev, { ac, ip4, dhcp4 });
    const ssid = obj.get(ap, IFACE.accessPoint, "Ssid");
    const profile = this.#profile(ssid, o.clonedMacAddress);
    obj.add(ac, {
      [IFACE.activeConnection]: {
        Connection: profile,
        SpecificObject: ap,
        Id: Buffer.isBuffer(ssid) ? ssid.toString("utf8") : "wifi",
        Uuid: "00000000-0000-4000-8000-000000000001",
        Type: "802-11-wireless",
        Devices: [dev],
        State: 1,
        Default: false,
        Ip4Config: NO_OBJECT,
        Dhcp4Config: NO_OBJECT,
        Vpn: false,
      },
    });
    obj.set(NM_PATH, IFACE.manager, "ActiveConnections", [...this.#managerActive(), ac]);
    obj.set(dev, IFACE.device, "ActiveConnection", ac);
    obj.set(dev, IFACE.wireless, "ActiveAccessPoint", ap);
    this.#state(dev, DeviceState.prepare);
    await step();
    this.#state(dev, DeviceState.config);
    await step();
    const gateway = o.gateway ?? "10.0.0.1";
    obj.add(ip4, {
      [IFACE.ip4Config]: {
        AddressData: [{ address: variantS(o.ipv4 ?? "10.0.0.23"), prefix: variantU(o.prefix ?? 24) }],
        Gateway: gateway,
        NameserverData: (o.dns ?? [gateway]).map((a) => ({ address: variantS(a) })),
        Nameservers: [],
        Domains: [],
      },
    });
    const options: Record<string, string> = {
      ip_address: o.ipv4 ?? "10.0.0.23",
      routers: gateway,
      domain_name_servers: (o.dns ?? [gateway]).join(" "),
      ...(o.captivePortalUri ? { captive_portal: o.captivePortalUri } : {}),
      ...o.dhcpOptions,
    };
    obj.add(dhcp4, {
      [IFACE.dhcp4Config]: {
        Options: Object.fromEntries(Object.entries(options).map(([k, v]) => [k, variantS(v)])),
      },
    });
    obj.set(dev, IFACE.device, "Ip4Config", ip4);
    obj.set(dev, IFACE.device, "Dhcp4Config", dhcp4);
    obj.set(ac, IFACE.activeConnection, "Ip4Config", ip4);
    obj.set(ac, IFACE.activeConnection, "Dhcp4Config", dhcp4);
    this.#state(dev, DeviceState.ipConfig);
    await step();
    obj.set(ac, IFACE.activeConnection, "State", 2);
    obj.set(NM_PATH, IFACE.manager, "PrimaryConnection", ac);
    obj.set(NM_PATH, IFACE.manager, "State", 70);
    if (o.connectivity) {
      obj.set(NM_PATH, IFACE.manager, "Connectivity", connectivityNumber(o.connectivity));
      obj.set(dev, IFACE.device, "Ip4Connectivity", connectivityNumber(o.connectivity));
    }
    this.#state(dev, DeviceState.activated);
  }

  /** GetSettings of a profile, or undefined for an unknown path. */
  settings(profile: string): Record<string, Record<string, Variant>> | undefined {
    return this.#profiles.get(profile);
  }

  roam(dev: string, ap: string): void {
    const a = this.#active.get(dev);
    if (!a) throw new Error(`simulated NetworkManager: ${dev} is not connected`);
    this.#objects.set(dev, IFACE.wireless, "ActiveAccessPoint", ap);
    this.#objects.set(a.ac, IFACE.activeConnection, "SpecificObject", ap);
  }

  async leave(dev: string): Promise<void> {
    const a = this.#active.get(dev);
    if (!a) return;
    const obj = this.#objects;
    this.#state(dev, DeviceState.deactivating);
    await this.#delay(0);
    this.#active.delete(dev);
    obj.set(dev, IFACE.device, "ActiveConnection", NO_OBJECT);
    obj.set(dev, IFACE.device, "Ip4Config", NO_OBJECT);
    obj.set(dev, IFACE.device, "Dhcp4Config", NO_OBJECT);
    obj.set(dev, IFACE.device, "Ip4Connectivity", 0);
    obj.set(dev, IFACE.wireless, "ActiveAccessPoint", NO_OBJECT);
    obj.set(
      NM_PATH,
      IFACE.manager,
      "ActiveConnections",
      this.#managerActive().filter((p) => p !== a.ac),
    );
    obj.set(NM_PATH, IFACE.manager, "PrimaryConnection", NO_OBJECT);
    obj.set(NM_PATH, IFACE.manager, "State", 20);
    obj.remove(a.ac);
    obj.remove(a.ip4);
    obj.remove(a.dhcp4);
    this.#state(dev, DeviceState.disconnected);
  }

  /** The device was removed: drop its link objects without state changes. */
  forget(dev: string): void {
    const a = this.#active.get(dev);
    if (!a) return;
    this.#active.delete(dev);
    for (const p of [a.ac, a.ip4, a.dhcp4]) this.#objects.remove(p);
    this.#objects.set(
      NM_PATH,
      IFACE.manager,
      "ActiveConnections",
      this.#managerActive().filter((p) => p !== a.ac),
    );
  }

  #profile(ssid: unknown, mac: string | undefined): string {
    const key = `${ssid instanceof Uint8Array ? Buffer.from(ssid).toString("hex") : ""}/${mac ?? ""}`;
    const known = this.#profileByNetwork.get(key);
    if (known) return known;
    const path = `${NM_PATH}/Settings/${this.#nextId()}`;
    this.#profiles.set(path, profileSettings(ssid, mac));
    this.#profileByNetwork.set(key, path);
    this.#objects.add(path, { [IFACE.settingsConnection]: {} });
    return path;
  }

  #state(dev: string, next: number): void {
    const old = Number(this.#objects.get(dev, IFACE.device, "State") ?? 0);
    this.#objects.set(dev, IFACE.device, "State", next);
    this.#objects.set(dev, IFACE.device, "StateReason", [next, 0]);
    this.#objects.signal(dev, IFACE.device, "StateChanged", "uuu", [next, old, 0]);
  }

  #managerActive(): string[] {
    const v = this.#objects.get(NM_PATH, IFACE.manager, "ActiveConnections");
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  }
}

/** A Wi-Fi profile as GetSettings returns it (no secrets), with its MAC address policy if set. */
function profileSettings(ssid: unknown, mac: string | undefined): Record<string, Record<string, Variant>> {
  const bytes = Buffer.isBuffer(ssid) ? ssid : Buffer.alloc(0);
  return {
    connection: {
      id: variantS(bytes.toString("utf8") || "wifi"),
      uuid: variantS("00000000-0000-4000-8000-000000000001"),
      type: variantS("802-11-wireless"),
    },
    "802-11-wireless": {
      ssid: new Variant("ay", bytes),
      mode: variantS("infrastructure"),
      ...(mac === undefined ? {} : { "assigned-mac-address": variantS(mac) }),
    },
  };
}

function variantS(s: string): Variant {
  return new Variant("s", s);
}

function variantU(n: number): Variant {
  return new Variant("u", n);
}
