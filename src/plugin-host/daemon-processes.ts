import type { EventEmitter } from "eventemitter3";
import type { DaemonEvents, SessionSummary } from "../daemon/events.ts";
import type { LogSink } from "../daemon/log.ts";
import { PLUGIN_IMPORT_TIMEOUT_MS } from "../helper-api/plugin-entry.ts";
import { clip, clipFields, PluginLogLimits } from "./log-limit.ts";
import type { PluginLogEntry } from "./logger.ts";
import { PluginSupervisor, type SupervisorOptions } from "./supervisor.ts";

/**
 * The daemon's plugin supervisor, wired to its log: process events under the `plugins`
 * scope, what a plugin logs or prints under the plugin's id. Every line goes through the
 * daemon's log sink, which redacts every configured credential, so a child that sends a
 * secret back (it holds its plugin's credentials) cannot get it into the log.
 */
export function daemonPluginProcesses(
  opts: Pick<
    SupervisorOptions,
    "storeRoot" | "side" | "permissions" | "env" | "onHttp" | "onState" | "browserDirs"
  > & {
    readonly log: LogSink;
  },
): PluginSupervisor {
  const { log, ...rest } = opts;
  return new PluginSupervisor({
    ...rest,
    importTimeoutMs: PLUGIN_IMPORT_TIMEOUT_MS,
    log: (level, message, fields) => log({ level, scope: "plugins", message, ...(fields ? { fields } : {}) }),
    pluginLog: (plugin, level, message, fields) =>
      log({ level, scope: plugin, message, ...(fields ? { fields } : {}) }),
  });
}

/**
 * The daemon's sink for what plugins running in its own process log (pluginIsolation "none",
 * and the registry's own filterScanList calls): the same per-plugin budget and cut as for a
 * plugin's process. Entries come already redacted (logger.ts). `hookEnded` reports a plugin's
 * drops when its hook call ends (the host's `onHookEnd`); otherwise a flood's summary comes
 * with the plugin's next line through or, while it lasts, every summary period.
 */
export function inProcessPluginLog(log: LogSink): {
  readonly log: (e: PluginLogEntry) => void;
  readonly hookEnded: (pluginId: string) => void;
} {
  const limits = new PluginLogLimits((plugin, message, s) =>
    log({
      level: "warn",
      scope: "plugins",
      message,
      fields: { plugin, dropped: s.dropped, overMs: s.overMs },
    }),
  );
  return {
    log: (e) => {
      if (!limits.admit(e.plugin)) return;
      const fields = clipFields(e.fields);
      log({ level: e.level, scope: e.plugin, message: clip(e.message), ...(fields ? { fields } : {}) });
    },
    hookEnded: (pluginId) => limits.flush(pluginId),
  };
}

/** What followDaemon needs of the daemon. */
export interface FollowedDaemon extends Pick<EventEmitter<DaemonEvents>, "on" | "off"> {
  listSessions(): readonly SessionSummary[];
}

/**
 * Keeps the right children warm as the daemon goes: after each scan, the plugin that would
 * win each claimed network is started ahead of a join (the login then pays no cold start);
 * a plugin with a logged-in session keeps its child while the session lasts, when the
 * session will call it (the supervisor's `hold`). Returns the function that stops following.
 */
export function followDaemon(
  supervisor: Pick<PluginSupervisor, "warm" | "hold">,
  daemon: FollowedDaemon,
): () => void {
  const onNetworks: DaemonEvents["networks"] = (_device, _networks, claims) => {
    const best = new Set<string>();
    for (const list of claims) {
      const first = list[0];
      if (first) best.add(first.pluginId);
    }
    supervisor.warm(best);
  };
  const onSession = (): void => {
    supervisor.hold(
      daemon
        .listSessions()
        .filter((s) => s.authenticatedAt !== undefined)
        .flatMap((s) => (s.pluginId === undefined ? [] : [s.pluginId])),
    );
  };
  daemon.on("networks", onNetworks);
  daemon.on("session", onSession);
  return () => {
    daemon.off("networks", onNetworks);
    daemon.off("session", onSession);
  };
}
