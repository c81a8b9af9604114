import { spawn } from "node:child_process";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "../../..");

export interface HotspotRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `bin/hotspot.js` as a real process from the repository root, with a config home that
 * does not exist (no user config or credentials leak in) and the given extra environment.
 */
export function runHotspot(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<HotspotRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, "bin/hotspot.js"), ...args], {
      cwd: ROOT,
      env: { ...process.env, XDG_CONFIG_HOME: "/nonexistent/hotspot-helper-test-config", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
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
