import type { ScannedNetwork } from "../helper-api/network.ts";
import type { ClaimMatch } from "../helper-api/registry-types.ts";
import { groupMemoryBytes } from "./rss.ts";
import type { BrowserLease, LeaseBinding, RemoteLease, WarmInstance } from "./warm-instance.ts";

/**
 * The warm start: when a scan shows a network that a plugin needing a browser claims at
 * high confidence, Chromium is launched before the join, so the login does not pay for the
 * launch (most of a browser login's time). One warm instance at most (warm-instance.ts:
 * its proxy and a tab prepared ahead); the hook's `ctx.browser()` leases that tab, bound to
 * the hook's link and guard, and launches a browser of its own when there is none to lease.
 *
 * What it costs is bounded: the instance's resident memory (PSS over its process group) is
 * measured after the launch and at each scan and it is closed above `maxRssBytes`; it is
 * closed when a scan no longer shows any such network (out of range), and after `idleMs`
 * without a login. A network warms the browser once per appearance: after a login or an
 * idle timeout it does not warm it again until it has left the scans and come back.
 */

export interface WarmBrowserOptions {
  /** Starts a warm instance (`startWarmInstance` with the daemon's launcher). */
  start(): Promise<WarmInstance>;
  /** Whether the plugin declares `needsBrowser`. */
  needsBrowser(pluginId: string): boolean;
  /** Close after this long without a login; default 3 minutes. */
  readonly idleMs?: number;
  /** Close when the instance's resident memory (PSS of its process group) exceeds this; default 400 MB. */
  readonly maxRssBytes?: number;
  /** Resident bytes of the instance (default: the sum over its process group from /proc). */
  rssBytes?(instance: WarmInstance): Promise<number>;
  log?(level: "info" | "warn" | "debug", message: string): void;
  /** Called when a warm instance is fully closed, with why (tests wait on it). */
  onClosed?(why: string): void;
}

export interface WarmBrowser {
  /** The latest scan of `device` with its claims (same order): warm, keep or release. */
  onScan(
    device: string,
    networks: readonly ScannedNetwork[],
    claims: readonly (readonly ClaimMatch[])[],
  ): void;
  /**
   * For `ctx.browser()`: the warm instance's prepared tab bound to the hook's link and
   * guard, or undefined when there is none free (the hook then launches its own).
   */
  acquire(signal: AbortSignal, binding: LeaseBinding): Promise<BrowserLease | undefined>;
  /** The same as plain data, for a hook running in a plugin's own process (remote-lease.ts). */
  acquireData(signal: AbortSignal, binding: LeaseBinding): Promise<RemoteLease | undefined>;
  /** Resolves once the running instance has a tab prepared (true), or there is none (false). */
  ready(): Promise<boolean>;
  /** Whether an instance is running or starting. */
  readonly warm: boolean;
  /** Whether a hook holds the instance's tab (in this process or lent to a plugin's). */
  readonly leased: boolean;
  /** Closes the warm instance (daemon stop). */
  close(): Promise<void>;
}

const DEFAULT_IDLE_MS = 180_000;
/**
 * What a warm instance with its prepared tab costs, as PSS over its process group, measured
 * by bench/browser.bench.ts with Debian's Chromium 156: about 160 MB with the headless shell
 * (chromium-headless-shell: browser, two zygotes, the tab's renderer; 40 MB of it private,
 * the rest pages of the executable), about 280 MB with the full browser (75 MB private).
 * 400 MB lets either live and still closes one that grows (a page left running script, a
 * leak).
 */
const DEFAULT_MAX_RSS = 400 * 1024 * 1024;

