/**
 * Terminal-safe text and display widths.
 *
 * An SSID is chosen by whoever runs the access point, so it is attacker-controlled: it may
 * hold ESC sequences that recolour or clear the terminal, newlines that forge extra rows,
 * bidi overrides that reverse what follows, or bytes that are not UTF-8 at all. Renderers
 * pass every SSID (and plugin-provided display names) through `escapeBytes`/`escapeText`,
 * which shows such content as `\xNN` escapes of the raw bytes. A backslash itself becomes
 * `\\`, so an SSID that literally reads `\x1b` cannot pass for an escaped ESC.
 */

/** Zero-width joiner/non-joiner and emoji tag characters are format characters that emoji sequences need. */
const keepFormat = (cp: number): boolean =>
  cp === 0x200c || cp === 0x200d || (cp >= 0xe0020 && cp <= 0xe007f);
const UNSAFE = /^[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]$/u;

/** A decoded piece of a byte string: a valid UTF-8 code point, or a byte that is not part of one. */
type Piece = { readonly cp: number; readonly bytes: Uint8Array } | { readonly invalid: number };

/** Strict UTF-8 decoding (no overlongs, no surrogates, max U+10FFFF); each bad byte stands alone. */
function* utf8Pieces(bytes: Uint8Array): Generator<Piece> {
  let i = 0;
  while (i < bytes.length) {
    const b0 = bytes[i] ?? 0;
    const [len, lo, hi] = leadInfo(b0);
    let ok = len > 0 && i + len <= bytes.length;
    if (ok) {
      for (let k = 1; k < len; k++) {
        const b = bytes[i + k] ?? 0;
        const [min, max] = k === 1 ? [lo, hi] : [0x80, 0xbf];
        if (b < min || b > max) ok = false;
      }
    }
    if (!ok) {
      yield { invalid: b0 };
      i += 1;
      continue;
    }
    let cp = len === 1 ? b0 : b0 & (0xff >> (len + 1));
    for (let k = 1; k < len; k++) cp = (cp << 6) | ((bytes[i + k] ?? 0) & 0x3f);
    yield { cp, bytes: bytes.subarray(i, i + len) };
    i += len;
  }
}

/** Sequence length and the allowed range of the second byte for a lead byte (RFC 3629 table). */
function leadInfo(b: number): readonly [number, number, number] {
  if (b < 0x80) return [1, 0, 0];
  if (b >= 0xc2 && b <= 0xdf) return [2, 0x80, 0xbf];
  if (b === 0xe0) return [3, 0xa0, 0xbf];
  if (b === 0xed) return [3, 0x80, 0x9f];
  if (b >= 0xe1 && b <= 0xef) return [3, 0x80, 0xbf];
  if (b === 0xf0) return [4, 0x90, 0xbf];
  if (b >= 0xf1 && b <= 0xf3) return [4, 0x80, 0xbf];
  if (b === 0xf4) return [4, 0x80, 0x8f];
  return [0, 0, 0];
}

const hex2 = (b: number): string => `\\x${b.toString(16).padStart(2, "0")}`;

/**
 * Renders bytes as terminal-safe text: printable UTF-8 as is; control, format and
 * line-separator characters and invalid bytes as `\xNN` per byte; `\` as `\\`; any
 * character in `alsoEscape` (e.g. `:` for terse output) as `\` plus the character.
 */
export function escapeBytes(bytes: Uint8Array, alsoEscape = ""): string {
  let out = "";
  for (const piece of utf8Pieces(bytes)) {
    if ("invalid" in piece) {
      out += hex2(piece.invalid);
      continue;
    }
    const ch = String.fromCodePoint(piece.cp);
    if (ch === "\\" || alsoEscape.includes(ch)) out += `\\${ch}`;
    else if (UNSAFE.test(ch) && !keepFormat(piece.cp)) out += Array.from(piece.bytes, hex2).join("");
    else out += ch;
  }
  return out;
}

