import type { LinkTransport } from "../auth/link.ts";
import type { BrowserSession, BrowserSessionOptions } from "../browser/session.ts";
import type { HttpLogEntry } from "../daemon/log.ts";
import type {
  AuthenticateContext,
  CaptivePortalApiInfo,
  PluginLogger,
  PluginStore,
  PortalInfo,
} from "../helper-api/context.ts";
import type { JoinedNetwork } from "../helper-api/network.ts";
import type { LoadedPlugin } from "../helper-api/registry-types.ts";
import { frozenCopy } from "../util/frozen-copy.ts";
import { secretStrings } from "../util/redact.ts";
import { createPluginLogger, type PluginLogSink } from "./logger.ts";
import type { HookAnswer, HookRequest } from "./seam.ts";
import { sharedFileStore } from "./stores.ts";

/**
 * The plugin's side of the seam: turns a plain-data HookRequest into the context the SDK
 * promises (logger, store, HTTP client bound to the link, forms, WISPr, RFC 8908, UAM) and
 * calls the hook. Everything built here is built from the request and the plugin's own
 * loaded data (config, credentials, portal hosts), never from daemon objects, which is what
 * lets this half run in a worker later.
 */

export interface PluginSideOptions {
  /** Folder of the plugins' stores (`<root>/<id>/store.json`). */
  readonly storeRoot: string;
  readonly storeMaxBytes?: number | undefined;
  /** Where every plugin's log lines go, already redacted of that plugin's credentials. */
  readonly log?: PluginLogSink | undefined;
  /** Every HTTP request a plugin makes, already free of secrets. */
  readonly onHttp?: ((entry: HttpLogEntry) => void) | undefined;
  /**
   * How plugin traffic is pinned to the joined link (source address, the link's DNS).
   * Default `linkTransport(network)`: binds only when the address is really local.
   */
  readonly transportFor?: ((network: JoinedNetwork, signal: AbortSignal) => LinkTransport) | undefined;
  /** Extra trusted CA certificates (PEM): a test portal's self-signed one. */
  readonly ca?: string | Buffer | readonly (string | Buffer)[] | undefined;
  /** The network is a test network: an http:// RFC 8908 API is accepted. Never for real networks. */
  readonly testNetwork?: boolean | undefined;
  /** The User-Agent of plugin requests (the config's `userAgent`); default the HTTP client's. */
  readonly userAgent?: string | undefined;
  /** How `ctx.browser()` gets and keeps its browser (see docs/browser.md). */
  readonly browser?: PluginBrowserOptions | undefined;
}

/** Options of the plugins' browser. */
export interface PluginBrowserOptions {
  /** Where failure screenshots and pages go; default `$STATE_DIRECTORY/browser-failures` (see artifacts.ts). */
  readonly artifactsRoot?: string | undefined;
  /** Chromium to run; default `$HOTSPOT_CHROMIUM` or the usual install paths. */
  readonly executablePath?: string | undefined;
  /** Run Chromium in this network namespace (namespace-mode tests). */
  readonly netns?: string | undefined;
  /** Supplies a browser (the warm start); default: launch one per hook that asks. */
  readonly acquire?: BrowserSessionOptions["acquire"];
  /** Folder for throwaway profiles of fresh launches; default the system temp folder. */
  readonly profileRoot?: string | undefined;
  /** Called when a hook's browser is fully closed. */
  readonly onClosed?: BrowserSessionOptions["onClosed"];
  /**
   * Refuse `ctx.browser()` to a plugin that does not declare `needsBrowser` with
   * HH_BROWSER_NOT_DECLARED: set in a plugin's process under the permission model, which grants
   * a browser's needs only to a plugin that declares it.
   */
  readonly declaredOnly?: boolean | undefined;
}

export interface PluginSide {
  logger(plugin: LoadedPlugin): PluginLogger;
  store(plugin: LoadedPlugin): PluginStore;
  /** Calls `request.hook` of `plugin`; rejects with whatever the hook threw. */
  call(plugin: LoadedPlugin, request: HookRequest, signal: AbortSignal): Promise<HookAnswer>;
  /**
   * Loads the link context (HTTP client, forms, WISPr...) now rather than in the first link
   * hook's call, whose deadline and login would pay for it. Never rejects: a failure is
   * that call's to report.
   */
  preload(): Promise<void>;
}

export function createPluginSide(opts: PluginSideOptions): PluginSide {
  const loggers = new Map<string, PluginLogger>();
  const logger = (plugin: LoadedPlugin): PluginLogger => {
    let log = loggers.get(plugin.id);
    if (!log) {
      log = createPluginLogger(plugin.id, opts.log, secretStrings(plugin.credentials));
      loggers.set(plugin.id, log);
    }
    return log;
  };
  const store = (plugin: LoadedPlugin): PluginStore =>
    sharedFileStore({
      root: opts.storeRoot,
      pluginId: plugin.id,
      ...(opts.storeMaxBytes === undefined ? {} : { maxBytes: opts.storeMaxBytes }),
      warn: (message) => logger(plugin).warn(message),
    });

  return {
    logger,
    store,
    preload: () =>
      import("./link-context.ts").then(
        () => undefined,
        () => undefined,
      ),
    async call(plugin, sent, signal) {
      // The plugin gets its own deeply frozen copy, as a worker would get a structured clone:
      // writing into its SSID bytes or network object cannot reach the daemon or another plugin.
      const request = frozenCopy(sent);
      const d = plugin.definition;
      if (request.hook === "filterScanList") {
        const hook = d.filterScanList;
        const value = hook
          ? await hook.call(d, request.networks, {
              signal,
              log: logger(plugin),
              config: plugin.config,
              store: store(plugin),
            })
          : undefined;
        return { value };
      }
      const seen: { capport?: CaptivePortalApiInfo; checked?: PortalInfo } = {};
      const { linkContext, withConnectionPool } = await import("./link-context.ts");
      const services = { log: logger(plugin), store: store(plugin) };
      // The hook's browser, if it asks for one: closed when the hook ends, however it ends
      // (an abort closes it at once, without waiting for a hook that ignores its signal).
      const browsers: { session?: BrowserSession } = {};
      try {
        const value = await withConnectionPool(signal, (pool) =>
          callLinkHook(
            d,
            request,
            linkContext(
              opts,
              services,
              plugin,
              request.network,
              request.portal,
              signal,
              pool,
              seen,
              browsers,
            ),
          ),
        );
        return {
          value,
          ...(seen.capport === undefined ? {} : { capport: seen.capport }),
          ...(seen.checked === undefined ? {} : { checked: seen.checked }),
        };
      } finally {
        await browsers.session?.close();
      }
    },
  };
}

type LinkRequest = Exclude<HookRequest, { hook: "filterScanList" }>;

function callLinkHook(
  d: LoadedPlugin["definition"],
  request: LinkRequest,
  base: AuthenticateContext<unknown, unknown>,
): unknown {
  switch (request.hook) {
    case "evaluate":
      return d.evaluate?.call(d, base);
    case "authenticate":
      return d.authenticate?.call(d, base);
    case "maintain":
      return d.maintain?.call(d, {
        ...base,
        session: request.session,
        didJustJoin: request.network.justJoined,
      });
    case "logoff":
      return d.logoff?.call(d, { ...base, session: request.session, didJustJoin: false });
  }
}
