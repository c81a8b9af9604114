import type { BrowserContext, Page } from "puppeteer-core";
import type { LaunchedBrowser } from "./launch.ts";
import { guardPage, guardPopups, type PageBinding } from "./page-guard.ts";
import { type BrowserProxy, type ProxyBinding, startBrowserProxy } from "./proxy.ts";

/**
 * One warm Chromium, ready for the next hook: its own link proxy, which lives as long as
 * the browser and is bound to a hook's link and guard only while that hook holds the
 * lease, and a browser context with a guarded tab created ahead of time. A lease hands out
 * that tab; its release throws the context away (cookies, storage, cache) and prepares a
 * fresh one in the background, so every hook still starts with an empty profile while
 * paying neither for a launch nor for a new renderer.
 */

/** What a hook binds the warm browser to: its link (address, DNS) and its credential guard. */
export type LeaseBinding = ProxyBinding & PageBinding;

/** The page a hook gets, and how it gives it back. */
export interface BrowserLease {
  readonly page: Page;
  /** Unbinds link and guard at once and throws the context away. Idempotent; never rejects. */
  release(): Promise<void>;
}

export interface WarmInstance {
  /** Chromium's process group (its memory is measured over it). */
  readonly pid: number | undefined;
  readonly profileDir: string;
  /** Whether Chromium still runs and a lease may be asked for. */
  readonly usable: boolean;
  /** Resolves when a prepared page waits for a hook (true) or preparing it failed (false). */
  ready(): Promise<boolean>;
  /** The prepared page bound to `binding`; undefined when there is none to give (held, failed, closed). */
  lease(binding: LeaseBinding): Promise<BrowserLease | undefined>;
  /** Closes Chromium and the proxy. Idempotent. */
  close(): Promise<void>;
}

export interface WarmInstanceOptions {
  /** Starts Chromium with every request going to `proxy` (launchBrowser with the daemon's options). */
  launch(options: { readonly proxy: string }): Promise<LaunchedBrowser>;
  log?(level: "info" | "warn" | "debug", message: string): void;
}

interface Prepared {
  readonly context: BrowserContext;
  readonly page: Page;
}

export async function startWarmInstance(opts: WarmInstanceOptions): Promise<WarmInstance> {
  // Unbound until a hook leases: whatever the browser loads by itself in between is refused.
  const proxy: BrowserProxy = await startBrowserProxy({ unbound: true });
  let launched: LaunchedBrowser;
  try {
    launched = await opts.launch({ proxy: proxy.address });
  } catch (e) {
    await proxy.close();
    throw e;
  }
  const browser = launched.browser;
  let binding: PageBinding | undefined;
  const current = (): PageBinding | undefined => binding;
  let closed = false;
  let leased = false;

  const prepare = async (): Promise<Prepared | undefined> => {
    let context: BrowserContext | undefined;
    try {
      context = await browser.createBrowserContext({
        proxyServer: `http://${proxy.address}`,
        proxyBypassList: ["<-loopback>"],
      });
      const page = await context.newPage();
      await guardPage(page, current);
      guardPopups(context, current);
      return { context, page };
    } catch (e) {
      await context?.close().catch(() => undefined);
      if (!closed)
        opts.log?.("warn", `warm browser: no page prepared: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  };

  // The launch's own first tab lives in the default context, which no hook uses: closing it
  // frees its renderer. Headless Chromium keeps running without tabs.
  let next: Promise<Prepared | undefined> = (async () => {
    for (const p of await browser.pages().catch(() => [])) await p.close().catch(() => undefined);
    return prepare();
  })();

  return {
    pid: launched.pid,
    profileDir: launched.profileDir,
    get usable() {
      return !closed && browser.connected;
    },
    ready: async () => (await next) !== undefined,
    async lease(b) {
      if (closed || leased) return undefined;
      const prepared = await next;
      // Another hook may have taken it while this one waited for the preparation.
      if (prepared === undefined || closed || leased || !browser.connected) return undefined;
      leased = true;
      proxy.bind(b);
      binding = { guard: b.guard, onRefused: b.onRefused };
      let released = false;
      return {
        page: prepared.page,
        async release() {
          if (released) return;
          released = true;
          // Unbound before anything else: a request the page still makes goes nowhere.
          binding = undefined;
          proxy.bind(undefined);
          leased = false;
          next = (async () => {
            await prepared.context.close().catch(() => undefined);
            return closed ? undefined : prepare();
          })();
        },
      };
    },
    async close() {
      closed = true;
      binding = undefined;
      await launched.close();
      await proxy.close();
    },
  };
}
