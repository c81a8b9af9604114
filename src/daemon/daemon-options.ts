import type { LinkTransport } from "../auth/link.ts";
import type { LinkRouter } from "../auth/link-route.ts";
import type { WarmBrowser } from "../browser/warm.ts";
import type { UserConfig } from "../config/schema.ts";
import type { JoinedNetwork } from "../helper-api/network.ts";
import type { PluginRegistry } from "../helper-api/registry-types.ts";
import type { PluginSupervisor } from "../plugin-host/supervisor.ts";
import type { ScanSource } from "../scan/source.ts";
import type { Clock } from "./clock.ts";
import type { HttpLogEntry, LogSink } from "./log.ts";
import type { RetryPolicy } from "./session-steps.ts";
import type { StateHolder } from "./state/choices.ts";

export interface DaemonOptions {
  readonly source: ScanSource;
  readonly registry: PluginRegistry;
  readonly config: UserConfig;
  readonly log: LogSink;
  /**
   * The probe URL for a joined network. Defaults to `config.probeUrl`; the demo and the
   * harness route each simulated network to its own loopback portal with it.
   */
  probeUrlFor?(network: JoinedNetwork): string;
  readonly retry?: RetryPolicy;
  /** Probe attempts when verifying a login (the portal may open a moment late). */
  readonly verifyAttempts?: number;
  readonly verifyDelayMs?: number;
  onHttp?(entry: HttpLogEntry): void;
  /**
   * NetworkManager's ConnectivityCheckUri, when the source knows it: asked at every detection
   * and used before `config.probeUrl` when it answers a URL, so we probe what the desktop
   * probes. Pass it only when the user's config file does not set `probeUrl` (an explicit
   * setting wins; `hotspot daemon` does so).
   */
  connectivityCheckUri?(): string | undefined;
  /**
   * How probes and plugin traffic are pinned to the joined link. Default `linkTransport`:
   * the link's address and DNS servers when the address is really on this host.
   */
  transportFor?(network: JoinedNetwork, signal: AbortSignal): LinkTransport;
  /**
   * Policy routing that sends traffic from each joined link's address out of that link (see
   * src/auth/link-route.ts). Default: a router running `ip`, active only as root and only
   * for addresses really on the interface. Tests inject a fake.
   */
  readonly linkRouter?: LinkRouter;
  /**
   * Leave the sweep of routes a crashed earlier run left behind to `sweepLinkRoutes()`
   * instead of `start()`. `hotspot daemon` sweeps right after telling systemd it is ready:
   * the sweep runs `ip` twice, and a join's pin removes whatever of ours would collide with
   * it anyway, so start-up need not wait for it.
   */
  readonly deferRouteSweep?: boolean;
  /** Extra trusted CA certificates (PEM): a test portal's self-signed certificate. */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  /** Networks here are test networks: an http:// RFC 8908 API is accepted. Never in production. */
  readonly testNetwork?: boolean;
  /**
   * Folder of the plugins' stores (`<dir>/<plugin id>/store.json`); default
   * `defaultPluginStoreRoot()`, the `plugins` folder of the default state directory.
   */
  readonly pluginStoreRoot?: string;
  /**
   * Where a failed browser step of an in-process plugin saves its screenshot and page (the
   * daemon passes `<state dir>/browser-failures`, as its plugin processes get); default
   * `defaultArtifactsRoot()`, which knows nothing of `--state-dir`.
   */
  readonly browserArtifactsRoot?: string;
  /**
   * Where sessions, chosen plugins and failed logins are kept (a StateStore on disk, so a
   * restart resumes). Default: memory only.
   */
  readonly state?: StateHolder;
  /** 0..1 for maintain jitter. Default Math.random; tests pass a fixed one. */
  random?(): number;
  /**
   * The clock of sessions and saved state, and the timers of maintain and the login backoff
   * (see clock.ts). Default: the system's. A soak run passes a simulated one to live through
   * days of maintains and expiries in minutes.
   */
  readonly clock?: Clock;
  /**
   * Loads plugins and config afresh, for `reload()` (SIGHUP, the API). Without it, reload
   * re-applies the current ones.
   */
  reload?(): Promise<{ readonly registry: PluginRegistry; readonly config: UserConfig }>;
  /**
   * The warm start (src/browser/warm.ts): told every annotated scan, it launches Chromium
   * ahead of the join for a network a `needsBrowser` plugin claims at high confidence, and
   * `ctx.browser()` takes that instance. Default: none (every hook launches its own).
   */
  readonly warmBrowser?: WarmBrowser;
  /**
   * The plugin processes (src/plugin-host/supervisor.ts) when plugins were loaded isolated:
   * hooks of those plugins run there. Default: every hook runs in this process.
   */
  readonly pluginProcesses?: Pick<PluginSupervisor, "call" | "ready" | "status">;
}
