import { type ConnectionPool, withConnectionPool } from "../auth/agents.ts";
import { createCapportClient } from "../auth/capport-client.ts";
import { createCookieJar } from "../auth/cookies.ts";
import { detectPortal } from "../auth/detect.ts";
import { createFormHelper } from "../auth/forms.ts";
import { createHttpClient } from "../auth/http-client.ts";
import { linkTransport } from "../auth/link.ts";
import { createUamClient } from "../auth/uam.ts";
import { createWisprClient } from "../auth/wispr/client.ts";
import { spkiPins } from "../browser/launch.ts";
import { type BrowserSession, createBrowserSession } from "../browser/session.ts";
import { hotspotError } from "../errors.ts";
import type {
  AuthenticateContext,
  CaptivePortalApiInfo,
  PluginLogger,
  PluginStore,
  PortalInfo,
} from "../helper-api/context.ts";
import type { JoinedNetwork } from "../helper-api/network.ts";
import type { LoadedPlugin } from "../helper-api/registry-types.ts";
import type { PluginSideOptions } from "./plugin-side.ts";

/**
 * The context of the hooks that talk to the portal (evaluate, authenticate, maintain,
 * logoff): the HTTP client bound to the link, forms, WISPr, RFC 8908, UAM and the engine's
 * own detection. Apart from plugin-side.ts, and imported by it only when such a hook runs,
 * because these clients are most of the code behind a plugin: `hotspot list`, which only
 * matches claims, never loads them.
 */

export { withConnectionPool };

export function linkContext(
  opts: PluginSideOptions,
  services: { readonly log: PluginLogger; readonly store: PluginStore },
  plugin: LoadedPlugin,
  network: JoinedNetwork,
  portal: PortalInfo,
  signal: AbortSignal,
  pool: ConnectionPool,
  seen: { capport?: CaptivePortalApiInfo; checked?: PortalInfo },
  browsers: { session?: BrowserSession } = {},
): AuthenticateContext<unknown, unknown> {
  const link = opts.transportFor ? opts.transportFor(network, signal) : linkTransport(network, { signal });
  const http = createHttpClient({
    pool,
    credentials: plugin.credentials,
    portalHosts: plugin.portalHosts,
    pluginId: plugin.id,
    signal,
    onRequest: (e) => opts.onHttp?.({ ...e, pluginId: plugin.id }),
    ...(link.localAddress === undefined ? {} : { localAddress: link.localAddress }),
    ...(link.lookup === undefined ? {} : { lookup: link.lookup }),
    ...(opts.ca === undefined ? {} : { ca: opts.ca }),
    ...(opts.userAgent === undefined ? {} : { userAgent: opts.userAgent }),
    // The cookies the portal set while detection talked to it go on, as a browser's would.
    ...(portal.cookies === undefined ? {} : { cookies: createCookieJar({ initial: portal.cookies }) }),
  });
  const apiUri = portal.api?.uri ?? portal.apiUri ?? network.captivePortalUri;
  // The engine's own detection, through the same link as the hook's HTTP client.
  const checkOnline = async (): Promise<PortalInfo> => {
    const now = await detectPortal(portal.probeUrl, {
      signal,
      ...(apiUri === undefined ? {} : { apiUri }),
      ...(link.localAddress === undefined ? {} : { localAddress: link.localAddress }),
      ...(link.lookup === undefined ? {} : { lookup: link.lookup }),
      ...(opts.ca === undefined ? {} : { ca: opts.ca }),
      ...(opts.testNetwork === true ? { allowHttpApi: true } : {}),
      ...(opts.userAgent === undefined ? {} : { userAgent: opts.userAgent }),
    });
    seen.checked = now;
    return now;
  };
  return {
    signal,
    log: services.log,
    config: plugin.config,
    store: services.store,
    network,
    portal,
    http,
    forms: createFormHelper(http),
    wispr: createWisprClient(http, portal, { signal }),
    capport: createCapportClient(http, apiUri, {
      allowHttp: opts.testNetwork === true,
      onAnswer: (info) => {
        seen.capport = info;
      },
    }),
    uam: createUamClient(http, portal),
    checkOnline,
    browser: (options) => {
      if (opts.browser?.declaredOnly === true && plugin.definition.needsBrowser !== true)
        return Promise.reject(hotspotError("HH_BROWSER_NOT_DECLARED", { plugin: plugin.id }));
      browsers.session ??= createBrowserSession({
        pluginId: plugin.id,
        credentials: plugin.credentials,
        portalHosts: plugin.portalHosts,
        localAddress: link.localAddress,
        lookup: link.lookup,
        signal,
        log: services.log,
        artifactsRoot: opts.browser?.artifactsRoot,
        executablePath: opts.browser?.executablePath,
        netns: opts.browser?.netns,
        acquire: opts.browser?.acquire,
        profileRoot: opts.browser?.profileRoot,
        onClosed: opts.browser?.onClosed,
        // A test portal's own certificate (never set for real networks).
        spkiPins: opts.ca === undefined ? undefined : spkiPins(opts.ca),
      });
      return browsers.session.open(options);
    },
    credentials: plugin.credentials,
  };
}
