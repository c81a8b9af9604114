import { reasonOf } from "../errors.ts";

/**
 * One line saying why a plugin module failed to import, for HH_PLUGIN_LOAD_FAILED. The
 * error's own message can span lines (esbuild, which transpiles TypeScript plugins, lists
 * each error under a "Transform failed" header) and a stack is useless to an operator:
 * the problem is in their file, not in ours.
 */
export function describeImportFailure(e: unknown): string {
  const message = reasonOf(e);
  const lines = message
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  // esbuild: "Transform failed with 1 error:\n/path/index.ts:9:0: ERROR: Expected ..."
  if (/^Transform failed with \d+ errors?:?$/.test(lines[0] ?? "")) {
    const errors = lines.slice(1).map((l) => l.replace(/^(.*?:\d+:\d+): ERROR: /, "$1: "));
    return `syntax error at ${errors.join("; ")}`;
  }
  if (e instanceof SyntaxError) {
    // CommonJS syntax errors put "file:line" first in the stack; ESM ones carry no location.
    const at = /^(\/\S+:\d+)$/.exec(e.stack?.split("\n")[0] ?? "")?.[1];
    return `syntax error${at ? ` at ${at}` : ""}: ${lines[0] ?? message}`;
  }
  return lines.join("; ") || message;
}
