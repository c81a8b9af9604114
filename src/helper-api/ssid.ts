/**
 * SSIDs are up to 32 arbitrary bytes (IEEE 802.11): they may be non-UTF-8 and contain NUL.
 * We keep the bytes as the identity and derive text only for display.
 */
export const MAX_SSID_BYTES = 32;

export const HEX_RE = /^(?:[0-9a-fA-F]{2})*$/;

/** An SSID as written in files: plain text (UTF-8 encoded) or `{ hex }` for exact bytes (scan-schemas.ts checks it). */
export type SsidInput = string | { readonly hex: string };

export function ssidBytesFromInput(input: SsidInput): Uint8Array {
  return typeof input === "string" ? new TextEncoder().encode(input) : hexToBytes(input.hex);
}

export function hexToBytes(hex: string): Uint8Array {
  if (!HEX_RE.test(hex)) throw new TypeError(`not a hex string: ${hex}`);
  return Uint8Array.from(Buffer.from(hex, "hex"));
}

export function bytesToHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

/** Display text: invalid UTF-8 sequences become U+FFFD, as the JSON contract asks. */
export function ssidToText(bytes: Uint8Array): string {
  return new TextDecoder("utf-8", { fatal: false }).decode(bytes);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function bytesStartWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (prefix.length > bytes.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

/**
 * A Latin-1 ("binary") string with one char per byte. Regex patterns in claims run against
 * the UTF-8 text, but map keys use this so that non-UTF-8 SSIDs stay distinct.
 */
export function bytesKey(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
}
