import type { Security } from "../../helper-api/network.ts";
import { AP_FLAGS_PRIVACY } from "../networkmanager/constants.ts";
import { securityFromFlags } from "../networkmanager/security.ts";

/**
 * nmcli prints an access point's NM80211ApSecurityFlags as words (`WPA-FLAGS`, `RSN-FLAGS`)
 * and a summary (`SECURITY`). Turning the words back into the flag bits lets both nmcli
 * readers classify security exactly as the D-Bus source does (`securityFromFlags`).
 *
 * The words were measured on nmcli 1.42 by setting each bit on a python3-dbusmock AP; it
 * spells WEP "wpe" (`pair_wpe40`), a typo later versions may fix, so both spellings count.
 * OWE transition mode (0x1000) prints as plain `owe`; both classify as OWE.
 */
const FLAG_WORDS: Readonly<Record<string, number>> = Object.freeze({
  pair_wep40: 0x1,
  pair_wpe40: 0x1,
  pair_wep104: 0x2,
  pair_wpe104: 0x2,
  pair_tkip: 0x4,
  pair_ccmp: 0x8,
  group_wep40: 0x10,
  group_wpe40: 0x10,
  group_wep104: 0x20,
  group_wpe104: 0x20,
  group_tkip: 0x40,
  group_ccmp: 0x80,
  psk: 0x100,
  "802.1X": 0x200,
  sae: 0x400,
  owe: 0x800,
  "wpa-eap-suite-b-192": 0x2000,
});

/** The words of nmcli's SECURITY column (empty for an open network). */
const SUMMARY_WORDS: ReadonlySet<string> = new Set([
  "WEP",
  "WPA1",
  "WPA2",
  "WPA3",
  "OWE",
  "OWE-TM",
  "802.1X",
]);

/** A reason the text is not a flags column, or the flag bits. */
export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: string };

/**
 * `(none)` or space-separated flag words. An unknown word is an error, not ignored: dropping
 * it could turn a secured network into an "open" one, and a shifted column (node-wifi's
 * mis-split rows) shows up here as text that is no flag word at all.
 */
export function parseFlagWords(text: string): Parsed<number> {
  if (text === "(none)") return { ok: true, value: 0 };
  if (text === "") return { ok: false, reason: "empty security flags" };
  let bits = 0;
  for (const word of text.split(" ")) {
    const bit = Object.hasOwn(FLAG_WORDS, word) ? FLAG_WORDS[word] : undefined;
    if (bit === undefined) return { ok: false, reason: `unknown security flag ${JSON.stringify(word)}` };
    bits |= bit;
  }
  return { ok: true, value: bits };
}

/** nmcli's SECURITY summary as its words; `(none)`/`none`/empty mean open. */
export function parseSecurityWords(text: string): Parsed<readonly string[]> {
  if (text === "" || text === "(none)" || text === "none" || text === "--") return { ok: true, value: [] };
  const words = text.split(" ");
  const unknown = words.find((w) => !SUMMARY_WORDS.has(w));
  return unknown === undefined
    ? { ok: true, value: words }
    : { ok: false, reason: `unknown security ${JSON.stringify(unknown)}` };
}

/**
 * Security from nmcli's three columns. NetworkManager's `Flags` (only the privacy bit
 * matters) is not printed; any word in SECURITY means the privacy bit was set, which is
 * exactly what makes WEP (privacy without WPA/RSN flags) distinguishable from open.
 */
export function securityFromNmcli(security: string, wpa: string, rsn: string): Parsed<Security> {
  const words = parseSecurityWords(security);
  if (!words.ok) return words;
  const wpaFlags = parseFlagWords(wpa);
  if (!wpaFlags.ok) return { ok: false, reason: `WPA-FLAGS: ${wpaFlags.reason}` };
  const rsnFlags = parseFlagWords(rsn);
  if (!rsnFlags.ok) return { ok: false, reason: `RSN-FLAGS: ${rsnFlags.reason}` };
  const flags = words.value.length > 0 ? AP_FLAGS_PRIVACY : 0;
  return {
    ok: true,
    value: securityFromFlags({ flags, wpaFlags: wpaFlags.value, rsnFlags: rsnFlags.value }),
  };
}
