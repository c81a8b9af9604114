import { z } from "zod";
import { BSSID_RE, scannedNetwork } from "../../helper-api/network.ts";
import { bytesEqual } from "../../helper-api/ssid.ts";
import type { ParsedRows, RejectedRow, WifiRow } from "./rows.ts";
import { securityFromNmcli } from "./security-words.ts";

/**
 * Guards for node-wifi's rows. node-wifi 2.0.16 parses `nmcli --terse` by finding the first
 * BSSID-shaped text, replacing it with the string "undefined" (a missing argument) and
 * splitting the rest on every `:`, escaped or not. So an SSID holding `:` shifts every later
 * column and comes back truncated with a trailing backslash; an SSID holding `\` comes back
 * with its escape doubled; an SSID that looks like a BSSID becomes "undefined" and steals the
 * BSSID column. Those rows are recognised here (`guardNodeWifiRow`).
 *
 * One case cannot be recognised from node-wifi's output at all: nmcli prints a newline inside
 * an SSID raw, so the SSID `X⏎no:Evil` yields a second line that node-wifi reads as a
 * well-formed row for the SSID `Evil` with the real BSSID, every column plausible. Hence
 * every row is also verified against the access point's exact bytes from our own nmcli
 * reading (`verifyRows`), and only verified rows are reported.
 */

/** The row shape node-wifi's Linux scan returns; anything else is not a row of its. */
const nodeWifiRowSchema = z.object({
  ssid: z.string(),
  bssid: z.string(),
  mode: z.unknown(),
  channel: z.unknown(),
  frequency: z.unknown(),
  quality: z.unknown(),
  security: z.unknown(),
  security_flags: z.object({ wpa: z.unknown(), rsn: z.unknown() }).optional(),
});

/** Modes nmcli prints in an untranslated locale. */
const MODES: ReadonlySet<string> = new Set(["Infra", "Ad-Hoc", "Mesh", "N/A"]);

const isInt = (v: unknown, min: number, max: number): v is number =>
  typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;

/** A row that passed the structural guards: its SSID is node-wifi's text, still unverified. */
export interface GuardedRow {
  readonly ssidText: string;
  readonly bssid: string;
  readonly strength: number;
  readonly frequency: number;
  readonly security: WifiRow["network"]["security"];
}

const describe = (raw: unknown): string => {
  try {
    return JSON.stringify(raw) ?? String(raw);
  } catch {
    return String(raw);
  }
};

/** Checks one node-wifi row, returning it normalised or why it cannot be trusted. */
export function guardNodeWifiRow(raw: unknown): GuardedRow | RejectedRow {
  const row = describe(raw);
  const parsed = nodeWifiRowSchema.safeParse(raw);
  if (!parsed.success) return { row, reason: "not a node-wifi scan row" };
  const r = parsed.data;
  if (r.ssid.includes("\\")) {
    return {
      row,
      reason: "SSID holds nmcli escapes: it contains ':' or '\\', which node-wifi splits wrongly",
    };
  }
  if (typeof r.mode !== "string" || !MODES.has(r.mode)) {
    return { row, reason: `columns shifted (mode ${describe(r.mode)})` };
  }
  if (!isInt(r.channel, 0, 255)) return { row, reason: `columns shifted (channel ${describe(r.channel)})` };
  if (!isInt(r.frequency, 1, 99_999))
    return { row, reason: `columns shifted (frequency ${describe(r.frequency)})` };
  if (!isInt(r.quality, 0, 100)) return { row, reason: `columns shifted (quality ${describe(r.quality)})` };
  const bssid = r.bssid.toLowerCase();
  if (!BSSID_RE.test(bssid)) return { row, reason: "BSSID is not a MAC address" };
  const flags = r.security_flags;
  if (typeof r.security !== "string" || typeof flags?.wpa !== "string" || typeof flags.rsn !== "string") {
    return { row, reason: "columns shifted (security missing)" };
  }
  const security = securityFromNmcli(r.security, flags.wpa, flags.rsn);
  if (!security.ok) return { row, reason: `columns shifted (${security.reason})` };
  return { ssidText: r.ssid, bssid, strength: r.quality, frequency: r.frequency, security: security.value };
}

/**
 * Keeps only guarded rows whose SSID is exactly the bytes the access point broadcasts, as
 * read from `SSID-HEX` (`exact`, keyed by BSSID). A row for a BSSID nmcli no longer lists, or
 * with other bytes (a split newline, a transliterated non-UTF-8 SSID), is rejected. The
 * device and IN-USE mark come from the exact reading, which node-wifi does not report.
 */
export function verifyRows(guarded: readonly GuardedRow[], exact: readonly WifiRow[]): ParsedRows {
  const byBssid = new Map(exact.map((r) => [r.network.bssid, r]));
  const rows: WifiRow[] = [];
  const rejected: RejectedRow[] = [];
  const encoder = new TextEncoder();
  for (const g of guarded) {
    const truth = byBssid.get(g.bssid);
    const row = describe({ ssid: g.ssidText, bssid: g.bssid });
    if (!truth) {
      rejected.push({ row, reason: "BSSID not in nmcli's exact listing" });
    } else if (!bytesEqual(encoder.encode(g.ssidText), truth.network.ssid)) {
      rejected.push({
        row,
        reason: `SSID differs from the access point's bytes (hex ${truth.network.ssidHex})`,
      });
    } else {
      const network = scannedNetwork({
        ssid: truth.network.ssid,
        bssid: g.bssid,
        strength: g.strength,
        frequency: g.frequency,
        security: g.security,
      });
      rows.push({ device: truth.device, inUse: truth.inUse, network });
    }
  }
  return { rows, rejected };
}

/** Guards every row of a node-wifi scan result (which must be an array). */
export function guardNodeWifiRows(raw: unknown): { guarded: GuardedRow[]; rejected: RejectedRow[] } {
  const guarded: GuardedRow[] = [];
  const rejected: RejectedRow[] = [];
  if (!Array.isArray(raw))
    return { guarded, rejected: [{ row: describe(raw), reason: "not a list of rows" }] };
  for (const item of raw) {
    const g = guardNodeWifiRow(item);
    if ("reason" in g) rejected.push(g);
    else guarded.push(g);
  }
  return { guarded, rejected };
}