export function createWarmBrowser(opts: WarmBrowserOptions): WarmBrowser {
  const idleMs = opts.idleMs ?? DEFAULT_IDLE_MS;
  const maxRss = opts.maxRssBytes ?? DEFAULT_MAX_RSS;
  const measure = opts.rssBytes ?? ((w: WarmInstance) => groupMemoryBytes(w.pid));
  const log = opts.log ?? (() => {});
  let instance: Promise<WarmInstance | undefined> | undefined;
  let leased = false;
  let idle: ReturnType<typeof setTimeout> | undefined;
  /** Qualifying networks (by SSID) each device's latest scan showed. */
  const inRange = new Map<string, ReadonlySet<string>>();
  /** Networks that already had their warm start in this appearance. */
  const spent = new Set<string>();
  /** The SSIDs the running instance was started for. */
  let startedFor = new Set<string>();

  const clearIdle = (): void => {
    if (idle !== undefined) clearTimeout(idle);
    idle = undefined;
  };
  const armIdle = (): void => {
    clearIdle();
    idle = setTimeout(() => void release("idle", true), idleMs);
    idle.unref?.();
  };

  const release = async (why: string, spend: boolean): Promise<void> => {
    clearIdle();
    const current = instance;
    instance = undefined;
    if (spend) for (const k of startedFor) spent.add(k);
    startedFor = new Set();
    if (!current) return;
    const launched = await current;
    if (!launched) return;
    log("info", `warm browser closed: ${why}`);
    await launched.close();
    opts.onClosed?.(why);
  };

  const checkMemory = async (): Promise<void> => {
    const current = instance;
    const launched = await current;
    if (!launched || leased) return;
    const rss = await measure(launched).catch(() => 0);
    // A login may have taken it (or it was released) while we measured: never kill that one.
    if (leased || instance !== current) return;
    if (rss > maxRss) {
      log(
        "warn",
        `warm browser uses ${Math.round(rss / 1048576)} MB, over the ${Math.round(maxRss / 1048576)} MB cap`,
      );
      await release("over its memory cap", true);
    }
  };

  const start = (keys: ReadonlySet<string>): void => {
    startedFor = new Set(keys);
    log("info", "starting a warm browser ahead of the join");
    const launching = opts.start().then(
      (w) => w,
      (e: unknown) => {
        log("warn", `warm browser did not start: ${e instanceof Error ? e.message : String(e)}`);
        if (instance === launching) instance = undefined;
        return undefined;
      },
    );
    instance = launching;
    armIdle();
    // Measured once the tab is prepared: that is what the instance costs while it waits.
    void launching.then(async (w) => {
      await w?.ready();
      await checkMemory();
    });
  };

  /** Leases the warm instance (as `lease` takes it) for one hook; undefined when there is none free. */
  const take = async <L extends { release(): Promise<void> }>(
    signal: AbortSignal,
    lease: (w: WarmInstance) => Promise<L | undefined>,
  ): Promise<L | undefined> => {
    const current = instance;
    const w = current ? await current : undefined;
    if (!w || instance !== current || leased || !w.usable) return undefined;
    leased = true;
    clearIdle();
    const held = await lease(w).catch(() => undefined);
    if (held === undefined || signal.aborted) {
      await held?.release();
      leased = false;
      armIdle();
      return undefined;
    }
    let released = false;
    return {
      ...held,
      async release() {
        if (released) return;
        released = true;
        await held.release();
        leased = false;
        // Used for a login: this appearance had its warm start; close after the idle time.
        for (const k of startedFor) spent.add(k);
        armIdle();
      },
    };
  };

  return {
    onScan(device, networks, claims) {
      const keys = new Set<string>();
      networks.forEach((n, i) => {
        const strong = (claims[i] ?? []).some(
          (c) => c.confidence === "high" && opts.needsBrowser(c.pluginId),
        );
        if (strong) keys.add(n.ssidHex);
      });
      inRange.set(device, keys);
      const all = new Set([...inRange.values()].flatMap((s) => [...s]));
      // A network that left every scan may warm the browser again when it comes back.
      for (const k of [...spent]) if (!all.has(k)) spent.delete(k);
      const wanted = new Set([...all].filter((k) => !spent.has(k)));
      if (instance) {
        if (!leased && ![...startedFor].some((k) => all.has(k)))
          void release("the network is out of range", false);
        else void checkMemory();
        return;
      }
      if (wanted.size > 0) start(wanted);
    },
    acquire: (signal, binding) => take(signal, (w) => w.lease(binding)),
    acquireData: (signal, binding) => take(signal, (w) => w.leaseData(binding)),
    async ready() {
      const w = await instance;
      return w !== undefined && (await w.ready());
    },
    get warm() {
      return instance !== undefined;
    },
    get leased() {
      return leased;
    },
    close: () => release("the daemon stops", false),
  };
}
