import { readFile } from "node:fs/promises";
import { hotspotError, reasonOf } from "../errors.ts";
import { errnoCode, fsReason, jsonErrorWithLine } from "../scan/scan-file.ts";
import { allIssues } from "../util/zod.ts";
import { migrateConfig } from "./migrate.ts";
import { defaultConfigPath } from "./paths.ts";
import { type UserConfig, userConfigSchema } from "./schema.ts";

export { defaultConfigPath } from "./paths.ts";

/** The user's config, and which of its top-level settings the file itself set. */
export interface LoadedUserConfig {
  readonly config: UserConfig;
  /**
   * Top-level keys present in the file (`probeUrl`, `plugins`, …); the others hold defaults.
   * Empty when there is no file. Lets a caller give a setting the user did not make a better
   * default than the schema's (the daemon: NetworkManager's connectivity URI for `probeUrl`).
   */
  readonly setInFile: ReadonlySet<string>;
}

/**
 * Reads and validates the user's config file. Without `path`, the default location is
 * used and a missing file means all defaults (most users never write one); a path the
 * user gave explicitly must exist.
 * @throws HH_FILE_UNREADABLE when an explicit file (or an existing default one) cannot be read;
 * HH_CONFIG_INVALID naming the file and field for bad JSON or a schema violation.
 */
export async function loadUserConfigFile(
  path?: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<LoadedUserConfig> {
  const file = path ?? defaultConfigPath(env);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    if (path === undefined && errnoCode(e) === "ENOENT")
      return { config: userConfigSchema.parse({}), setInFile: new Set() };
    throw hotspotError("HH_FILE_UNREADABLE", { file, reason: fsReason(e) }, { cause: e });
  }
  return parseUserConfigText(text, file);
}

/** As loadUserConfigFile, the config alone. */
export async function loadUserConfig(
  path?: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<UserConfig> {
  return (await loadUserConfigFile(path, env)).config;
}

/** Validates config text; `file` names it in errors. */
export function parseUserConfig(text: string, file: string): UserConfig {
  return parseUserConfigText(text, file).config;
}

function parseUserConfigText(text: string, file: string): LoadedUserConfig {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw hotspotError(
      "HH_CONFIG_INVALID",
      { file, field: "(root)", reason: `not valid JSON: ${jsonErrorWithLine(reasonOf(e), text)}` },
      { cause: e },
    );
  }
  const parsed = userConfigSchema.safeParse(migrateConfig(data, file));
  if (!parsed.success) throw hotspotError("HH_CONFIG_INVALID", { file, ...allIssues(parsed.error) });
  // The schema is strict and parsed an object: its keys are the settings the file made.
  const setInFile = new Set(typeof data === "object" && data !== null ? Object.keys(data) : []);
  return { config: parsed.data, setInFile };
}
