import type { Readable } from "node:stream";
import zlib from "node:zlib";

/**
 * Decoding of `Content-Encoding: gzip | deflate | br` bodies, which we ask for because
 * browsers do (a gateway that compresses only for browsers should look the same to us).
 * The caller counts the DECODED bytes against its cap and destroys the stream when it is
 * exceeded, so a small compressed body that inflates to gigabytes (a compression bomb)
 * costs at most the cap plus one zlib output chunk.
 *
 * Leniency follows browsers: a body cut short still gives what was decoded (sync flush at
 * the end), `deflate` may be zlib-wrapped (as RFC 9110 says) or raw (as old servers send),
 * `x-gzip` is gzip. An encoding we do not know leaves the body as it came.
 */

export type Decoder = zlib.Gunzip | zlib.Inflate | zlib.InflateRaw | zlib.BrotliDecompress;

/** Encodings named in Content-Encoding, in the order they were applied; `identity` dropped. */
export function contentEncodings(header: string | undefined): string[] {
  if (header === undefined) return [];
  return header
    .split(",")
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e !== "" && e !== "identity");
}

/** True when every listed encoding is one we decode (else the body is passed through untouched). */
export function canDecode(encodings: readonly string[]): boolean {
  return encodings.length > 0 && encodings.length <= 2 && encodings.every((e) => KNOWN.has(e));
}

const KNOWN = new Set(["gzip", "x-gzip", "deflate", "br"]);

const ZLIB_OPTIONS = { finishFlush: zlib.constants.Z_SYNC_FLUSH } as const;
const BROTLI_OPTIONS = { finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH } as const;

/** A zlib stream (RFC 1950): CMF says deflate (low nibble 8) and CMF·256+FLG is a multiple of 31. */
function looksZlibWrapped(first: Buffer): boolean {
  const cmf = first[0];
  const flg = first[1];
  if (cmf === undefined || flg === undefined) return true;
  return (cmf & 0x0f) === 8 && (cmf * 256 + flg) % 31 === 0;
}

function decoderFor(encoding: string, first: Buffer): Decoder {
  if (encoding === "br") return zlib.createBrotliDecompress(BROTLI_OPTIONS);
  if (encoding === "deflate") {
    return looksZlibWrapped(first) ? zlib.createInflate(ZLIB_OPTIONS) : zlib.createInflateRaw(ZLIB_OPTIONS);
  }
  return zlib.createGunzip(ZLIB_OPTIONS);
}

/**
 * Pipes `source` through the decoders for `encodings` (applied in order, so decoded in
 * reverse). The first decoder is built when the first chunk arrives, because telling raw
 * from wrapped deflate needs its first bytes; an empty body never builds one.
 */
export function decodeStream(
  source: Readable,
  encodings: readonly string[],
  sink: {
    data(chunk: Buffer): void;
    end(): void;
    error(e: Error): void;
  },
): { destroy(): void } {
  const decoders: Decoder[] = [];
  let destroyed = false;
  const build = (first: Buffer): Decoder => {
    const order = [...encodings].reverse();
    let head: Decoder | undefined;
    let prev: Decoder | undefined;
    for (const encoding of order) {
      const d = decoderFor(encoding, prev === undefined ? first : Buffer.alloc(0));
      decoders.push(d);
      d.on("error", (e: Error) => {
        if (!destroyed) sink.error(e);
      });
      if (prev !== undefined) prev.pipe(d);
      head ??= d;
      prev = d;
    }
    const last = prev;
    if (head === undefined || last === undefined) throw new Error("no encodings to decode");
    last.on("data", (chunk: Buffer) => {
      if (!destroyed) sink.data(chunk);
    });
    last.on("end", () => {
      if (!destroyed) sink.end();
    });
    return head;
  };
  let head: Decoder | undefined;
  source.on("data", (chunk: Buffer) => {
    if (destroyed) return;
    head ??= build(chunk);
    head.write(chunk);
  });
  source.on("end", () => {
    if (destroyed) return;
    if (head === undefined) sink.end();
    else head.end();
  });
  return {
    destroy() {
      destroyed = true;
      for (const d of decoders) d.destroy();
    },
  };
}
