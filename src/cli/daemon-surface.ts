import { z } from "zod";
import { startApiService } from "../daemon/dbus-api/service.ts";
import { createDaemonSurface, type DaemonLike } from "../daemon/dbus-api/surface.ts";
import { journalSink, stderrIsJournal } from "../daemon/journal-log.ts";
import { type LogLevel, type LogSink, streamSink } from "../daemon/log.ts";
import { createNotifier } from "../daemon/sd-notify.ts";
import { reasonOf } from "../errors.ts";
import { systemBusAddress } from "../scan/dbus/bus.ts";
import { ownPackageJson } from "../util/own-package.ts";
import type { OptionSpec } from "./command.ts";
import type { CliIo } from "./io.ts";

/**
 * What `hotspot daemon` shows the outside world besides logging in: its D-Bus API on the
 * system bus, systemd's readiness and watchdog notifications, and journal-friendly logs.
 * Kept out of the daemon command so the command stays about following the network.
 */

export const SURFACE_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  "api-bus": {
    type: "string",
    valueName: "ADDRESS",
    description:
      "Serve the io.github.hotspot_helper.Daemon1 API on this bus (default: $DBUS_SYSTEM_BUS_ADDRESS, else the system bus).",
  },
  "no-api": { type: "boolean", description: "Do not serve the D-Bus API." },
};

/** The log sink: `<N>`-prefixed lines when stderr is the journal, else lines or JSON. */
export function daemonLogSink(
  io: CliIo,
  opts: { json: boolean; minLevel: LogLevel; secrets: () => ReadonlySet<string> },
): LogSink {
  if (!opts.json && stderrIsJournal(io.env)) return journalSink(io.stderr, opts);
  return streamSink(io.stderr, opts);
}

export interface SurfaceHandle {
  /**
   * Serves the API when asked (it can while the daemon starts: the surface follows the
   * daemon's events from the start); resolves with how that went, for `ready`.
   */
  serve(): Promise<string>;
  /** Tells systemd the daemon is ready, with what `serve` said. */
  ready(apiNote: string): void;
  /** Tells systemd we are stopping. */
  stopping(): void;
  close(): Promise<void>;
}

const packageSchema = z.object({ version: z.string() });

/** This package's version, for GetStatus. */
export async function packageVersion(): Promise<string> {
  try {
    return packageSchema.parse(await ownPackageJson()).version;
  } catch {
    return "unknown";
  }
}

export function daemonSurface(opts: {
  readonly daemon: DaemonLike;
  readonly source: { readonly name: string };
  readonly io: CliIo;
  readonly log: LogSink;
  readonly apiBus: string | undefined;
  readonly serveApi: boolean;
  readonly version: string;
}): SurfaceHandle {
  const { daemon, log } = opts;
  const notifier = createNotifier({
    env: opts.io.env,
    warn: (message) => log({ level: "warn", scope: "daemon", message }),
  });
  const surfaceLog = (level: LogLevel, message: string): void => log({ level, scope: "dbus-api", message });
  let closeApi: () => Promise<void> = async () => {};
  let retry: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  // Created before the daemon starts: the first scan is announced during start().
  const surface = opts.serveApi
    ? createDaemonSurface(daemon, { version: opts.version, sourceName: opts.source.name })
    : undefined;
  const address = opts.apiBus ?? systemBusAddress(opts.io.env);
  /**
   * Serves the API; after a lost connection (the bus restarted) it tries again with a growing
   * delay, so `hotspot status` comes back without restarting the daemon. No retries when
   * the bus was never there: that daemon runs without an API, and says so once.
   */
  const serve = async (attempt: number): Promise<boolean> => {
    if (!surface || stopped) return false;
    try {
      const api = await startApiService({ busAddress: address, surface, log });
      closeApi = () => api.close();
      surfaceLog("info", `serving io.github.hotspot_helper.Daemon1 on ${address}`);
      api.onLost(() => {
        closeApi = async () => {};
        void api.close();
        reconnect(1);
      });
      return true;
    } catch (e) {
      surfaceLog("warn", `D-Bus API not served on ${address}: ${reasonOf(e)}`);
      if (attempt > 0) reconnect(attempt + 1);
      return false;
    }
  };
  const reconnect = (attempt: number): void => {
    if (stopped) return;
    const delay = Math.min(60_000, 1_000 * 2 ** (attempt - 1));
    retry = setTimeout(() => void serve(attempt), delay);
  };
  return {
    async serve() {
      // The daemon's job is logging in; a missing bus costs `hotspot status`, not that.
      if (!surface) return "D-Bus API off";
      return (await serve(0)) ? "D-Bus API on the bus" : "D-Bus API unavailable";
    },
    ready(apiNote) {
      notifier.ready(`following ${opts.source.name}; ${apiNote}`);
    },
    stopping() {
      notifier.stopping();
    },
    async close() {
      stopped = true;
      if (retry) clearTimeout(retry);
      await closeApi();
      surface?.dispose();
      notifier.close();
    },
  };
}
