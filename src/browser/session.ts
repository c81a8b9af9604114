import type { LookupFunction } from "node:net";
import type { Browser, BrowserContext, HTTPRequest, Page } from "puppeteer-core";
import { hotspotError, isHotspotError } from "../errors.ts";
import type { BrowserOptions, BrowserPage } from "../helper-api/browser.ts";
import type { PluginLogger } from "../helper-api/context.ts";
import type { PortalHost } from "../helper-api/plugin.ts";
import { secretLeaves } from "../util/redact.ts";
import { defaultArtifactsRoot, saveFailureArtifacts } from "./artifacts.ts";
import { createBrowserGuard } from "./guard.ts";
import { type LaunchedBrowser, launchBrowser } from "./launch.ts";
import { NO_BACKGROUND_WORKERS } from "./page-scripts.ts";
import { type BrowserProxy, startBrowserProxy } from "./proxy.ts";
import { pageSteps } from "./steps.ts";

/**
 * One hook's browser: launched lazily on the first `ctx.browser()`, in a fresh browser
 * context whose traffic goes through a link proxy of its own, guarded, and closed by
 * `close()` (the plugin side calls it when the hook ends, and on abort). Built only from
 * plain data: the link's address and DNS lookup, the plugin's credentials and portal hosts.
 */

/** Blocked requests kept (and logged) per hook. */
const MAX_BLOCKED = 50;

/** A browser to run in: a fresh launch by default, a warm one when the caller has it. */
export interface BrowserLease {
  readonly browser: Browser;
  /** Called once when the session is done with it (a fresh launch closes the browser). */
  release(): Promise<void>;
  /** The launch's profile folder, when the session launched it. */
  readonly profileDir?: string;
}

export interface BrowserSessionOptions {
  readonly pluginId: string;
  readonly credentials: unknown;
  readonly portalHosts: readonly PortalHost[];
  /** The link's address and DNS (`linkTransport(network)`). */
  readonly localAddress?: string | undefined;
  readonly lookup?: LookupFunction | undefined;
  /** The hook's signal: its abort (deadline, network left) closes the browser at once. */
  readonly signal: AbortSignal;
  readonly log: PluginLogger;
  /** Where failure screenshots go; default defaultArtifactsRoot(). */
  readonly artifactsRoot?: string | undefined;
  /** Chromium to use (default findChromium()); tests point it at a missing file. */
  readonly executablePath?: string | undefined;
  /** SPKI pins of a test portal's certificate. */
  readonly spkiPins?: readonly string[] | undefined;
  /** Run Chromium in this network namespace. */
  readonly netns?: string | undefined;
  /** Supplies the browser (the warm start); default: launch one for this session. */
  readonly acquire?: ((signal: AbortSignal) => Promise<BrowserLease>) | undefined;
  /** Folder for the throwaway profile of a fresh launch (tests find its processes by it). */
  readonly profileRoot?: string | undefined;
  /** Called when everything is closed (tests wait on it instead of sleeping). */
  readonly onClosed?: ((info: { readonly profileDir?: string | undefined }) => void) | undefined;
}

export interface BrowserSession {
  /** `ctx.browser`: the page, launching on first use. */
  open(options?: BrowserOptions): Promise<BrowserPage>;
  /** Whether a browser was started (or leased) for this hook. */
  readonly started: boolean;
  /** Closes page, context, proxy and (for a fresh launch) Chromium. Idempotent; never rejects. */
  close(): Promise<void>;
}

/** Lease a freshly launched browser; releasing it closes it. */
async function launchLease(
  opts: BrowserSessionOptions,
  signal: AbortSignal,
  proxy: string,
): Promise<BrowserLease> {
  const launched: LaunchedBrowser = await launchBrowser({
    signal,
    proxy,
    ...(opts.executablePath === undefined ? {} : { executablePath: opts.executablePath }),
    ...(opts.spkiPins === undefined ? {} : { spkiPins: opts.spkiPins }),
    ...(opts.netns === undefined ? {} : { netns: opts.netns }),
    ...(opts.profileRoot === undefined ? {} : { profileRoot: opts.profileRoot }),
  });
  return { browser: launched.browser, release: launched.close, profileDir: launched.profileDir };
}

