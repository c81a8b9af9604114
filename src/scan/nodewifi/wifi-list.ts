import { z } from "zod";
import { BSSID_RE, scannedNetwork } from "../../helper-api/network.ts";
import { hexToBytes, MAX_SSID_BYTES } from "../../helper-api/ssid.ts";
import type { ParsedRows, RejectedRow, WifiRow } from "./rows.ts";
import { securityFromNmcli } from "./security-words.ts";
import { splitTerse } from "./terse.ts";

/**
 * Our own reading of `nmcli --terse --fields <WIFI_LIST_FIELDS> device wifi list`.
 *
 * The SSID comes from `SSID-HEX`, never from the `SSID` column: the text column is nmcli's
 * rendering (non-UTF-8 SSIDs are transliterated from a guessed charset, and a newline
 * byte in an SSID is printed raw, splitting the row in two), while the hex column is the
 * exact bytes and cannot contain a separator. Every other column is checked, so a row that
 * was cut or shifted is rejected rather than half-believed.
 */
export const WIFI_LIST_FIELDS = [
  "IN-USE",
  "SSID-HEX",
  "BSSID",
  "MODE",
  "CHAN",
  "FREQ",
  "SIGNAL",
  "SECURITY",
  "WPA-FLAGS",
  "RSN-FLAGS",
  "DEVICE",
] as const;

const intText = (min: number, max: number) =>
  z.string().regex(/^\d+$/, "not a whole number").transform(Number).pipe(z.number().int().min(min).max(max));

const rowSchema = z.tuple([
  z.enum(["*", " ", ""]).transform((v) => v === "*"),
  z
    .string()
    .regex(/^(?:[0-9A-Fa-f]{2})*$/, "SSID-HEX is not hex")
    .refine((h) => h.length <= MAX_SSID_BYTES * 2, `SSID longer than ${MAX_SSID_BYTES} bytes`),
  z
    .string()
    .transform((b) => b.toLowerCase())
    .pipe(z.string().regex(BSSID_RE, "BSSID is not a MAC address")),
  z.string().min(1, "empty MODE"),
  intText(0, 255),
  z
    .string()
    .regex(/^\d{1,5} MHz$/, "FREQ is not 'N MHz'")
    .transform((f) => Number.parseInt(f, 10)),
  intText(0, 100),
  z.string(),
  z.string(),
  z.string(),
  z.string().regex(/^[^\s:/]{1,15}$/, "DEVICE is not an interface name"),
]);

/** The arguments for a list; `rescan` is nmcli's `--rescan` (`no` reads NetworkManager's cache). */
export function wifiListArgs(rescan: "no" | "yes" | "auto"): string[] {
  return ["--terse", "--fields", WIFI_LIST_FIELDS.join(","), "device", "wifi", "list", "--rescan", rescan];
}

/** Parses one row, or says why it cannot be trusted. */
export function parseWifiRow(line: string): WifiRow | RejectedRow {
  const fields = splitTerse(line);
  if (!fields) return { row: line, reason: "malformed escape (cut or mangled row)" };
  if (fields.length !== WIFI_LIST_FIELDS.length) {
    return { row: line, reason: `${fields.length} fields, expected ${WIFI_LIST_FIELDS.length}` };
  }
  const parsed = rowSchema.safeParse(fields);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const column = WIFI_LIST_FIELDS[Number(issue?.path[0] ?? 0)] ?? "?";
    return { row: line, reason: `${column}: ${issue?.message ?? "invalid"}` };
  }
  const [inUse, ssidHex, bssid, , , frequency, strength, securityText, wpa, rsn, device] = parsed.data;
  const security = securityFromNmcli(securityText, wpa, rsn);
  if (!security.ok) return { row: line, reason: security.reason };
  return {
    device,
    inUse,
    network: scannedNetwork({
      ssid: hexToBytes(ssidHex),
      bssid,
      strength,
      frequency,
      security: security.value,
    }),
  };
}

/** Parses the whole output; nmcli separates devices with blank lines. */
export function parseWifiList(stdout: string): ParsedRows {
  const rows: WifiRow[] = [];
  const rejected: RejectedRow[] = [];
  for (const line of stdout.split("\n")) {
    if (line === "") continue;
    const r = parseWifiRow(line);
    if ("network" in r) rows.push(r);
    else rejected.push(r);
  }
  return { rows, rejected };
}
