import { join } from "node:path";
import type { WarmBrowser } from "../browser/warm.ts";
import { Daemon } from "../daemon/daemon.ts";
import type { LogSink } from "../daemon/log.ts";
import { defaultStateDir } from "../daemon/state/dir.ts";
import { StateStore } from "../daemon/state/store.ts";
import { reasonOf } from "../errors.ts";
import { CachedIsolation } from "../plugin-host/cached-isolation.ts";
import { followDaemon, inProcessPluginLog } from "../plugin-host/daemon-processes.ts";
import { defaultDescriptorCacheFile } from "../plugin-host/descriptor-cache.ts";
import { hostKey } from "../plugin-host/host-key.ts";
import { secretStrings } from "../util/redact.ts";
import { booleanOption, type ParsedArgs, stringOption, usageError } from "./args.ts";
import { busAddressOption } from "./bus-address.ts";
import type { Command } from "./command.ts";
import { browserFailuresDir, daemonPluginProcessesIn } from "./daemon-plugin-processes.ts";
import { daemonLogSink, daemonSurface, packageVersion, SURFACE_OPTIONS } from "./daemon-surface.ts";
import type { CliIo } from "./io.ts";
import { loadCliPlugins } from "./registry.ts";
import { SOURCE_OPTIONS, sourceFor } from "./sources.ts";
import { warmBrowserFor } from "./warm-browser-for.ts";

const USAGE =
  "hotspot daemon [--scan FILE | --bus ADDRESS | --backend networkmanager|nmcli|node-wifi] " +
  "[--poll-interval MS] [--api-bus ADDRESS | --no-api] [--state-dir DIR] [--plugins DIR]... [--no-bundled] " +
  "[--config FILE] [--json-logs] [--verbose]";

const STOP_SIGNALS = ["SIGINT", "SIGTERM"] as const;
type StopSignal = (typeof STOP_SIGNALS)[number];

/** Where stop and reload signals come from: the process, or an emitter in tests. */
export interface SignalSource {
  on(signal: StopSignal | "SIGHUP", listener: () => void): unknown;
  off(signal: StopSignal | "SIGHUP", listener: () => void): unknown;
}

/**
 * Resolves with the first SIGINT or SIGTERM. The handlers stay installed until `dispose`,
 * so a second signal during shutdown is logged rather than killing the process halfway
 * through a logoff (Node's default action for an unhandled SIGTERM is to exit at once).
 *
 * Signal handlers do not keep Node's event loop alive. A D-Bus connection or a polling
 * timer happens to, but a scan file source holds nothing open, and Node then ended the
 * process with an unsettled top-level await (exit 13) instead of waiting for a signal.
 * A listening MessagePort is an open handle that never wakes the process, unlike a timer.
 */
function waitForStop(signals: SignalSource, log: LogSink): { stopped: Promise<StopSignal>; dispose(): void } {
  const keepAlive = new MessageChannel();
  keepAlive.port1.on("message", () => {});
  let resolveStop: (s: StopSignal) => void = () => {};
  let received: StopSignal | undefined;
  const stopped = new Promise<StopSignal>((resolve) => {
    resolveStop = resolve;
  });
  const handlers = STOP_SIGNALS.map((signal) => {
    const handler = (): void => {
      if (received) {
        log({ level: "info", scope: "daemon", message: `${signal} received, already stopping` });
        return;
      }
      received = signal;
      resolveStop(signal);
    };
    signals.on(signal, handler);
    return [signal, handler] as const;
  });
  return {
    stopped,
    dispose: () => {
      for (const [signal, handler] of handlers) signals.off(signal, handler);
      keepAlive.port1.close();
    },
  };
}

/** `--poll-interval MS` for the command-line backends, validated. */
function pollInterval(command: Command, args: ParsedArgs): number | undefined {
  const raw = stringOption(args, "poll-interval");
  if (raw === undefined) return undefined;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 100 || ms > 3_600_000) {
    throw usageError(
      "daemon",
      command,
      `--poll-interval must be whole milliseconds (100-3600000), not '${raw}'`,
    );
  }
  return ms;
}

