import type { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";

/**
 * Splits what a plugin's process writes on stdout or stderr into lines, holding at most
 * `keep` characters of a line in memory: readline keeps a line until its newline comes, so a
 * process writing a gigabyte without one would grow the daemon by a gigabyte. Past `keep`,
 * the rest of the line is counted, not kept, and the line is handed on when its newline (or
 * the end of the stream) comes, with how many characters were left out.
 *
 * `keep` is larger than what the log finally shows (the caller cuts after redaction, so a
 * credential straddling the cut is still recognised whole).
 */
export function outputLines(
  stream: Readable,
  keep: number,
  onLine: (line: string, cut: number) => void,
): Promise<void> {
  const decoder = new StringDecoder("utf8");
  let line = "";
  let cut = 0;
  const emit = (): void => {
    const text = line.endsWith("\r") ? line.slice(0, -1) : line;
    const dropped = cut;
    line = "";
    cut = 0;
    onLine(text, dropped);
  };
  const add = (chunk: string): void => {
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf("\n", from);
      const piece = nl === -1 ? chunk.slice(from) : chunk.slice(from, nl);
      const room = keep - line.length;
      if (piece.length <= room) line += piece;
      else {
        line += piece.slice(0, Math.max(0, room));
        cut += piece.length - Math.max(0, room);
      }
      if (nl === -1) return;
      emit();
      from = nl + 1;
    }
  };
  return new Promise((resolve) => {
    stream.on("data", (d: Buffer | string) => add(typeof d === "string" ? d : decoder.write(d)));
    const end = (): void => {
      add(decoder.end());
      if (line.length > 0 || cut > 0) emit();
      resolve();
    };
    stream.once("end", end);
    // A stream destroyed without an end (the process killed mid-write) still settles.
    stream.once("close", () => resolve());
    stream.once("error", () => resolve());
  });
}
