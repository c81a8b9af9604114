/**
 * An open-addressing hash set of byte strings (SSIDs, SSID prefixes), stored in typed arrays.
 *
 * Why not a Map keyed by Latin-1 strings: with a million claims, the Map version spent
 * most of its build in allocation and GC (one string and one hash-table slot object per
 * claim, rehashing as it grows) and each look-up had to build a fresh string to hash. Here
 * keys live back to back in one byte buffer, the table never allocates per key, and the
 * FNV-1a hash is computed incrementally: hashing an SSID once yields the hash of every
 * prefix of it on the way, so prefix look-ups of all lengths cost one pass over the bytes.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a of the first `len` bytes of `bytes` (32-bit, as a signed int). */
export function fnv1a(bytes: Uint8Array, len: number = bytes.length): number {
  let h = FNV_OFFSET | 0;
  for (let i = 0; i < len; i++) h = Math.imul(h ^ (bytes[i] ?? 0), FNV_PRIME);
  return h;
}

/** One more byte of an FNV-1a hash: `fnvStep(fnv1a(b, n), b[n]) === fnv1a(b, n + 1)`. */
export function fnvStep(hash: number, byte: number): number {
  return Math.imul(hash ^ byte, FNV_PRIME);
}

export const FNV_START = FNV_OFFSET | 0;

function nextPow2(n: number): number {
  let p = 16;
  while (p < n) p *= 2;
  return p;
}

export class ByteTable {
  #bytes: Uint8Array;
  #bytesUsed = 0;
  #start: Int32Array;
  #len: Uint8Array;
  #hash: Int32Array;
  /** One int of payload per key, for the caller. */
  #value: Int32Array;
  #count = 0;
  /** Key index + 1 per slot; 0 = empty. Kept at most half full. */
  #slots: Int32Array;
  #mask: number;

  /** `expectedKeys` and `expectedBytes` presize the buffers (they still grow if exceeded). */
  constructor(expectedKeys = 16, expectedBytes = expectedKeys * 16) {
    const keys = Math.max(16, expectedKeys);
    this.#bytes = new Uint8Array(Math.max(64, expectedBytes));
    this.#start = new Int32Array(keys);
    this.#len = new Uint8Array(keys);
    this.#hash = new Int32Array(keys);
    this.#value = new Int32Array(keys);
    this.#slots = new Int32Array(nextPow2(keys * 2));
    this.#mask = this.#slots.length - 1;
  }

  /** Number of distinct keys. */
  get size(): number {
    return this.#count;
  }

  /** Bytes held by the table's buffers (for the benchmark's memory report). */
  get byteLength(): number {
    return (
      this.#bytes.byteLength +
      this.#start.byteLength +
      this.#len.byteLength +
      this.#hash.byteLength +
      this.#value.byteLength +
      this.#slots.byteLength
    );
  }

  /** Index of the key equal to `src[0..len)` (whose hash is `hash`), or -1. */
  find(src: Uint8Array, len: number, hash: number): number {
    let slot = hash & this.#mask;
    for (;;) {
      const k = (this.#slots[slot] ?? 0) - 1;
      if (k < 0) return -1;
      if (this.#hash[k] === hash && this.#len[k] === len && this.#equals(k, src, len)) return k;
      slot = (slot + 1) & this.#mask;
    }
  }

  /**
   * Index of the key `src[0..len)`, adding it (with value `initial`) if absent. A new key's
   * index is `size - 1` afterwards; callers tell new from old by comparing `size`.
   */
  intern(src: Uint8Array, len: number, hash: number, initial: number): number {
    const found = this.find(src, len, hash);
    if (found >= 0) return found;
    if (len > 255) throw new RangeError("keys are at most 255 bytes");
    const k = this.#count++;
    if (k >= this.#start.length) this.#growKeys();
    if (this.#bytesUsed + len > this.#bytes.length) {
      const bigger = new Uint8Array(Math.max(this.#bytes.length * 2, this.#bytesUsed + len));
      bigger.set(this.#bytes.subarray(0, this.#bytesUsed));
      this.#bytes = bigger;
    }
    this.#bytes.set(src.subarray(0, len), this.#bytesUsed);
    this.#start[k] = this.#bytesUsed;
    this.#len[k] = len;
    this.#hash[k] = hash;
    this.#value[k] = initial;
    this.#bytesUsed += len;
    if (this.#count * 2 > this.#slots.length) this.#rehash(this.#slots.length * 2);
    else this.#place(k);
    return k;
  }

  value(k: number): number {
    return this.#value[k] ?? 0;
  }

  setValue(k: number, v: number): void {
    this.#value[k] = v;
  }

  /** A copy of key `k`'s bytes. */
  key(k: number): Uint8Array {
    const start = this.#start[k] ?? 0;
    return this.#bytes.slice(start, start + (this.#len[k] ?? 0));
  }

  #equals(k: number, src: Uint8Array, len: number): boolean {
    const start = this.#start[k] ?? 0;
    const bytes = this.#bytes;
    for (let i = 0; i < len; i++) if (bytes[start + i] !== src[i]) return false;
    return true;
  }

  #place(k: number): void {
    let slot = (this.#hash[k] ?? 0) & this.#mask;
    while (this.#slots[slot] !== 0) slot = (slot + 1) & this.#mask;
    this.#slots[slot] = k + 1;
  }

  #growKeys(): void {
    const n = this.#start.length * 2;
    const start = new Int32Array(n);
    start.set(this.#start);
    this.#start = start;
    const len = new Uint8Array(n);
    len.set(this.#len);
    this.#len = len;
    const hash = new Int32Array(n);
    hash.set(this.#hash);
    this.#hash = hash;
    const value = new Int32Array(n);
    value.set(this.#value);
    this.#value = value;
  }

  #rehash(size: number): void {
    this.#slots = new Int32Array(size);
    this.#mask = size - 1;
    for (let k = 0; k < this.#count; k++) this.#place(k);
  }
}