export function createBrowserSession(opts: BrowserSessionOptions): BrowserSession {
  const guard = createBrowserGuard({
    credentials: opts.credentials,
    portalHosts: opts.portalHosts,
    pluginId: opts.pluginId,
  });
  const raw = secretLeaves(opts.credentials);
  const blocked: string[] = [];
  const refused = (message: string): void => {
    // A page that retries in a loop must not grow the list (or the log) without end.
    if (blocked.length >= MAX_BLOCKED) return;
    blocked.push(message);
    opts.log.warn(`browser: blocked a request: ${message}`);
  };
  let opening: Promise<BrowserPage> | undefined;
  let proxy: BrowserProxy | undefined;
  let lease: BrowserLease | undefined;
  let context: BrowserContext | undefined;
  let closing: Promise<void> | undefined;

  const close = (): Promise<void> => {
    closing ??= (async () => {
      // A leased (warm) browser outlives the hook: close our context in it. A browser of our
      // own is killed whole by its release, context and all.
      if (opts.acquire !== undefined) await context?.close().catch(() => undefined);
      await lease?.release().catch(() => undefined);
      await proxy?.close();
      try {
        opts.onClosed?.({ profileDir: lease?.profileDir });
      } catch {
        // a broken observer must not break the cleanup
      }
    })();
    return closing;
  };
  opts.signal.addEventListener("abort", () => void close(), { once: true });

  const guardPage = async (page: Page): Promise<void> => {
    // Service and shared workers are targets of their own, outside the page's request
    // interception: a page could hand them a typed password to send over TLS unseen. A
    // portal login needs neither, so every document of the page loses both APIs.
    await page.evaluateOnNewDocument(NO_BACKGROUND_WORKERS);
    await page.setBypassServiceWorker(true);
    await page.setRequestInterception(true);
    page.on("request", (request: HTTPRequest) => void screen(request));
  };
  const screen = async (request: HTTPRequest): Promise<void> => {
    if (request.isInterceptResolutionHandled()) return;
    try {
      const url = new URL(request.url());
      if (url.protocol === "http:" || url.protocol === "https:") {
        const body = request.hasPostData()
          ? (request.postData() ?? (await request.fetchPostData()))
          : undefined;
        const problem = guard.check({ url, method: request.method(), headers: request.headers(), body });
        if (problem !== undefined) {
          refused(problem.message);
          await request.abort("blockedbyclient");
          return;
        }
      }
      await request.continue();
    } catch {
      // the page or the browser went away while deciding: nothing is sent then either
    }
  };

  const start = async (options: BrowserOptions): Promise<BrowserPage> => {
    opts.signal.throwIfAborted();
    proxy = await startBrowserProxy({
      guard,
      onRefused: (e) => refused(e.message),
      ...(opts.localAddress === undefined ? {} : { localAddress: opts.localAddress }),
      ...(opts.lookup === undefined ? {} : { lookup: opts.lookup }),
    });
    const address = proxy.address;
    lease = await (opts.acquire ?? ((s) => launchLease(opts, s, address)))(opts.signal);
    if (closing !== undefined) await lease.release();
    opts.signal.throwIfAborted();
    // Pages the portal opens (window.open, target=_blank) are guarded as they appear.
    const watchPopups = (where: BrowserContext): void => {
      where.on("targetcreated", (target) => {
        void target
          .page()
          .then((p) => (p === null ? undefined : guardPage(p)))
          .catch(() => undefined);
      });
    };
    let page: Page;
    if (opts.acquire === undefined) {
      // Our own browser, launched pointing at this hook's proxy with a fresh profile: its
      // first tab serves, which saves a context and a tab on the cold path.
      const own = lease.browser.defaultBrowserContext();
      watchPopups(own);
      page = (await lease.browser.pages())[0] ?? (await own.newPage());
    } else {
      // A leased (warm) browser: a context per hook, with its own cookies and cache and
      // its own proxy (this link's), so a browser started before the join serves the login.
      context = await lease.browser.createBrowserContext({
        proxyServer: `http://${address}`,
        proxyBypassList: ["<-loopback>"],
      });
      watchPopups(context);
      page = await context.newPage();
    }
    await guardPage(page);
    const stepTimeout = options.stepTimeoutMs ?? 15_000;
    const root = opts.artifactsRoot ?? defaultArtifactsRoot();
    return pageSteps(
      page,
      async (step, action) => {
        try {
          return await action(stepTimeout);
        } catch (e) {
          if (isHotspotError(e)) throw e;
          const reason = guard.secrets.redact(
            e instanceof Error ? (e.message.split("\n")[0] ?? "") : String(e),
          );
          if (opts.signal.aborted || closing !== undefined)
            throw hotspotError(
              "HH_BROWSER_CLOSED",
              { plugin: opts.pluginId, reason: "the hook ended" },
              { cause: e },
            );
          const artifacts = await saveFailureArtifacts(page, {
            root,
            pluginId: opts.pluginId,
            step: step.split(" ")[0] ?? "step",
            secrets: guard.secrets,
            raw,
          });
          throw hotspotError(
            "HH_BROWSER_STEP_FAILED",
            { step: guard.secrets.redact(step), url: guard.secrets.redact(page.url()), reason, artifacts },
            { cause: e },
          );
        }
      },
      blocked,
    );
  };

  return {
    get started() {
      return lease !== undefined;
    },
    open(options = {}) {
      if (closing !== undefined)
        return Promise.reject(
          hotspotError("HH_BROWSER_CLOSED", { plugin: opts.pluginId, reason: "the hook ended" }),
        );
      opening ??= start(options).catch(async (e: unknown) => {
        await close();
        throw e;
      });
      return opening;
    },
    close,
  };
}
