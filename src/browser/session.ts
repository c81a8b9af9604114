import type { LookupFunction } from "node:net";
import type { Page } from "puppeteer-core";
import { type HotspotError, hotspotError, isHotspotError } from "../errors.ts";
import type { BrowserOptions, BrowserPage } from "../helper-api/browser.ts";
import type { PluginLogger } from "../helper-api/context.ts";
import type { PortalHost } from "../helper-api/plugin.ts";
import { secretLeaves } from "../util/redact.ts";
import { defaultArtifactsRoot, saveFailureArtifacts } from "./artifacts.ts";
import { createBrowserGuard } from "./guard.ts";
import { type LaunchedBrowser, launchBrowser } from "./launch.ts";
import { guardPage, type PageBinding } from "./page-guard.ts";
import { type BrowserProxy, startBrowserProxy } from "./proxy.ts";
import { pageSteps } from "./steps.ts";
import { guardNewTargets } from "./target-guard.ts";
import type { BrowserLease, LeaseBinding } from "./warm-instance.ts";

/**
 * One hook's browser, started lazily on the first `ctx.browser()` and closed by `close()`
 * (the plugin side calls it when the hook ends, and on abort). A warm browser's prepared
 * tab when `acquire` has one (bound to this hook's link and guard for the hook's length),
 * else a Chromium of its own, launched with a fresh profile behind a link proxy of its own.
 * Built only from plain data: the link's address and DNS lookup, the plugin's credentials
 * and portal hosts.
 */

/** Blocked requests kept (and logged) per hook. */
const MAX_BLOCKED = 50;

export type { BrowserLease, LeaseBinding };

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
  /**
   * A warm browser's prepared tab, bound to this hook's link and guard (the warm start);
   * undefined, or no `acquire`: the session launches a browser of its own.
   */
  readonly acquire?:
    | ((signal: AbortSignal, binding: LeaseBinding) => Promise<BrowserLease | undefined>)
    | undefined;
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
  let launched: LaunchedBrowser | undefined;
  let lease: BrowserLease | undefined;
  let closing: Promise<void> | undefined;
  const binding: LeaseBinding & PageBinding = {
    guard,
    onRefused: (e: HotspotError) => refused(e.message),
    localAddress: opts.localAddress,
    lookup: opts.lookup,
  };

  const close = (): Promise<void> => {
    closing ??= (async () => {
      // A warm tab goes back (its context is thrown away); a browser of our own is killed whole.
      await lease?.release().catch(() => undefined);
      await launched?.close().catch(() => undefined);
      await proxy?.close();
      try {
        opts.onClosed?.({ profileDir: launched?.profileDir });
      } catch {
        // a broken observer must not break the cleanup
      }
    })();
    return closing;
  };
  opts.signal.addEventListener("abort", () => void close(), { once: true });

  /** A Chromium of our own, with a fresh profile, pointed at a proxy bound to this hook's link. */
  const launchOwn = async (): Promise<Page> => {
    proxy = await startBrowserProxy(binding);
    launched = await launchBrowser({
      signal: opts.signal,
      proxy: proxy.address,
      ...(opts.executablePath === undefined ? {} : { executablePath: opts.executablePath }),
      ...(opts.spkiPins === undefined ? {} : { spkiPins: opts.spkiPins }),
      ...(opts.netns === undefined ? {} : { netns: opts.netns }),
      ...(opts.profileRoot === undefined ? {} : { profileRoot: opts.profileRoot }),
    });
    if (closing !== undefined) await launched.close();
    opts.signal.throwIfAborted();
    // Its first tab serves, which saves a context and a tab on the cold path.
    const own = launched.browser.defaultBrowserContext();
    const page = (await launched.browser.pages())[0] ?? (await own.newPage());
    const current = (): PageBinding => binding;
    // The first tab is there already and has not navigated: guarded directly. Any tab or
    // popup after it is held until its guard is on (it dies with this browser).
    await guardPage(page, current);
    await guardNewTargets(launched.browser, current);
    return page;
  };

  const start = async (options: BrowserOptions): Promise<BrowserPage> => {
    opts.signal.throwIfAborted();
    lease = await opts.acquire?.(opts.signal, binding);
    if (lease !== undefined && closing !== undefined) await lease.release();
    opts.signal.throwIfAborted();
    const page = lease?.page ?? (await launchOwn());
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
      return lease !== undefined || launched !== undefined;
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
