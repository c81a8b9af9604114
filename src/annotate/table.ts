import { fitDisplayName } from "../helper-api/display-name-limit.ts";
import { hexToBytes } from "../helper-api/ssid.ts";
import { displayWidth, escapeBytes, escapeText, padDisplay } from "./display.ts";
import type { AnnotatedNetwork } from "./model.ts";

/** What a missing value shows as, as in nmcli's tabular output. */
export const NONE = "--";

/**
 * nmcli's signal bars (libnm `nm_utils_wifi_strength_bars`): a filled bar per threshold
 * passed, `_` for the rest.
 */
export function signalBars(strength: number): string {
  if (strength > 80) return "▂▄▆█";
  if (strength > 55) return "▂▄▆_";
  if (strength > 30) return "▂▄__";
  if (strength > 5) return "▂___";
  return "____";
}

export const TABLE_COLUMNS = ["SSID", "BSSID", "SIGNAL", "SECURITY", "PROVIDER", "CONFIDENCE"] as const;

/**
 * The SSID as shown in the table: from the exact bytes (so invalid bytes appear as `\xNN`,
 * not as an ambiguous U+FFFD), terminal-safe, and `--` for a hidden (empty) SSID like nmcli.
 */
export function tableSsid(network: AnnotatedNetwork): string {
  if (network.ssidHex === "") return NONE;
  return escapeBytes(hexToBytes(network.ssidHex));
}

function row(n: AnnotatedNetwork): readonly string[] {
  return [
    tableSsid(n),
    n.bssid,
    `${String(n.strength).padStart(3)} ${signalBars(n.strength)}`,
    n.security,
    n.provider ? escapeText(fitDisplayName(n.provider.displayName)) : NONE,
    n.provider ? n.provider.confidence : NONE,
  ];
}

/**
 * A human table like `nmcli dev wifi list`: a header, then one row per access point in the
 * given order, columns separated by two spaces and sized by display width (CJK and emoji
 * take two columns). Every cell is terminal-safe.
 */
export function renderTable(networks: readonly AnnotatedNetwork[]): string {
  return formatTable(TABLE_COLUMNS, networks.map(row));
}

/** Lays out already-safe cells; exported for other tabular commands (`hotspot plugins`). */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, c) =>
    Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[c] ?? ""))),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, c) => (c === cells.length - 1 ? cell : padDisplay(cell, widths[c] ?? 0)))
      .join("  ")
      .trimEnd();
  return `${[header, ...rows].map(line).join("\n")}\n`;
}
