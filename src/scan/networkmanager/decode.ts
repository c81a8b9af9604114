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

/** Why `check` refused a property's value (becomes the property's problem). */
class Refused {
  constructor(readonly reason: string) {}
}

/**
 * One property: a Variant of one of `signatures` whose value `check` accepts (and may
 * convert). One zod step per property with the common checks written out, not a chain of
 * refine/transform/pipe steps: a scan of 200 access points decodes some 1,800 of these at
 * start-up, and the chained form cost the daemon about as much CPU as everything else it
 * does with the scan.
 */
function variant<T>(signatures: readonly string[], check: (value: unknown) => T | Refused) {
  return z.unknown().transform((v, ctx): T => {
    const out =
      v instanceof Variant && signatures.includes(v.signature)
        ? check(v.value)
        : new Refused(
            `expected D-Bus type ${signatures.join(" or ")}, got ${v instanceof Variant ? v.signature : typeof v}`,
          );
    if (!(out instanceof Refused)) return out;
    ctx.addIssue({ code: "custom", message: out.reason });
    return z.NEVER;
  });
}

/** A value checked by a zod schema (for the rarer, structured properties). */
const by =
  <S extends z.ZodType>(schema: S) =>
  (value: unknown): z.output<S> | Refused => {
    const r = schema.safeParse(value);
    return r.success ? r.data : new Refused(r.error.issues[0]?.message ?? "invalid value");
  };

const integer = (min: number, max: number) =>
  variant(INTEGER_TYPES, (x) => {
    const n = typeof x === "bigint" ? Number(x) : x;
    return typeof n === "number" && Number.isInteger(n) && n >= min && n <= max
      ? n
      : // A garbage value over D-Bus can be anything, including an object String() cannot print.
        new Refused(
          `expected an integer from ${min} to ${max}, got ${typeof x === "bigint" || typeof x === "number" ? String(x) : typeof x}`,
        );
  });
const uint32 = integer(0, 0xffffffff);
const str = variant(["s"], (x) => (typeof x === "string" ? x : new Refused("expected a string")));
const isPath = (x: unknown): x is string => typeof x === "string" && x.startsWith("/");
const objectPath = variant(["o"], (x) => (isPath(x) ? x : new Refused("expected an object path")));
const objectPaths = variant(["ao"], (x) =>
  Array.isArray(x) && x.every(isPath) ? [...x] : new Refused("expected object paths"),
);
const ipv4 = z.string().refine((s) => isIPv4(s), "not an IPv4 address");

/** `ay`: dbus-next hands us a Buffer; we keep a private copy of the exact bytes. */
const ssid = variant(["ay"], (b) => {
  if (!(b instanceof Uint8Array)) return new Refused("expected bytes");
  if (b.length > MAX_SSID_BYTES) return new Refused(`SSID longer than ${MAX_SSID_BYTES} bytes`);
  return Uint8Array.from(b);
});

/** `a{sv}` dictionaries arrive as plain objects of Variants. */
const innerVariant = <S extends z.ZodType>(sig: string, inner: S) => variant([sig], by(inner));
const addressData = variant(
  ["aa{sv}"],
  by(
    z.array(
      z.object({ address: innerVariant("s", ipv4), prefix: innerVariant("u", z.number().int()).optional() }),
    ),
  ),
);
const nameserverData = variant(["aa{sv}"], by(z.array(z.object({ address: innerVariant("s", ipv4) }))));
/** Deprecated `au` form, each address a uint32 in network byte order. */
const nameservers = variant(
  ["au"],
  by(
    z.array(
      z
        .number()
        .int()
        .min(0)
        .max(0xffffffff)
        .transform((n) => [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24].join(".")),
    ),
  ),
);
/** DHCP options: NetworkManager sends every value as a string; anything else is ignored. */
const dhcpOptions = variant(
  ["a{sv}"],
  by(
    z.record(z.string(), z.unknown()).transform((rec) => {
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(rec)) {
        if (v instanceof Variant && typeof v.value === "string") out[k] = v.value;
      }
      return out;
    }),
  ),
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
  HwAddress: variant(["s"], by(bssidSchema)),
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
