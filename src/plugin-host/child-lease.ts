import type { BrowserLease } from "../browser/warm-instance.ts";
import type { FromChild, ToChild } from "./protocol.ts";

/**
 * The child's side of the warm-browser lease (call-lease.ts is the daemon's): the hook's
 * `ctx.browser()` asks the daemon, naming the call it runs in, and connects to the leased
 * tab through the daemon's DevTools relay (browser/remote-lease.ts). No answer with a lease
 * (none free, the hook aborted meanwhile) or a lease it cannot connect to: `undefined`, and
 * the hook launches a Chromium of its own, as it would without a warm browser.
 *
 * Which call asks is told by the hook's signal: the plugin side hands each call's own
 * signal to that call's browser (plugin-side.ts, link-context.ts), so no call can ask in
 * another's name.
 */
export interface ChildLeases {
  /** `signal` is call `id`'s: a browser asked for with it is that call's. */
  track(signal: AbortSignal, id: number): void;
  /** The daemon's answer to a `lease`. */
  answered(message: Extract<ToChild, { t: "leased" }>): void;
  /** PluginBrowserOptions.acquire: the warm tab, or undefined to launch. */
  acquire(signal: AbortSignal): Promise<BrowserLease | undefined>;
  /**
   * Loads the browser driver ahead of the first hook (a plugin that needs a browser, in a
   * process that stays: a loading process has gone by then). The daemon starts such a
   * process when a scan shows its network, seconds before the join, so the login does not
   * pay for it (0.2 s of a warm login of 0.5 s).
   */
  preload(): Promise<void>;
}

export function childLeases(
  send: (message: FromChild) => void,
  warn: (message: string) => void,
): ChildLeases {
  const calls = new WeakMap<AbortSignal, number>();
  const waiting = new Map<number, (lease: unknown) => void>();
  return {
    track(signal, id) {
      calls.set(signal, id);
    },
    answered(message) {
      const resolve = waiting.get(message.id);
      waiting.delete(message.id);
      resolve?.(message.lease);
    },
    async preload() {
      if (!process.connected) return;
      const [{ puppeteer }] = await Promise.all([
        import("../browser/puppeteer.ts"),
        import("../browser/remote-lease.ts"),
      ]);
      if (process.connected) puppeteer();
    },
    async acquire(signal) {
      const id = calls.get(signal);
      if (id === undefined || signal.aborted || waiting.has(id)) return undefined;
      const data = await new Promise<unknown>((resolve) => {
        const onAbort = (): void => {
          waiting.delete(id);
          resolve(undefined);
        };
        signal.addEventListener("abort", onAbort, { once: true });
        waiting.set(id, (lease) => {
          signal.removeEventListener("abort", onAbort);
          resolve(lease);
        });
        send({ t: "lease", id });
      });
      if (data === undefined) return undefined;
      try {
        const { connectWarmLease } = await import("../browser/remote-lease.ts");
        return await connectWarmLease(data);
      } catch (e) {
        // Given back at once, so the warm browser is free again while this hook launches its own.
        send({ t: "unlease", id });
        warn(`browser: the daemon's warm browser could not be used, launching one: ${String(e)}`);
        return undefined;
      }
    },
  };
}
