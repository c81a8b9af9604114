import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CommandRun, run } from "../../support/installed-package.ts";

const ROOT = join(import.meta.dirname, "../../..");
const TEST_CACHE = join(tmpdir(), `hotspot-helper-test-cache-${process.pid}`);
process.once("exit", () => rmSync(TEST_CACHE, { recursive: true, force: true }));

/**
 * Runs `bin/hotspot.js` as a real process from the repository root, with a config home that
 * does not exist (no user config or credentials leak in), a cache folder of the test
 * process's own (plugin descriptors are cached there, never in the machine's) and the given
 * extra environment.
 */
export function runHotspot(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CommandRun> {
  return run(process.execPath, [join(ROOT, "bin/hotspot.js"), ...args], ROOT, {
    ...process.env,
    XDG_CONFIG_HOME: "/nonexistent/hotspot-helper-test-config",
    XDG_CACHE_HOME: TEST_CACHE,
    ...env,
  });
}

/** One row of `hotspot list --json`, the fields these tests read. */
export interface ListRow {
  readonly ssid: string;
  readonly ssidHex: string;
  readonly bssid: string;
  readonly security: string;
  readonly strength: number;
  readonly provider: { readonly pluginId: string } | null;
}

export function parseRows(stdout: string): ListRow[] {
  const rows: unknown = JSON.parse(stdout);
  if (!Array.isArray(rows)) throw new Error(`not a JSON array: ${stdout.slice(0, 200)}`);
  return rows;
}