/**
 * For messages (errors, logs) that quote untrusted text: escapes only what a terminal would
 * act on (control, format and line-separator characters), leaving backslashes alone so
 * paths and JSON snippets read naturally. Newlines are kept when `keepNewlines` is set.
 */
export function terminalSafe(text: string, keepNewlines = false): string {
  const lines = keepNewlines ? text.split("\n") : [text];
  return lines.map((line) => line.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, unsafeToHex)).join("\n");
}

function unsafeToHex(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  if (keepFormat(cp)) return ch;
  return Array.from(new TextEncoder().encode(ch), hex2).join("");
}

/** `escapeBytes` for a JS string (e.g. a plugin's display name). */
export function escapeText(text: string, alsoEscape = ""): string {
  return escapeBytes(new TextEncoder().encode(text), alsoEscape);
}

/** East Asian Wide and Fullwidth ranges (UAX #11) that occur in real SSIDs: CJK, Hangul, kana, fullwidth forms. */
const WIDE_RANGES: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xa960, 0xa97f],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1b000, 0x1b2ff],
  [0x1f200, 0x1f2ff],
  [0x20000, 0x2fffd],
  [0x30000, 0x3fffd],
];

function isWide(cp: number): boolean {
  return WIDE_RANGES.some(([lo, hi]) => cp >= lo && cp <= hi);
}

const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;
const EMOJI_PRESENTATION = /\p{Emoji_Presentation}|\ufe0f/u;
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]+$/u;
/** Printable ASCII: one column per character, no segmentation needed. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
/**
 * Code points that can join the one before or after into a single grapheme (UAX #29):
 * marks and other Extend/SpacingMark characters (\p{M}, the halfwidth kana sound marks,
 * emoji modifiers, Thai and Lao SARA AM, a few SpacingMark letters), format characters
 * (ZWJ, ZWNJ, tags and most Prepend characters are \p{Cf}), controls (CR LF), regional
 * indicators, Hangul jamo and the few Prepend letters. Text without any of them is one
 * grapheme per code point, so it needs no segmenter; a unit test checks that against ICU.
 */
export const JOINING =
  /[\p{M}\p{Cf}\p{Cc}\u0d4e\u0e33\u0eb3\u1100-\u11ff\ua960-\ua97f\ud7b0-\ud7ff\uff9e\uff9f\u{111c2}\u{111c3}\u{113d1}\u{1193f}\u{11941}\u{11a3a}\u{11a84}-\u{11a89}\u{11d46}\u{11f02}\u{16d63}\u{16d67}-\u{16d6a}\u{1f1e6}-\u{1f1ff}\u{1f3fb}-\u{1f3ff}]/u;
// Made on first use, and only for text with joining characters: building a grapheme
// segmenter loads ICU's break rules (some 25 ms and 2.5 MB), which `hotspot list` paid
// for any SSID with an accent, a CJK character or an emoji.
let segmenter: Intl.Segmenter | undefined;

/** Columns one grapheme takes. */
function graphemeWidth(grapheme: string): number {
  if (EMOJI.test(grapheme) && EMOJI_PRESENTATION.test(grapheme)) return 2;
  if (isWide(grapheme.codePointAt(0) ?? 0)) return 2;
  if (ZERO_WIDTH.test(grapheme)) return 0;
  return 1;
}

/**
 * Terminal columns a (safe) string occupies: wide CJK and emoji-presentation graphemes take
 * two, combining marks and joiners none. Good for common cases, as nmcli's own is.
 */
export function displayWidth(text: string): number {
  if (PRINTABLE_ASCII.test(text)) return text.length;
  let width = 0;
  if (!JOINING.test(text)) {
    for (const codePoint of text) width += graphemeWidth(codePoint);
    return width;
  }
  segmenter ??= new Intl.Segmenter("en", { granularity: "grapheme" });
  for (const { segment } of segmenter.segment(text)) width += graphemeWidth(segment);
  return width;
}

/** Pads with spaces to `width` display columns. */
export function padDisplay(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - displayWidth(text)));
}
