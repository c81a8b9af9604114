import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { LogSink } from "../daemon/log.ts";
import { reasonOf } from "../errors.ts";
import { daemonPluginProcesses } from "../plugin-host/daemon-processes.ts";
import type { ChildSideOptions } from "../plugin-host/protocol.ts";
import type { PluginSupervisor } from "../plugin-host/supervisor.ts";

export interface DaemonPluginProcessesOptions {
  /** The daemon's state directory (`--state-dir`, else defaultStateDir). */
  readonly stateDir: string;
  /** Read at each spawn: what else the plugin side gets (the config's User-Agent). */
  readonly side: () => Omit<ChildSideOptions, "storeRoot" | "browser">;
  readonly env: NodeJS.ProcessEnv;
  readonly log: LogSink;
}

/** Where the daemon's plugins, in processes or not, save a failed browser step. */
export const browserFailuresDir = (stateDir: string): string => join(stateDir, "browser-failures");

/**
 * The daemon's plugin processes, with their stores and their browser's failure artifacts
 * (screenshot and page of a failed step) beside the daemon's own state, as `--state-dir`
 * says. The artifacts folder is made before any process starts: under Node's permission
 * model a plugin's process may write only in folders it was granted, and a grant of a
 * folder that does not exist yet lets it create nothing there, so a failed browser step
 * would save nothing and its error would name no folder.
 */
export async function daemonPluginProcessesIn(opts: DaemonPluginProcessesOptions): Promise<PluginSupervisor> {
  const browserFailures = browserFailuresDir(opts.stateDir);
  let browserDirs: string[] = [];
  try {
    await mkdir(browserFailures, { recursive: true, mode: 0o700 });
    browserDirs = [browserFailures];
  } catch (e) {
    opts.log({
      level: "warn",
      scope: "daemon",
      message: `cannot create ${browserFailures}: a failed browser step saves no screenshot (${reasonOf(e)})`,
    });
  }
  return daemonPluginProcesses({
    storeRoot: join(opts.stateDir, "plugins"),
    side: () => ({ ...opts.side(), browser: { artifactsRoot: browserFailures } }),
    browserDirs,
    permissions: true,
    env: opts.env,
    log: opts.log,
  });
}
