import { readFile } from "node:fs/promises";
import { hotspotError, reasonOf } from "../errors.ts";
import {
  BSSID_RE,
  type ScannedNetwork,
  SECURITIES,
  type Security,
  scannedNetwork,
} from "../helper-api/network.ts";
import { HEX_RE, MAX_SSID_BYTES, ssidBytesFromInput } from "../helper-api/ssid.ts";
import { fsReason, jsonErrorWithLine } from "../util/file-errors.ts";
import type { ScanList } from "./source.ts";

/**
 * Reading a scan file (the format scan-file.ts defines with zod) without loading zod when
 * the file is well formed: `hotspot list --scan FILE` should cost little more than Node's
 * own start, and zod is the largest module it would otherwise load.
 *
 * `plainScanList` accepts only what scanFileSchema accepts, and builds the same list from
 * it; anything it does not accept (a wrong type, a missing key, an SSID too long) goes to
 * scan-file.ts's zod parse, which either accepts it after all or names the field in
 * HH_SCAN_FILE_INVALID. So errors are zod's, word for word, and only valid files skip it.
 * A property test holds the two parsers to that.
 */

const SECURITY_SET: ReadonlySet<string> = new Set(SECURITIES);

function isSecurity(value: unknown): value is Security {
  return typeof value === "string" && SECURITY_SET.has(value);
}

function own(value: object, key: string): unknown {
  return Object.hasOwn(value, key) ? Reflect.get(value, key) : undefined;
}

function isRecord(value: unknown): value is object {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The SSID's bytes for text or a strict `{ hex }` within 32 bytes, else undefined. */
function ssidBytes(value: unknown): Uint8Array | undefined {
  let bytes: Uint8Array;
  if (typeof value === "string") bytes = ssidBytesFromInput(value);
  else if (isRecord(value) && Object.keys(value).length === 1) {
    const hex = own(value, "hex");
    if (typeof hex !== "string" || !HEX_RE.test(hex)) return undefined;
    bytes = ssidBytesFromInput({ hex });
  } else return undefined;
  return bytes.length <= MAX_SSID_BYTES ? bytes : undefined;
}

function accessPoint(value: unknown): ScannedNetwork | undefined {
  if (!isRecord(value)) return undefined;
  const ssid = ssidBytes(own(value, "ssid"));
  const bssid = own(value, "bssid");
  const strength = own(value, "strength");
  const frequency = own(value, "frequency");
  const security = own(value, "security");
  if (ssid === undefined || typeof bssid !== "string" || !BSSID_RE.test(bssid.toLowerCase()))
    return undefined;
  if (typeof strength !== "number" || !Number.isSafeInteger(strength) || strength < 0 || strength > 100)
    return undefined;
  if (typeof frequency !== "number" || !Number.isSafeInteger(frequency) || frequency <= 0) return undefined;
  if (!isSecurity(security)) return undefined;
  return scannedNetwork({ ssid, bssid: bssid.toLowerCase(), strength, frequency, security });
}

/**
 * The ScanList of already-parsed JSON when it is a valid scan file in every respect,
 * otherwise undefined (the caller then asks scan-file.ts, which explains what is wrong).
 */
export function plainScanList(data: unknown, at: number = Date.now()): ScanList | undefined {
  if (!isRecord(data)) return undefined;
  const device = own(data, "device");
  const points = own(data, "accessPoints");
  if (typeof device !== "string" || device.length === 0 || !Array.isArray(points)) return undefined;
  const networks: ScannedNetwork[] = [];
  for (const point of points) {
    const network = accessPoint(point);
    if (network === undefined) return undefined;
    networks.push(network);
  }
  return Object.freeze({ device, networks: Object.freeze(networks), at });
}

/**
 * The JSON of a scan file (shared with scan-file.ts, which must not be loaded to get it).
 * @throws HH_SCAN_FILE_INVALID with field `(root)` and the JSON error's position.
 */
export function parseScanJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw hotspotError(
      "HH_SCAN_FILE_INVALID",
      { file, field: "(root)", reason: `not valid JSON: ${jsonErrorWithLine(reasonOf(e), text)}` },
      { cause: e },
    );
  }
}

/**
 * Reads and validates a scan fixture file.
 * @throws HH_FILE_UNREADABLE when the file cannot be read, HH_SCAN_FILE_INVALID when it is not a valid scan.
 */
export async function readScanFile(path: string): Promise<ScanList> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw hotspotError("HH_FILE_UNREADABLE", { file: path, reason: fsReason(e) }, { cause: e });
  }
  const at = Date.now();
  const data = parseScanJson(text, path);
  const plain = plainScanList(data, at);
  if (plain !== undefined) return plain;
  const { scanListFromData } = await import("./scan-file.ts");
  return scanListFromData(data, path, at);
}
