import { isIPv4 } from "node:net";
import { Variant } from "@jellybrick/dbus-next";
import { z } from "zod";
import { bssidSchema } from "../../helper-api/scan-schemas.ts";
import { MAX_SSID_BYTES } from "../../helper-api/ssid.ts";

/**
 * Zod schemas for the properties we read, one shape per NetworkManager interface. Every value
 * crosses this boundary once: a property of the wrong D-Bus type or out of range is dropped
 * (and reported) instead of travelling on as a wrong fact. Integer properties accept any
 * D-Bus integer type that holds the value (peers such as python3-dbusmock are loose with
 * widths); everything else must have the documented type.
 */

const INTEGER_TYPES = ["y", "n", "q", "i", "u", "x", "t"];

function variant<T extends z.ZodType>(signatures: readonly string[], inner: T) {
  return z
    .instanceof(Variant)
    .refine((v) => signatures.includes(v.signature), {
      error: (issue) => {
        const sig = issue.input instanceof Variant ? issue.input.signature : typeof issue.input;
        return `expected D-Bus type ${signatures.join(" or ")}, got ${sig}`;
      },
      abort: true,
    })
    .transform((v): unknown => v.value)
    .pipe(inner);
}

const integer = (min: number, max: number) =>
  variant(
    INTEGER_TYPES,
    z
      .union([z.number(), z.bigint()])
      .transform((n) => Number(n))
      .pipe(z.number().int().min(min).max(max)),
  );
const uint32 = integer(0, 0xffffffff);
const str = variant(["s"], z.string());
const objectPath = variant(["o"], z.string().startsWith("/"));
const objectPaths = variant(["ao"], z.array(z.string().startsWith("/")));
const ipv4 = z.string().refine((s) => isIPv4(s), "not an IPv4 address");

/** `ay`: dbus-next hands us a Buffer; we keep a private copy of the exact bytes. */
const ssid = variant(
  ["ay"],
  z
    .instanceof(Uint8Array)
    .refine((b) => b.length <= MAX_SSID_BYTES, `SSID longer than ${MAX_SSID_BYTES} bytes`)
    .transform((b) => Uint8Array.from(b)),
);

/** `a{sv}` dictionaries arrive as plain objects of Variants. */
const innerVariant = <T extends z.ZodType>(sig: string, inner: T) => variant([sig], inner);
const addressData = variant(
  ["aa{sv}"],
  z.array(
    z.object({ address: innerVariant("s", ipv4), prefix: innerVariant("u", z.number().int()).optional() }),
  ),
);
const nameserverData = variant(["aa{sv}"], z.array(z.object({ address: innerVariant("s", ipv4) })));
/** Deprecated `au` form, each address a uint32 in network byte order. */
const nameservers = variant(
  ["au"],
  z.array(
    z
      .number()
      .int()
      .min(0)
      .max(0xffffffff)
      .transform((n) => [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24].join(".")),
  ),
);
/** DHCP options: NetworkManager sends every value as a string; anything else is ignored. */
const dhcpOptions = variant(
  ["a{sv}"],
  z.record(z.string(), z.unknown()).transform((rec) => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(rec)) {
      if (v instanceof Variant && typeof v.value === "string") out[k] = v.value;
    }
    return out;
  }),
);

export const managerShape = {
  Devices: objectPaths,
  ActiveConnections: objectPaths,
  PrimaryConnection: objectPath,
  State: uint32,
  Connectivity: integer(0, 4),
  ConnectivityCheckUri: str,
};

export const deviceShape = {
  Interface: str,
  DeviceType: uint32,
  State: uint32,
  ActiveConnection: objectPath,
  Ip4Config: objectPath,
  Dhcp4Config: objectPath,
  HwAddress: str,
  Ip4Connectivity: integer(0, 4),
};

export const wirelessShape = {
  AccessPoints: objectPaths,
  ActiveAccessPoint: objectPath,
  /** Boot-time ms of the last completed scan; -1 = never. */
  LastScan: integer(-1, Number.MAX_SAFE_INTEGER),
  HwAddress: str,
};

export const accessPointShape = {
  Ssid: ssid,
  HwAddress: variant(["s"], bssidSchema),
  Strength: integer(0, 100),
  Frequency: uint32,
  Flags: uint32,
  WpaFlags: uint32,
  RsnFlags: uint32,
  Mode: uint32,
  LastSeen: integer(-1, 0x7fffffff),
};

export const activeConnectionShape = {
  /** The settings profile (Settings.Connection) this activation uses. */
  Connection: objectPath,
  SpecificObject: objectPath,
  Devices: objectPaths,
  State: uint32,
  Type: str,
  Id: str,
  Ip4Config: objectPath,
  Dhcp4Config: objectPath,
};

export const ip4ConfigShape = {
  AddressData: addressData,
  Gateway: str,
  NameserverData: nameserverData,
  Nameservers: nameservers,
};

export const dhcp4ConfigShape = { Options: dhcpOptions };

/** Partial object schemas: every property is optional (PropertiesChanged carries a few). */
export const managerSchema = z.object(managerShape).partial();
export const deviceSchema = z.object(deviceShape).partial();
export const wirelessSchema = z.object(wirelessShape).partial();
export const accessPointSchema = z.object(accessPointShape).partial();
export const activeConnectionSchema = z.object(activeConnectionShape).partial();
export const ip4ConfigSchema = z.object(ip4ConfigShape).partial();
export const dhcp4ConfigSchema = z.object(dhcp4ConfigShape).partial();

export type ManagerProps = z.output<typeof managerSchema>;
export type DeviceProps = z.output<typeof deviceSchema>;
export type WirelessProps = z.output<typeof wirelessSchema>;
export type AccessPointProps = z.output<typeof accessPointSchema>;
export type ActiveConnectionProps = z.output<typeof activeConnectionSchema>;
export type Ip4ConfigProps = z.output<typeof ip4ConfigSchema>;
export type Dhcp4ConfigProps = z.output<typeof dhcp4ConfigSchema>;

export interface PropertyProblem {
  readonly property: string;
  readonly reason: string;
}

export interface Decoded<T> {
  readonly values: T;
  readonly problems: readonly PropertyProblem[];
}

/**
 * Decodes a property dictionary (from GetAll, GetManagedObjects or PropertiesChanged) with
 * one of the partial schemas above. Properties we do not know are ignored; malformed ones
 * are left out and listed in `problems`. Never throws.
 */
export function decodeProperties<T extends z.ZodObject>(schema: T, raw: unknown): Decoded<z.output<T>> {
  const first = schema.safeParse(raw);
  if (first.success) return { values: first.data, problems: [] };
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return {
      values: schema.parse({}),
      problems: [{ property: "(all)", reason: "not a property dictionary" }],
    };
  }
  const problems = new Map<string, string>();
  for (const issue of first.error.issues) {
    const key = issue.path[0];
    if (typeof key === "string" && !problems.has(key)) problems.set(key, issue.message);
  }
  const cleaned = Object.fromEntries(Object.entries(raw).filter(([k]) => !problems.has(k)));
  const second = schema.safeParse(cleaned);
  return {
    values: second.success ? second.data : schema.parse({}),
    problems: [...problems].map(([property, reason]) => ({ property, reason })),
  };
}
