import http from "node:http";
import https from "node:https";
import type { Duplex } from "node:stream";
import tls from "node:tls";

/**
 * Connection reuse and TLS state for the transport, in one place:
 * - one TLS session cache for the whole process, so a connection resumes the session an
 *   earlier one (fresh or pooled) negotiated with the same server instead of a full handshake;
 * - SecureContexts built once per set of trusted CAs: Node builds a new one for every
 *   connection that passes `ca`, which costs about a millisecond of CPU each time;
 * - connection pools: keep-alive agents that live for one plugin hook call, so a login's
 *   page, POST and API query share a connection, and are closed when the call ends (or is
 *   aborted), so no connection outlives the hook or crosses to another network.
 * The probe never uses a pool: it must see what a new connection sees (see probe.ts).
 */

/** Trusted CA certificates (PEM), as the transport takes them. */
export type CaOption = string | Buffer | readonly (string | Buffer)[];

const MAX_TLS_SESSIONS = 64;
const MAX_SECURE_CONTEXTS = 16;
/** A kept connection idle this long is closed, even inside a long hook call. */
export const POOL_IDLE_MS = 2_000;

/** name (host, port, source address, SNI, CAs: https.Agent#getName) → last TLS session; least recent first. */
const sessions = new Map<string, Buffer>();

function remember(name: string, session: Buffer): void {
  sessions.delete(name);
  sessions.set(name, session);
  if (sessions.size > MAX_TLS_SESSIONS) {
    const oldest = sessions.keys().next().value;
    if (oldest !== undefined) sessions.delete(oldest);
  }
}

/** An https.Agent whose TLS sessions go to the process-wide cache above, not its own. */
class SharedSessionAgent extends https.Agent {
  override createConnection(
    options: https.RequestOptions,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const name = this.getName(options);
    const session = sessions.get(name);
    // Node's own createConnection gives an explicit `session` option precedence over its cache.
    const withSession = session === undefined ? options : { ...options, session };
    const socket = super.createConnection(withSession, callback);
    if (socket instanceof tls.TLSSocket) {
      socket.on("session", (s: Buffer) => remember(name, s));
      // A session that ended in an error is not worth resuming (Node's agent does the same).
      socket.once("close", (hadError: boolean) => {
        if (hadError) sessions.delete(name);
      });
    }
    return socket;
  }
}

/** For requests without a pool: a new connection each time, TLS sessions resumed. */
export const FRESH_TLS_AGENT: https.Agent = new SharedSessionAgent({ keepAlive: false });

const contexts = new Map<string, tls.SecureContext>();

/** The SecureContext trusting exactly `ca` (Node's default roots when undefined), built once. */
export function secureContextFor(ca: CaOption | undefined): tls.SecureContext {
  const list = ca === undefined ? [] : typeof ca === "string" || Buffer.isBuffer(ca) ? [ca] : [...ca];
  const key = list.map((c) => (typeof c === "string" ? c : c.toString("latin1"))).join("\0");
  let context = contexts.get(key);
  if (!context) {
    context = tls.createSecureContext(list.length === 0 ? {} : { ca: list });
    if (contexts.size >= MAX_SECURE_CONTEXTS) contexts.clear();
    contexts.set(key, context);
  }
  return context;
}

/** Keep-alive connections for one hook call. */
export interface ConnectionPool {
  /** The agent for a request to `url`; undefined once closed (then connect afresh). */
  agentFor(url: URL): http.Agent | undefined;
  /** Closes every connection of the pool, idle or in use. Idempotent. */
  close(): void;
  readonly closed: boolean;
}

export function createConnectionPool(opts: { readonly idleMs?: number } = {}): ConnectionPool {
  const idle = opts.idleMs ?? POOL_IDLE_MS;
  // `timeout` on a keep-alive agent closes idle kept sockets; a request in flight keeps its own timer.
  const plain = new http.Agent({ keepAlive: true, timeout: idle });
  const secure = new SharedSessionAgent({ keepAlive: true, timeout: idle });
  let closed = false;
  return {
    agentFor: (url) => (closed ? undefined : url.protocol === "https:" ? secure : plain),
    close() {
      if (closed) return;
      closed = true;
      plain.destroy();
      secure.destroy();
    },
    get closed() {
      return closed;
    },
  };
}

/**
 * Runs `hook` (one plugin hook call) with a connection pool of its own: the call's requests
 * share keep-alive connections (a login's page, POST and API query: no connection set-up
 * between them), and every connection is closed when the call settles or `signal` fires
 * (deadline, network left), so none outlives the call or serves another plugin.
 */
export function withConnectionPool<T>(signal: AbortSignal, hook: (pool: ConnectionPool) => T): T {
  const pool = createConnectionPool();
  const close = (): void => pool.close();
  signal.addEventListener("abort", close, { once: true });
  const done = (): void => {
    signal.removeEventListener("abort", close);
    close();
  };
  let result: T;
  try {
    result = hook(pool);
  } catch (e) {
    done();
    throw e;
  }
  // Promise.resolve also settles on a plain value or a JS plugin's foreign thenable.
  Promise.resolve(result).then(done, done);
  return result;
}
