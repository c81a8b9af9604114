/**
 * What a plugin's own DevTools connection to the daemon's warm Chromium may do (cdp-relay.ts).
 * That Chromium belongs to the daemon (root, often without Chromium's sandbox): a plugin
 * that could drive it freely could read local files through it, write downloads anywhere,
 * or reach tabs of another hook. So the plugin's browser-level session may only discover,
 * attach to and open tabs in its leased context, and no session may navigate to anything
 * but the web, hand local files to a page, or set where downloads go. Everything else a page
 * session does (script, DOM, input, emulation, its own interception) is the plugin's.
 */

/** Browser-level methods puppeteer needs to find, open and close the lease's tabs. */
const BROWSER_ALLOWED = new Set([
  "Target.setDiscoverTargets",
  "Target.setAutoAttach",
  "Target.getTargets",
  "Target.getTargetInfo",
  "Target.getBrowserContexts",
  "Target.detachFromTarget",
  "Browser.getVersion",
]);

/** Browser-level methods naming a target, allowed for targets in the leased context only. */
export const TARGET_SCOPED = new Set([
  "Target.attachToTarget",
  "Target.activateTarget",
  "Target.closeTarget",
]);

/** Page-session methods that reach outside the page: local files, downloads, other origins' data. */
const PAGE_DENIED = new Set([
  "DOM.setFileInputFiles",
  "Page.setDownloadBehavior",
  "Browser.setDownloadBehavior",
  "Network.loadNetworkResource",
  "Target.createBrowserContext",
  "Target.disposeBrowserContext",
  "Target.exposeDevToolsProtocol",
  "Storage.clearDataForOrigin",
  "Tracing.start",
  "IO.read",
]);

/** Schemes a plugin may navigate or open a tab to. */
const WEB = /^(https?:|about:blank$|data:)/i;

export type Verdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

const OK: Verdict = { ok: true };
const no = (reason: string): Verdict => ({ ok: false, reason });

function urlParam(params: unknown): string | undefined {
  if (typeof params !== "object" || params === null || !("url" in params)) return undefined;
  return typeof params.url === "string" ? params.url : "";
}

function stringParam(params: unknown, key: string): string | undefined {
  if (typeof params !== "object" || params === null) return undefined;
  const value: unknown = Reflect.get(params, key);
  return typeof value === "string" ? value : undefined;
}

/**
 * The verdict on a command the plugin sends on its browser-level session (`browser`) or on a
 * session of one of its tabs. `contextId` is the leased context; target-scoped browser
 * commands are checked against it by the relay, which asks Chromium whose target it is.
 */
export function checkCommand(
  method: string,
  params: unknown,
  where: "browser" | "page",
  contextId: string,
): Verdict {
  const url = urlParam(params);
  if (url !== undefined && !WEB.test(url)) return no(`${method} to a non-web URL`);
  if (where === "page") return PAGE_DENIED.has(method) ? no(`${method} is not allowed for a plugin`) : OK;
  if (BROWSER_ALLOWED.has(method) || TARGET_SCOPED.has(method)) return OK;
  if (method === "Target.createTarget") {
    return stringParam(params, "browserContextId") === contextId
      ? OK
      : no("Target.createTarget outside the leased browser context");
  }
  return no(`${method} is not allowed for a plugin`);
}
