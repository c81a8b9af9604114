import type { EventEmitter } from "eventemitter3";

type Listener = (...args: never[]) => void;

/**
 * Resolves with the arguments of the next `event` that satisfies `accept`, or rejects
 * after `timeoutMs` naming the event it waited for, so a demo step that never happens
 * fails with a reason instead of hanging.
 */
export function waitFor<Events extends Record<string, Listener>, K extends keyof Events & string>(
  emitter: EventEmitter<Events>,
  event: K,
  accept: (...args: Parameters<Events[K]>) => boolean,
  timeoutMs: number,
): Promise<Parameters<Events[K]>> {
  return new Promise((resolve, reject) => {
    const onEvent = (...args: Parameters<Events[K]>): void => {
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
      emitter.off(event, onEvent as never);
    };
    emitter.on(event, onEvent as never);
  });
}
