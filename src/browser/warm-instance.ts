import { randomBytes } from "node:crypto";
import type { Readable, Writable } from "node:stream";
import type { BrowserContext, Page } from "puppeteer-core";
import { type CdpRelay, startCdpRelay } from "./cdp-relay.ts";
import type { LaunchedBrowser } from "./launch.ts";
import type { PageBinding } from "./page-guard.ts";
import { type BrowserProxy, type ProxyBinding, startBrowserProxy } from "./proxy.ts";
import type { WarmLeaseData } from "./remote-lease.ts";
import { guardNewTargets, type TargetGuard } from "./target-guard.ts";

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
  /**
   * The same lease as plain data, for a hook in another process (`connectWarmLease` there):
   * the relay accepts that process's DevTools connection until `release`.
   */
  leaseData(binding: LeaseBinding): Promise<RemoteLease | undefined>;
  /** Closes Chromium and the proxy. Idempotent. */
  close(): Promise<void>;
}

/** A lease handed to another process: the data it connects with, and the daemon's release. */
export interface RemoteLease {
  readonly data: WarmLeaseData;
  /** Cuts the other process's connection, then releases as `BrowserLease.release` does. */
  release(): Promise<void>;
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
  // The launch talks to Chromium over a pipe (fds 3 and 4); the relay shares it.
  const child = browser.process();
  const [, , , toChromium, fromChromium] = child?.stdio ?? [];
  let relay: CdpRelay | undefined;
  const relayFor = async (): Promise<CdpRelay> => {
    if (!isWritable(toChromium) || !isReadable(fromChromium))
      throw new Error("the warm browser has no DevTools pipe to share");
    relay ??= await startCdpRelay({ write: toChromium, read: fromChromium });
    return relay;
  };
  let binding: PageBinding | undefined;
  const current = (): PageBinding | undefined => binding;
  let closed = false;
  let leased = false;
  // Every tab made from now on (the prepared ones, and any a hook or its portal opens) is
  // held until its request interception is on (target-guard.ts).
  let targets: TargetGuard;
  try {
    targets = await guardNewTargets(browser, current);
  } catch (e) {
    await launched.close();
    await proxy.close();
    throw e;
  }

  const prepare = async (): Promise<Prepared | undefined> => {
    let context: BrowserContext | undefined;
    try {
      context = await browser.createBrowserContext({
        proxyServer: `http://${proxy.address}`,
        proxyBypassList: ["<-loopback>"],
      });
      const page = await context.newPage();
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

  const take = async (b: LeaseBinding): Promise<{ prepared: Prepared; lease: BrowserLease } | undefined> => {
    if (closed || leased) return undefined;
    const prepared = await next;
    // Another hook may have taken it while this one waited for the preparation.
    if (prepared === undefined || closed || leased || !browser.connected) return undefined;
    leased = true;
    proxy.bind(b);
    binding = { guard: b.guard, onRefused: b.onRefused };
    let released = false;
    const lease: BrowserLease = {
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
    return { prepared, lease };
  };

  return {
    pid: launched.pid,
    profileDir: launched.profileDir,
    get usable() {
      return !closed && browser.connected;
    },
    ready: async () => (await next) !== undefined,
    lease: async (b) => (await take(b))?.lease,
    async leaseData(b) {
      const taken = await take(b);
      if (taken === undefined) return undefined;
      const contextId = taken.prepared.context.id;
      try {
        if (contextId === undefined) throw new Error("a context without an id");
        const r = await relayFor();
        const token = randomBytes(24).toString("base64url");
        r.open({ token, contextId });
        return {
          data: { socketPath: r.socketPath, token, browserContextId: contextId },
          async release() {
            r.revoke();
            await taken.lease.release();
          },
        };
      } catch (e) {
        await taken.lease.release();
        throw e;
      }
    },
    async close() {
      closed = true;
      binding = undefined;
      await relay?.close();
      await targets.close();
      await launched.close();
      await proxy.close();
    },
  };
}

function isWritable(s: unknown): s is Writable {
  return typeof s === "object" && s !== null && "write" in s && typeof s.write === "function";
}

function isReadable(s: unknown): s is Readable {
  return typeof s === "object" && s !== null && "on" in s && "read" in s && typeof s.read === "function";
}