/** The command, with its signal source injectable so tests can stop it in-process. */
export function createDaemonCommand(signals: SignalSource = process): Command {
  const command: Command = {
    usage: USAGE,
    description:
      "Runs the daemon in the foreground until SIGINT or SIGTERM (then it stops following the network and exits 0; portal sessions are left running, as after a suspend). " +
      "It follows NetworkManager on the system bus ($DBUS_SYSTEM_BUS_ADDRESS or --bus; it waits and " +
      "retries while NetworkManager is absent), or nmcli with --backend nmcli, or a scan file with --scan; " +
      "when a Wi-Fi device joins a network a plugin claims, that plugin logs in, and NetworkManager is " +
      "asked to re-check connectivity. It probes the config file's probeUrl when the file sets one, else " +
      "NetworkManager's ConnectivityCheckUri when it has one, else the built-in default. " +
      "Plugins that fail to load are skipped with a message. Sessions, the plugin chosen for each network and " +
      "failed logins are saved in the state directory, so a restart resumes sessions without logging in again. " +
      "SIGHUP reloads the config file and plugins; running sessions of plugins still loaded keep running. Logs go to " +
      "stderr, one line each (--json-logs: JSON lines), with every configured credential redacted.",
    options: {
      ...SOURCE_OPTIONS,
      ...SURFACE_OPTIONS,
      "json-logs": { type: "boolean", description: "Log JSON lines (for journald or a log shipper)." },
      verbose: { type: "boolean", description: "Also log debug messages." },
      "state-dir": {
        type: "string",
        valueName: "DIR",
        description:
          "Where sessions and cached choices are kept (default: $STATE_DIRECTORY under systemd, " +
          "/var/lib/hotspot-helper as root, else $XDG_STATE_HOME/hotspot-helper).",
      },
      "poll-interval": {
        type: "string",
        valueName: "MS",
        description:
          "How often --backend nmcli/node-wifi polls (default 10000). The D-Bus backend never polls.",
      },
    },
    common: ["plugins", "no-bundled", "config"],
    async run(args: ParsedArgs, io: CliIo): Promise<number> {
      // Checked before anything starts, like every other bad flag.
      const apiBus = busAddressOption(args, "api-bus");
      const { kind, source } = await sourceFor(
        "daemon",
        command,
        args,
        io,
        "retry",
        pollInterval(command, args),
      );
      // The sink exists before the plugins load because the registry logs through it too:
      // its own filterScanList calls (log lines and failures, under the plugin's name) would
      // otherwise go to a logger that drops them. Those writes do not pass through the
      // Daemon, so the sink itself redacts, with every credential of every loaded plugin.
      let secrets: ReadonlySet<string> = new Set();
      const log = daemonLogSink(io, {
        json: booleanOption(args, "json-logs"),
        minLevel: booleanOption(args, "verbose") ? "debug" : "info",
        secrets: () => secrets,
      });
      // Plugin stores live beside the daemon's own state, so --state-dir moves both.
      const stateDir = stringOption(args, "state-dir") ?? defaultStateDir(io.env);
      const pluginStoreRoot = join(stateDir, "plugins");
      // Plugin processes (config `pluginIsolation`, default "process"): each plugin file is
      // imported in a child of its own, and its hooks run there (src/plugin-host/supervisor.ts).
      let userAgent: string | undefined;
      const processes = await daemonPluginProcessesIn({
        stateDir,
        side: () => (userAgent === undefined ? {} : { userAgent }),
        env: io.env,
        log,
      });
      // The daemon's own entries in the descriptor cache ($CACHE_DIRECTORY under systemd):
      // a plugin unchanged since the last start is registered without a child (cached-isolation.ts).
      const cacheHost = `${await hostKey()} daemon`;
      // What in-process plugins log, under the same per-plugin budget as plugin processes.
      const inProcessLog = inProcessPluginLog(log);
      const load = async () => {
        let cached: CachedIsolation | undefined;
        const loaded = await loadCliPlugins(
          args.common,
          io,
          false,
          {
            storeRoot: pluginStoreRoot,
            processes,
            log: inProcessLog.log,
          },
          undefined,
          (config) => {
            if (config.pluginIsolation !== "process") return undefined;
            cached = new CachedIsolation(processes, {
              file: defaultDescriptorCacheFile(io.env),
              host: cacheHost,
            });
            return cached;
          },
        );
        await cached?.save();
        // In-process plugins (pluginIsolation "none") keep no children: a reload that turned
        // isolation off ends them, so ListPlugins reports those plugins as in-process.
        processes.retain(
          new Set(
            loaded.config.pluginIsolation === "process" ? loaded.registry.plugins.map((p) => p.id) : [],
          ),
        );
        userAgent = loaded.config.userAgent;
        processes.setRestartPolicy(loaded.config.pluginRestarts ?? {});
        return loaded;
      };
      // Independent reads, so one waits on the disk while another runs.
      const [{ config, registry, setInFile }, state, version] = await Promise.all([
        load(),
        StateStore.open({
          dir: stateDir,
          onProblem: (e) =>
            log({ level: "warn", scope: "daemon", message: e.message, fields: { code: e.code } }),
        }),
        packageVersion(),
      ]);
      const collectSecrets = (r: typeof registry): void => {
        const found = new Set<string>();
        for (const p of r.plugins) secretStrings(p.credentials, found);
        secrets = found;
      };
      collectSecrets(registry);
      // Which URL to probe: `probeUrl` from the user's config file when it sets one; else the
      // network manager's own check URL (NetworkManager's ConnectivityCheckUri, read live, so a
      // change in NetworkManager applies to the next join); else the built-in default.
      const nmCheck = source.connectivityCheckUri?.bind(source);
      let plugins = registry;
      const warmBrowser = await startWarmBrowser(
        (id) => warmBrowserFor(plugins.get(id)),
        (level, message) => log({ level, scope: "daemon", message }),
      );
      const daemon = new Daemon({
        source,
        registry,
        config,
        log,
        pluginStoreRoot,
        browserArtifactsRoot: browserFailuresDir(stateDir),
        state,
        deferRouteSweep: true,
        reload: async () => {
          const next = await load();
          collectSecrets(next.registry);
          plugins = next.registry;
          return next;
        },
        ...(warmBrowser ? { warmBrowser } : {}),
        pluginProcesses: processes,
        ...(nmCheck && !setInFile.has("probeUrl") ? { connectivityCheckUri: nmCheck } : {}),
      });
      const reload = (): void => {
        log({ level: "info", scope: "daemon", message: "SIGHUP received, reloading config and plugins" });
        // A config that no longer validates must not take the running daemon down.
        daemon.reload().catch((e: unknown) =>
          log({
            level: "error",
            scope: "daemon",
            message: `reload failed, keeping the running config and plugins: ${reasonOf(e)}`,
          }),
        );
      };
      signals.on("SIGHUP", reload);
      const stop = waitForStop(signals, log);
      const surface = daemonSurface({
        daemon,
        source,
        io,
        log,
        apiBus,
        serveApi: !booleanOption(args, "no-api"),
        version,
      });
      const unfollow = followDaemon(processes, daemon);
      try {
        // The API connects while the daemon reads NetworkManager: both mostly wait on buses.
        const [, apiNote] = await Promise.all([daemon.start(), surface.serve()]);
        surface.ready(apiNote);
        daemon.sweepLinkRoutes();
        log({
          level: "info",
          scope: "daemon",
          message: `started: source ${source.name} (${kind}), ${registry.plugins.length} plugin(s) loaded`,
          fields: { plugins: registry.plugins.map((p) => p.id) },
        });
        const signal = await stop.stopped;
        log({ level: "info", scope: "daemon", message: `${signal} received, stopping` });
        surface.stopping();
        await daemon.stop();
        await processes.close();
        await state.flush();
        log({ level: "info", scope: "daemon", message: "stopped" });
        return 0;
      } finally {
        signals.off("SIGHUP", reload);
        unfollow();
        await surface.close();
        await daemon.stop();
        await processes.close();
        await state.flush();
        stop.dispose();
      }
    },
  };
  return command;
}

export const command: Command = createDaemonCommand();

/**
 * The warm start, when Chromium is installed (it then launches only for a network that a
 * `needsBrowser` plugin claims at high confidence). Loaded lazily: puppeteer is not read
 * by a daemon that never needs it.
 */
async function startWarmBrowser(
  needsBrowser: (pluginId: string) => boolean,
  log: (level: "info" | "warn" | "debug", message: string) => void,
): Promise<WarmBrowser | undefined> {
  const { chromiumAvailable, launchBrowser } = await import("../browser/launch.ts");
  if (!chromiumAvailable()) return undefined;
  const { createWarmBrowser } = await import("../browser/warm.ts");
  const { startWarmInstance } = await import("../browser/warm-instance.ts");
  return createWarmBrowser({
    start: () => startWarmInstance({ launch: (o) => launchBrowser(o), log }),
    needsBrowser,
    log,
  });
}
