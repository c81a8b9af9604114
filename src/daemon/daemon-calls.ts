import type { UserConfig } from "../config/schema.ts";
import type { PluginRegistry } from "../helper-api/registry-types.ts";
import { inProcessPluginLog } from "../plugin-host/daemon-processes.ts";
import { createPluginHost } from "../plugin-host/host.ts";
import type { DaemonOptions } from "./daemon-options.ts";
import type { LinkChecks } from "./link-checks.ts";
import type { LogEntry } from "./log.ts";
import { createPluginCalls, type PluginCalls } from "./plugin-calls.ts";

interface CallsSetup {
  readonly opts: DaemonOptions;
  readonly config: UserConfig;
  readonly registry: PluginRegistry;
  readonly links: LinkChecks;
  /** The daemon's redacting log writer: plugins log under their own id as scope. */
  write(entry: LogEntry): void;
  problem(device: string | undefined, e: unknown): void;
}

/**
 * How the daemon calls plugin hooks, made afresh at start and on every reload (the config
 * and registry change): plugin traffic goes over the joined link, plugin logs go to the
 * daemon's log under the plugin's id, and isolated plugins run in their processes.
 */
export function createDaemonCalls(c: CallsSetup): PluginCalls {
  const { opts } = c;
  // Each plugin's log budget and line cut, as for a plugin in a process of its own.
  const pluginLog = inProcessPluginLog((e) => c.write(e));
  const host = createPluginHost({
    config: c.config,
    storeRoot: opts.pluginStoreRoot,
    log: pluginLog.log,
    onHookEnd: pluginLog.hookEnded,
    onHttp: opts.onHttp,
    transportFor: (n, signal) => c.links.transport(n, signal),
    onHookError: (error, n) => c.problem(n?.interface, error),
    ca: opts.ca,
    testNetwork: opts.testNetwork,
    // In process a hook takes the warm tab itself; a plugin's own process is lent it. Its
    // failure screenshots go where the daemon's plugin processes put theirs.
    browser: {
      ...(opts.browserArtifactsRoot === undefined ? {} : { artifactsRoot: opts.browserArtifactsRoot }),
      ...(opts.warmBrowser ? { acquire: opts.warmBrowser.acquire } : {}),
    },
    ...(opts.warmBrowser ? { warmBrowser: opts.warmBrowser } : {}),
    processes: opts.pluginProcesses,
  });
  return createPluginCalls({ registry: c.registry, host });
}
