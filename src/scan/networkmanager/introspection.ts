import { IFACE } from "./constants.ts";

/**
 * Our own introspection data for the NetworkManager interfaces we use, so nothing depends on
 * what a peer's Introspect says: python3-dbusmock declares none of NM's signals and hides its
 * helper methods, and a client that wires signals from introspection then hears nothing.
 * The client checks incoming signal signatures against this table; the simulated
 * NetworkManager serves it as its introspection. Types are NetworkManager 1.42's.
 */

export interface ArgSpec {
  readonly name: string;
  readonly type: string;
}

export interface MethodSpec {
  readonly in: readonly ArgSpec[];
  readonly out: readonly ArgSpec[];
}

export interface InterfaceSpec {
  readonly name: string;
  /** Property name → D-Bus type signature (all read-only for us). */
  readonly properties: Readonly<Record<string, string>>;
  readonly methods: Readonly<Record<string, MethodSpec>>;
  readonly signals: Readonly<Record<string, readonly ArgSpec[]>>;
}

const a = (name: string, type: string): ArgSpec => ({ name, type });

export const MANAGER: InterfaceSpec = {
  name: IFACE.manager,
  properties: {
    Devices: "ao",
    AllDevices: "ao",
    ActiveConnections: "ao",
    PrimaryConnection: "o",
    State: "u",
    Connectivity: "u",
    ConnectivityCheckAvailable: "b",
    ConnectivityCheckEnabled: "b",
    ConnectivityCheckUri: "s",
    NetworkingEnabled: "b",
    WirelessEnabled: "b",
    Version: "s",
  },
  methods: {
    GetDevices: { in: [], out: [a("devices", "ao")] },
    GetAllDevices: { in: [], out: [a("devices", "ao")] },
    CheckConnectivity: { in: [], out: [a("connectivity", "u")] },
  },
  signals: {
    StateChanged: [a("state", "u")],
    DeviceAdded: [a("device_path", "o")],
    DeviceRemoved: [a("device_path", "o")],
  },
};

export const DEVICE: InterfaceSpec = {
  name: IFACE.device,
  properties: {
    Interface: "s",
    IpInterface: "s",
    Driver: "s",
    DeviceType: "u",
    State: "u",
    StateReason: "(uu)",
    ActiveConnection: "o",
    Ip4Config: "o",
    Dhcp4Config: "o",
    Managed: "b",
    HwAddress: "s",
    Ip4Connectivity: "u",
  },
  methods: { Disconnect: { in: [], out: [] } },
  signals: { StateChanged: [a("new_state", "u"), a("old_state", "u"), a("reason", "u")] },
};

export const WIRELESS: InterfaceSpec = {
  name: IFACE.wireless,
  properties: {
    HwAddress: "s",
    PermHwAddress: "s",
    Mode: "u",
    Bitrate: "u",
    AccessPoints: "ao",
    ActiveAccessPoint: "o",
    WirelessCapabilities: "u",
    LastScan: "x",
  },
  methods: {
    GetAccessPoints: { in: [], out: [a("access_points", "ao")] },
    GetAllAccessPoints: { in: [], out: [a("access_points", "ao")] },
    RequestScan: { in: [a("options", "a{sv}")], out: [] },
  },
  signals: { AccessPointAdded: [a("access_point", "o")], AccessPointRemoved: [a("access_point", "o")] },
};

export const ACCESS_POINT: InterfaceSpec = {
  name: IFACE.accessPoint,
  properties: {
    Flags: "u",
    WpaFlags: "u",
    RsnFlags: "u",
    Ssid: "ay",
    Frequency: "u",
    HwAddress: "s",
    Mode: "u",
    MaxBitrate: "u",
    Strength: "y",
    LastSeen: "i",
  },
  methods: {},
  signals: {},
};

export const ACTIVE_CONNECTION: InterfaceSpec = {
  name: IFACE.activeConnection,
  properties: {
    Connection: "o",
    SpecificObject: "o",
    Id: "s",
    Uuid: "s",
    Type: "s",
    Devices: "ao",
    State: "u",
    Default: "b",
    Ip4Config: "o",
    Dhcp4Config: "o",
    Vpn: "b",
  },
  methods: {},
  signals: { StateChanged: [a("state", "u"), a("reason", "u")] },
};

