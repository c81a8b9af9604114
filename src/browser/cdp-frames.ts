/**
 * The framing of Chromium's DevTools pipe (`--remote-debugging-pipe`): JSON messages, each
 * followed by a NUL byte. The relay speaks the same framing on its Unix socket.
 */

/** Largest message accepted from a plugin's connection (a screenshot reply is larger, but goes the other way). */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;

/** A data handler that calls `onFrame` with every complete message; false from it, or an oversized frame, stops it. */
export function frameReader(
  onFrame: (text: string) => void,
  onOversize?: () => void,
): (chunk: Buffer) => void {
  let pending: Buffer[] = [];
  let size = 0;
  return (chunk) => {
    let start = 0;
    let end = chunk.indexOf(0);
    while (end !== -1) {
      const text = Buffer.concat([...pending, chunk.subarray(start, end)]).toString("utf8");
      pending = [];
      size = 0;
      onFrame(text);
      start = end + 1;
      end = chunk.indexOf(0, start);
    }
    if (start < chunk.length) {
      size += chunk.length - start;
      if (size > MAX_FRAME_BYTES) {
        pending = [];
        size = 0;
        onOversize?.();
        return;
      }
      pending.push(chunk.subarray(start));
    }
  };
}

export function frame(message: unknown): string {
  return `${JSON.stringify(message)}\0`;
}
