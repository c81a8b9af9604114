import { hotspotError } from "../errors.ts";
import { describeImportFailure } from "./import-failure.ts";
import { importPluginModule } from "./plugin-import.ts";

/**
 * Importing one plugin entry file, bounded in time, and taking its default export. Its own
 * module (not the loader's) because a plugin's child process runs it and nothing else of
 * the loader: the fewer modules a child loads, the sooner it serves.
 */

/** How long a plugin module may take to import, top-level await included, by default. */
export const PLUGIN_IMPORT_TIMEOUT_MS = 10_000;

/**
 * The module, or a rejection when it has not finished importing within `ms`: a plugin whose
 * top level awaits forever (a network call at import) must not keep the daemon from
 * starting. An import cannot be cancelled; the stuck one is left behind, unused.
 */
function importWithin(file: string, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(`it did not finish importing within ${ms} ms (a top-level await that never settles?)`),
        ),
      ms,
    );
  });
  return Promise.race([importPluginModule(file), late]).finally(() => clearTimeout(timer));
}

/**
 * The default export of the plugin module at `file`, imported within `timeoutMs`. Throws
 * HH_PLUGIN_LOAD_FAILED (it did not import) or HH_PLUGIN_DEFINITION_INVALID (no default
 * export). Also what a plugin's child process runs (src/plugin-host/child-main.ts).
 */
export async function importDefault(file: string, timeoutMs: number): Promise<unknown> {
  let mod: unknown;
  try {
    mod = await importWithin(file, timeoutMs);
  } catch (e) {
    throw hotspotError(
      "HH_PLUGIN_LOAD_FAILED",
      { path: file, reason: describeImportFailure(e) },
      { cause: e },
    );
  }
  if (typeof mod !== "object" || mod === null || !("default" in mod)) {
    throw hotspotError("HH_PLUGIN_DEFINITION_INVALID", {
      plugin: file,
      path: file,
      field: "(default export)",
      reason: "the module has no default export; export default definePlugin({ ... })",
    });
  }
  return mod.default;
}