export const IP4_CONFIG: InterfaceSpec = {
  name: IFACE.ip4Config,
  properties: {
    AddressData: "aa{sv}",
    Gateway: "s",
    NameserverData: "aa{sv}",
    Nameservers: "au",
    Domains: "as",
  },
  methods: {},
  signals: {},
};

export const DHCP4_CONFIG: InterfaceSpec = {
  name: IFACE.dhcp4Config,
  properties: { Options: "a{sv}" },
  methods: {},
  signals: {},
};

export const PROPERTIES: InterfaceSpec = {
  name: IFACE.properties,
  properties: {},
  methods: {
    Get: { in: [a("interface_name", "s"), a("property_name", "s")], out: [a("value", "v")] },
    GetAll: { in: [a("interface_name", "s")], out: [a("properties", "a{sv}")] },
    Set: { in: [a("interface_name", "s"), a("property_name", "s"), a("value", "v")], out: [] },
  },
  signals: {
    PropertiesChanged: [
      a("interface_name", "s"),
      a("changed_properties", "a{sv}"),
      a("invalidated_properties", "as"),
    ],
  },
};

export const OBJECT_MANAGER: InterfaceSpec = {
  name: IFACE.objectManager,
  properties: {},
  methods: { GetManagedObjects: { in: [], out: [a("objects", "a{oa{sa{sv}}}")] } },
  signals: {
    InterfacesAdded: [a("object_path", "o"), a("interfaces_and_properties", "a{sa{sv}}")],
    InterfacesRemoved: [a("object_path", "o"), a("interfaces", "as")],
  },
};

/** Every interface we know, by name. */
export const INTERFACES: ReadonlyMap<string, InterfaceSpec> = new Map(
  [
    MANAGER,
    DEVICE,
    WIRELESS,
    ACCESS_POINT,
    ACTIVE_CONNECTION,
    IP4_CONFIG,
    DHCP4_CONFIG,
    PROPERTIES,
    OBJECT_MANAGER,
  ].map((s) => [s.name, s]),
);

/** The signature of a signal's body per our table, or undefined for a signal we do not know. */
export function signalSignature(iface: string, member: string): string | undefined {
  const args = INTERFACES.get(iface)?.signals[member];
  return args?.map((x) => x.type).join("");
}

const esc = (s: string): string =>
  s.replaceAll("&", "&amp;").replaceAll('"', "&quot;").replaceAll("<", "&lt;");

function interfaceXml(spec: InterfaceSpec): string {
  const lines = [`  <interface name="${esc(spec.name)}">`];
  for (const [name, m] of Object.entries(spec.methods)) {
    lines.push(`    <method name="${esc(name)}">`);
    for (const x of m.in)
      lines.push(`      <arg name="${esc(x.name)}" type="${esc(x.type)}" direction="in"/>`);
    for (const x of m.out)
      lines.push(`      <arg name="${esc(x.name)}" type="${esc(x.type)}" direction="out"/>`);
    lines.push("    </method>");
  }
  for (const [name, args] of Object.entries(spec.signals)) {
    lines.push(`    <signal name="${esc(name)}">`);
    for (const x of args) lines.push(`      <arg name="${esc(x.name)}" type="${esc(x.type)}"/>`);
    lines.push("    </signal>");
  }
  for (const [name, type] of Object.entries(spec.properties)) {
    lines.push(`    <property name="${esc(name)}" type="${esc(type)}" access="read"/>`);
  }
  lines.push("  </interface>");
  return lines.join("\n");
}

const DOCTYPE =
  '<!DOCTYPE node PUBLIC "-//freedesktop//DTD D-BUS Object Introspection 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd">';

/** Introspection XML for an object with these interfaces (and these child node names). */
export function introspectionXml(specs: readonly InterfaceSpec[], children: readonly string[] = []): string {
  const body = specs.map(interfaceXml);
  for (const c of children) body.push(`  <node name="${esc(c)}"/>`);
  return `${DOCTYPE}\n<node>\n${body.join("\n")}\n</node>\n`;
}
