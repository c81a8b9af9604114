import { type ErrorCode, type HotspotError, hotspotError, isHotspotError, reasonOf } from "../errors.ts";

/**
 * Load failures as they cross from a plugin's child process: a coded error keeps its code
 * and parameters, anything else becomes its message. The daemon rebuilds only the load-time
 * codes a child can legitimately report; any other code from a child (which is untrusted)
 * is reported as a load failure with the child's text, never as one of the daemon's own.
 */

export interface SerializedError {
  readonly code?: string | undefined;
  readonly params?: Readonly<Record<string, string | number | boolean>> | undefined;
  readonly message: string;
}

/** Codes a child may report for its plugin's import, validation or settings. */
const CHILD_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  "HH_PLUGIN_LOAD_FAILED",
  "HH_PLUGIN_DEFINITION_INVALID",
  "HH_PLUGIN_SDK_INCOMPATIBLE",
  "HH_PLUGIN_CONFIG_INVALID",
]);

function isChildCode(code: string | undefined): code is ErrorCode {
  return code !== undefined && CHILD_CODES.has(code);
}

export function serializeError(e: unknown): SerializedError {
  if (!isHotspotError(e)) return { message: reasonOf(e) };
  const params: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(e.params)) if (v !== undefined) params[k] = v;
  return { code: e.code, params, message: e.message };
}

/** The daemon's error for what a child reported about the plugin at `path`. */
export function childLoadError(error: SerializedError, path: string): HotspotError {
  if (isChildCode(error.code) && error.params) return hotspotError(error.code, error.params);
  return hotspotError("HH_PLUGIN_LOAD_FAILED", { path, reason: error.message });
}
