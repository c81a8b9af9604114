import { fitDisplayName } from "../helper-api/display-name-limit.ts";
import { hexToBytes } from "../helper-api/ssid.ts";
import { escapeBytes, escapeText } from "./display.ts";
import type { AnnotatedNetwork } from "./model.ts";

/**
 * `--terse`: one line per access point, no header, fields in the table's order
 * (SSID, BSSID, SIGNAL, SECURITY, PROVIDER, CONFIDENCE) separated by `:`.
 *
 * Escaping follows `nmcli -t`: `:` and `\` inside a field become `\:` and `\\` (so the
 * BSSID reads `02\:00\:…`, as nmcli prints it). Beyond nmcli, control characters and
 * invalid UTF-8 become `\xNN` of the raw bytes, so a line is always one line and a script
 * can recover the exact SSID bytes. SIGNAL is the percentage; missing values are empty.
 */
export function renderTerse(networks: readonly AnnotatedNetwork[]): string {
  return networks.map((n) => `${terseFields(n).join(":")}\n`).join("");
}

export function terseFields(n: AnnotatedNetwork): readonly string[] {
  return [
    escapeBytes(hexToBytes(n.ssidHex), ":"),
    escapeText(n.bssid, ":"),
    String(n.strength),
    n.security,
    n.provider ? escapeText(fitDisplayName(n.provider.displayName), ":") : "",
    n.provider ? n.provider.confidence : "",
  ];
}
