import type { Claim } from "../helper-api/claims.ts";
import { CONFIDENCES } from "../helper-api/confidence.ts";
import { SECURITIES } from "../helper-api/network.ts";
import { HEX_RE, MAX_SSID_BYTES } from "../helper-api/ssid.ts";

/**
 * What `hotspot list` reads of a cached plugin descriptor (src/plugin-host/descriptor.ts),
 * and the check of it. By hand, not with parseDescriptor's zod schema: not loading zod is
 * the point of the cache on this path. The check is as strict as the claim schema about
 * what the claim index consumes (every claim one matcher, a valid pattern, lower-case
 * BSSID prefixes as the loader leaves them), so a torn or hand-edited cache can make an
 * entry a miss but never feed the index something the loader would have refused.
 */
export interface ListedPlugin {
  readonly id: string;
  readonly displayName: string;
  readonly priority: number;
  readonly claims: readonly Claim[];
  readonly hooks: readonly string[];
}

const CLAIM_CONFIDENCES: ReadonlySet<unknown> = new Set(CONFIDENCES.filter((c) => c !== "none"));
const SECURITY_SET: ReadonlySet<unknown> = new Set(SECURITIES);
const BSSID_PREFIX = /^[0-9a-f]{2}(?::[0-9a-f]{2}){0,5}$/;
const FLAGS = /^[imsu]*$/;

function isRecord(value: unknown): value is object {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function field(value: object, key: string): unknown {
  return Object.hasOwn(value, key) ? Reflect.get(value, key) : undefined;
}

function isSsid(value: unknown, nonEmpty: boolean): boolean {
  if (typeof value === "string") {
    return (!nonEmpty || value.length > 0) && Buffer.byteLength(value, "utf8") <= MAX_SSID_BYTES;
  }
  if (!isRecord(value) || Object.keys(value).length !== 1) return false;
  const hex = field(value, "hex");
  return (
    typeof hex === "string" &&
    HEX_RE.test(hex) &&
    hex.length / 2 <= MAX_SSID_BYTES &&
    (!nonEmpty || hex.length > 0)
  );
}

function isPattern(pattern: unknown, flags: unknown): boolean {
  if (typeof pattern !== "string" || pattern.length === 0) return false;
  if (flags !== undefined && (typeof flags !== "string" || !FLAGS.test(flags))) return false;
  try {
    new RegExp(pattern, flags);
    return true;
  } catch {
    return false;
  }
}

/** The matcher keys each claim form allows, besides confidence and security. */
const FORMS: readonly (readonly string[])[] = [
  ["ssid"],
  ["ssidPrefix"],
  ["ssidPattern", "flags"],
  ["bssidPrefix"],
];

function isClaim(value: unknown): value is Claim {
  if (!isRecord(value)) return false;
  if (!CLAIM_CONFIDENCES.has(field(value, "confidence"))) return false;
  const security = field(value, "security");
  if (security !== undefined) {
    if (!Array.isArray(security) || security.length === 0 || !security.every((s) => SECURITY_SET.has(s)))
      return false;
  }
  const keys = Object.keys(value).filter((k) => k !== "confidence" && k !== "security");
  const form = FORMS.find((f) => f[0] !== undefined && keys.includes(f[0]));
  if (form === undefined || !keys.every((k) => form.includes(k))) return false;
  switch (form[0]) {
    case "ssid":
      return isSsid(field(value, "ssid"), false);
    case "ssidPrefix":
      return isSsid(field(value, "ssidPrefix"), true);
    case "ssidPattern":
      return isPattern(field(value, "ssidPattern"), field(value, "flags"));
    default: {
      const prefix = field(value, "bssidPrefix");
      return typeof prefix === "string" && BSSID_PREFIX.test(prefix);
    }
  }
}

/**
 * Whether a cached descriptor has what `hotspot list` reads. A guard rather than a copy:
 * the cache writes back the entries it keeps, and must keep every field of them. Version 1
 * is descriptor.ts's DESCRIPTOR_VERSION, not imported because that module loads zod; a
 * unit test holds the two equal.
 */
export function isListedPlugin(value: unknown): value is ListedPlugin {
  if (!isRecord(value) || field(value, "descriptorVersion") !== 1) return false;
  const id = field(value, "id");
  const priority = field(value, "priority");
  const claims = field(value, "claims");
  const hooks = field(value, "hooks");
  return (
    typeof id === "string" &&
    id.length > 0 &&
    typeof field(value, "displayName") === "string" &&
    typeof priority === "number" &&
    Number.isSafeInteger(priority) &&
    Array.isArray(hooks) &&
    hooks.every((h) => typeof h === "string") &&
    Array.isArray(claims) &&
    claims.every(isClaim)
  );
}
