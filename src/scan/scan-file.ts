import { readFile } from "node:fs/promises";
import { z } from "zod";
import { hotspotError, reasonOf } from "../errors.ts";
import { bssidSchema, type ScannedNetwork, scannedNetwork, securitySchema } from "../helper-api/network.ts";
import { MAX_SSID_BYTES, ssidBytesFromInput, ssidInputSchema } from "../helper-api/ssid.ts";
import { errnoCode } from "../util/errno.ts";
import { firstIssue } from "../util/zod.ts";
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
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw hotspotError(
      "HH_SCAN_FILE_INVALID",
      { file, field: "(root)", reason: `not valid JSON: ${jsonErrorWithLine(reasonOf(e), text)}` },
      { cause: e },
    );
  }
  return scanListFromData(data, file, at);
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
  return parseScanFile(text, path);
}

/**
 * Adds a line and column to a JSON.parse error. Node 20's V8 gives "at position N" for most
 * errors, but for an unexpected token only a snippet of 10 characters either side (with
 * raw newlines in it), so we recover the position from the snippet and drop it.
 */
export function jsonErrorWithLine(message: string, text: string): string {
  if (/\bline \d+/.test(message)) return message;
  const at = /at position (\d+)/.exec(message);
  if (at?.[1]) return `${message} (${lineColumn(text, Number(at[1]))})`;
  if (message === "Unexpected end of JSON input") return `${message} (${lineColumn(text, text.length)})`;
  const token = /^Unexpected token '([\s\S]+?)', (\.\.\.)?"([\s\S]*)"(\.\.\.)? is not valid JSON$/.exec(
    message,
  );
  if (!token?.[1] || token[3] === undefined) return message;
  const position = tokenPosition(text, token[1], token[3], token[2] !== undefined, token[4] !== undefined);
  const head = `Unexpected token '${token[1]}'`;
  return position === undefined ? head : `${head} at position ${position} (${lineColumn(text, position)})`;
}

/** V8 (JsonParser::ReportUnexpectedToken) shows source[pos-10, pos+10), with "..." where it cut. */
function tokenPosition(
  text: string,
  token: string,
  snippet: string,
  cutStart: boolean,
  cutEnd: boolean,
): number | undefined {
  const CONTEXT = 10;
  const start = text.indexOf(snippet);
  if (start < 0) return undefined;
  let position: number;
  if (cutStart) position = start + CONTEXT;
  else if (cutEnd) position = start + snippet.length - CONTEXT;
  else position = start + snippet.indexOf(token);
  return text.startsWith(token, position) ? position : undefined;
}

function lineColumn(text: string, position: number): string {
  const before = text.slice(0, position);
  return `line ${before.split("\n").length} column ${position - before.lastIndexOf("\n")}`;
}

export { errnoCode } from "../util/errno.ts";

/** "no such file" reads better than ENOENT's full message with the path repeated. */
export function fsReason(e: unknown): string {
  switch (errnoCode(e)) {
    case "ENOENT":
      return "no such file";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "is a directory, expected a file";
    default:
      return reasonOf(e);
  }
}
