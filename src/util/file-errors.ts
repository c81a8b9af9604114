import { reasonOf } from "../errors.ts";
import { errnoCode } from "./errno.ts";

/** Error texts for files a user hands us: a readable errno reason, a JSON error with its line. */

/**
 * Adds a line and column to a JSON.parse error. Node 20's V8 gives "at position N" for most
 * errors, but for an unexpected token only a snippet of 10 characters either side (with
 * raw newlines in it), so we recover the position from the snippet and drop it.
 */
export function jsonErrorWithLine(message: string, text: string): string {
  if (/\bline \d+/.test(message)) return message;
  const at = /at position (\d+)/.exec(message);
  if (at?.[1]) return `${message} (${lineColumn(text, Number(at[1]))})`;
  if (message === "Unexpected end of JSON input") return `${message} (${lineColumn(text, text.length)})`;
  const token = /^Unexpected token '([\s\S]+?)', (\.\.\.)?"([\s\S]*)"(\.\.\.)? is not valid JSON$/.exec(
    message,
  );
  if (!token?.[1] || token[3] === undefined) return message;
  const position = tokenPosition(text, token[1], token[3], token[2] !== undefined, token[4] !== undefined);
  const head = `Unexpected token '${token[1]}'`;
  return position === undefined ? head : `${head} at position ${position} (${lineColumn(text, position)})`;
}

/** V8 (JsonParser::ReportUnexpectedToken) shows source[pos-10, pos+10), with "..." where it cut. */
function tokenPosition(
  text: string,
  token: string,
  snippet: string,
  cutStart: boolean,
  cutEnd: boolean,
): number | undefined {
  const CONTEXT = 10;
  const start = text.indexOf(snippet);
  if (start < 0) return undefined;
  let position: number;
  if (cutStart) position = start + CONTEXT;
  else if (cutEnd) position = start + snippet.length - CONTEXT;
  else position = start + snippet.indexOf(token);
  return text.startsWith(token, position) ? position : undefined;
}

function lineColumn(text: string, position: number): string {
  const before = text.slice(0, position);
  return `line ${before.split("\n").length} column ${position - before.lastIndexOf("\n")}`;
}

/** "no such file" reads better than ENOENT's full message with the path repeated. */
export function fsReason(e: unknown): string {
  switch (errnoCode(e)) {
    case "ENOENT":
      return "no such file";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "is a directory, expected a file";
    default:
      return reasonOf(e);
  }
}
