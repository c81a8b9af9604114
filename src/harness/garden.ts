import type { GardenEvent, GardenSession, SessionLimits } from "./types.ts";

/**
 * The walled garden: which client addresses are let through, with session expiry and a
 * byte quota. Expiry is checked lazily against an injectable clock whenever anyone asks,
 * so tests move time without sleeping; a portal with a real clock also sweeps on a timer
 * so that namespace mode's nftables set loses expired clients without waiting for traffic.
 *
 * Every change goes to the `onChange` listener (namespace mode updates nftables there);
 * listener promises are chained, and `settled()` resolves when all have finished, so the
 * server can hold a "you are online" answer until the packet filter agrees.
 */

export interface GardenOptions {
  now(): number;
  /** ms since the portal started, for event times comparable with the request log. */
  elapsed(): number;
  onChange?(client: string, authorized: boolean): void | Promise<void>;
}

export interface Garden {
  authorize(client: string, limits?: SessionLimits, reason?: string): void;
  deauthorize(client: string, reason?: string): void;
  isAuthorized(client: string): boolean;
  session(client: string): GardenSession | undefined;
  extend(client: string, seconds: number): boolean;
  /** Counts bytes a client downloaded through the garden; ends the session when the quota runs out. */
  consume(client: string, bytes: number): void;
  /** Ends sessions past their expiry. */
  sweep(): void;
  /** Ends every session (listeners are told) and forgets the events. */
  clear(): void;
  /** Forgets the events, keeping every session. */
  forgetEvents(): void;
  readonly events: readonly GardenEvent[];
  /** Resolves when every onChange call so far has finished (errors are kept in `errors`). */
  settled(): Promise<void>;
  readonly errors: readonly unknown[];
}

interface MutableSession {
  since: number;
  expiresAt?: number;
  bytesRemaining?: number;
}

export function createGarden(opts: GardenOptions): Garden {
  const sessions = new Map<string, MutableSession>();
  const events: GardenEvent[] = [];
  const errors: unknown[] = [];
  let chain: Promise<void> = Promise.resolve();

  const notify = (client: string, authorized: boolean, reason: string): void => {
    events.push({ client, authorized, reason, atMs: opts.elapsed() });
    const listener = opts.onChange;
    if (!listener) return;
    chain = chain
      .then(() => listener(client, authorized))
      .catch((e: unknown) => {
        errors.push(e);
      });
  };

  const end = (client: string, reason: string): void => {
    if (sessions.delete(client)) notify(client, false, reason);
  };

  const expireIfDue = (client: string): void => {
    const s = sessions.get(client);
    if (s?.expiresAt !== undefined && opts.now() >= s.expiresAt) end(client, "expired");
  };

  return {
    authorize(client, limits = {}, reason = "login") {
      const now = opts.now();
      const had = sessions.has(client);
      sessions.set(client, {
        since: now,
        ...(limits.seconds === undefined ? {} : { expiresAt: now + limits.seconds * 1000 }),
        ...(limits.bytes === undefined ? {} : { bytesRemaining: limits.bytes }),
      });
      if (!had) notify(client, true, reason);
    },
    deauthorize: (client, reason = "logoff") => end(client, reason),
    isAuthorized(client) {
      expireIfDue(client);
      return sessions.has(client);
    },
    session(client) {
      expireIfDue(client);
      const s = sessions.get(client);
      return s === undefined ? undefined : { ...s };
    },
    extend(client, seconds) {
      expireIfDue(client);
      const s = sessions.get(client);
      if (!s) return false;
      s.since = opts.now();
      s.expiresAt = s.since + seconds * 1000;
      return true;
    },
    consume(client, bytes) {
      const s = sessions.get(client);
      if (s?.bytesRemaining === undefined) return;
      s.bytesRemaining = Math.max(0, s.bytesRemaining - bytes);
      if (s.bytesRemaining === 0) end(client, "quota");
    },
    sweep() {
      for (const client of [...sessions.keys()]) expireIfDue(client);
    },
    clear() {
      for (const client of [...sessions.keys()]) end(client, "reset");
      events.length = 0;
    },
    forgetEvents() {
      events.length = 0;
    },
    events,
    settled: () => chain,
    errors,
  };
}
