import { z } from "zod";
import { hotspotError } from "../errors.ts";
import { type ScannedNetwork, scannedNetwork } from "../helper-api/network.ts";
import { bssidSchema, securitySchema, ssidInputSchema } from "../helper-api/scan-schemas.ts";
import { MAX_SSID_BYTES, ssidBytesFromInput } from "../helper-api/ssid.ts";
import { firstIssue } from "../util/zod.ts";
import { parseScanJson } from "./scan-read.ts";
import type { ScanList } from "./source.ts";

/**
 * The scan fixture format (README.md, "Scan files"), used by `hotspot list --scan`, the demo and tests:
 *
 * ```json
 * { "device": "wlan0",
 *   "accessPoints": [
 *     { "ssid": "Cafe Free WiFi", "bssid": "02:00:00:00:00:01", "strength": 72, "frequency": 2437, "security": "open" },
 *     { "ssid": { "hex": "caf3ff00" }, "bssid": "02:00:00:00:00:02", "strength": 40, "frequency": 5180, "security": "wpa2-psk" } ] }
 * ```
 *
 * Unknown keys are ignored rather than rejected so later versions can add fields (say, a
 * `connected` flag) without breaking older readers of the same files.
 */

/** SSID text or `{ hex }`, checked against the 802.11 limit with the actual length in the message. */
const ssidFieldSchema = ssidInputSchema.transform((input, ctx) => {
  const bytes = ssidBytesFromInput(input);
  if (bytes.length > MAX_SSID_BYTES) {
    ctx.addIssue({
      code: "custom",
      message: `SSID is ${bytes.length} bytes, longer than the ${MAX_SSID_BYTES} bytes 802.11 allows`,
    });
    return z.NEVER;
  }
  return bytes;
});

export const accessPointSchema = z.object({
  ssid: ssidFieldSchema,
  bssid: bssidSchema,
  /** Percent, as NetworkManager's `Strength`. */
  strength: z.number().int().min(0).max(100),
  /** Channel centre frequency in MHz (2412–2484, 5150–5895, 5955–7115 in practice). */
  frequency: z.number().int().positive(),
  security: securitySchema,
});

export const scanFileSchema = z.object({
  device: z.string().min(1, "device must name an interface, e.g. wlan0"),
  accessPoints: z.array(accessPointSchema),
});
export type ScanFile = z.input<typeof scanFileSchema>;

/**
 * zod's default wording for a missing key ("expected number, received undefined") and for a
 * failed union ("Invalid input") does not tell a user editing a fixture what to write.
 * Schema-level messages (BSSID, SSID length) take precedence over this map.
 */
const friendlierMessages: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === "invalid_type" && issue.input === undefined)
    return `missing (expected ${issue.expected})`;
  if (issue.code === "invalid_union" && issue.path?.at(-1) === "ssid") {
    return 'expected SSID text or { "hex": "…" }';
  }
  return undefined;
};

/**
 * Turns already-parsed JSON into a ScanList. `file` names the source in errors.
 * @throws HH_SCAN_FILE_INVALID naming the field, e.g. `accessPoints[3].security`.
 */
export function scanListFromData(data: unknown, file: string, at: number = Date.now()): ScanList {
  const parsed = scanFileSchema.safeParse(data, { error: friendlierMessages });
  if (!parsed.success) {
    throw hotspotError("HH_SCAN_FILE_INVALID", { file, ...firstIssue(parsed.error) });
  }
  const networks: ScannedNetwork[] = parsed.data.accessPoints.map((ap) => scannedNetwork(ap));
  return Object.freeze({ device: parsed.data.device, networks: Object.freeze(networks), at });
}

/**
 * Parses the text of a scan file.
 * @throws HH_SCAN_FILE_INVALID with field `(root)` and the JSON error's position for bad JSON.
 */
export function parseScanFile(text: string, file: string, at: number = Date.now()): ScanList {
  return scanListFromData(parseScanJson(text, file), file, at);
}

export { errnoCode } from "../util/errno.ts";
export { fsReason, jsonErrorWithLine } from "../util/file-errors.ts";
export { readScanFile } from "./scan-read.ts";
