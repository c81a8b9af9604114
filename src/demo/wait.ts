import type { EventEmitter } from "eventemitter3";
import type { Daemon } from "../daemon/daemon.ts";
import type { DaemonEvents } from "../daemon/events.ts";

type Args<K extends keyof DaemonEvents> = EventEmitter.EventArgs<DaemonEvents, K>;

/**
 * Resolves with the arguments of the next daemon `event` that satisfies `accept`, or
 * rejects after `timeoutMs` naming the event it waited for, so a demo step that never
 * happens fails with a reason instead of hanging.
 */
export function waitFor<K extends keyof DaemonEvents>(
  daemon: Daemon,
  event: K,
  accept: (...args: Args<K>) => boolean,
  timeoutMs: number,
): Promise<Args<K>> {
  return new Promise((resolve, reject) => {
    const listener = (...args: Args<K>): void => {
      if (!accept(...args)) return;
      cleanup();
      resolve(args);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for "${event}"`));
    }, timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      daemon.off(event, listener);
    };
    daemon.on(event, listener);
  });
}
