import { DEFAULT_HOOK_TIMEOUTS_MS } from "../helper-api/deadlines.ts";
import { CONFIG_VERSION } from "./migrate.ts";
import type { UserConfig } from "./schema.ts";

/**
 * The config a user without a config file has: what `userConfigSchema.parse({})` gives,
 * written out so that a command can have it without loading zod (most users never write a
 * config file, and `hotspot list` should start fast for them). A unit test holds it equal
 * to the schema's defaults, so the two cannot drift apart.
 */
export function plainDefaultConfig(): UserConfig {
  return {
    version: CONFIG_VERSION,
    probeUrl: "http://connectivitycheck.gstatic.com/generate_204",
    evaluateTimeoutMs: DEFAULT_HOOK_TIMEOUTS_MS.evaluate,
    hookTimeoutMs: DEFAULT_HOOK_TIMEOUTS_MS.authenticate,
    maintainIntervalSeconds: 300,
    preferences: {},
    plugins: {},
    pluginDirs: [],
    pluginIsolation: "process",
  };
}
