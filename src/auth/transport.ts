import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { type CaOption, type ConnectionPool, FRESH_TLS_AGENT, secureContextFor } from "./agents.ts";

/**
 * One HTTP exchange on node:http/https, nothing more: no redirects, no cookies, no
 * credential checks. The probe and the HTTP client build on it. Without a pool, a fresh
 * connection per request (`Connection: close`), as Android's probe does: a portal that
 * answers one connection differently from the next should not be hidden by reuse. With a
 * pool (one plugin hook call's, see agents.ts) connections are kept and reused.
 */

/** A User-Agent with "wispr" in it: Apple's captive network assistant sends one, and WISPr gateways look for it. */
export const HOTSPOT_USER_AGENT = "CaptiveNetworkSupport/1.0 wispr hotspot-helper/0.1";

export interface RawRequest {
  readonly url: URL;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Buffer;
  /** Whole exchange, connect to last body byte. */
  readonly timeoutMs: number;
  /**
   * Until the TCP (and TLS) connection is up; default: `timeoutMs`. Shorter than the whole
   * exchange, so a silent address fails fast while a slow portal page may still load.
   */
  readonly connectTimeoutMs?: number;
  readonly maxBodyBytes: number;
  /** `error`: fail when the body exceeds the cap; `truncate`: keep the first `maxBodyBytes` and stop reading. */
  readonly overflow: "error" | "truncate";
  readonly localAddress?: string;
  /** Name resolution override (issue 5 resolves through the Wi-Fi link's own DNS servers). */
  readonly lookup?: LookupFunction;
  /** Extra trusted CA certificates (PEM), e.g. a test portal's self-signed one. */
  readonly ca?: CaOption;
  readonly signal?: AbortSignal;
  /** Keep-alive connections to reuse (a hook call's); default a new connection per request. */
  readonly pool?: ConnectionPool;
}

export interface RawResponse {
  readonly status: number;
  /** Lower-case names; repeated headers joined with ", "; set-cookie kept apart in `setCookie`. */
  readonly headers: Readonly<Record<string, string>>;
  readonly setCookie: readonly string[];
  readonly body: Buffer;
  readonly truncated: boolean;
}

export type TransportFailure = "timeout" | "aborted" | "network" | "too-large";

/** Why an exchange failed; callers map it to a coded error or a probe verdict. */
export class TransportError extends Error {
  override readonly name = "TransportError";
  /**
   * The request went out on a kept-alive connection that failed before any answer came
   * back: the server may have closed it while idle (the keep-alive race every browser
   * handles by sending an idempotent request again on a new connection).
   */
  readonly reusedConnection: boolean;
  constructor(
    readonly kind: TransportFailure,
    message: string,
    options?: { cause?: unknown; reusedConnection?: boolean },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.reusedConnection = options?.reusedConnection === true;
  }
}

function collectHeaders(raw: readonly string[]): { headers: Record<string, string>; setCookie: string[] } {
  const headers: Record<string, string> = {};
  const setCookie: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] ?? "").toLowerCase();
    const value = raw[i + 1] ?? "";
    if (name === "set-cookie") setCookie.push(value);
    else headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return { headers, setCookie };
}

function describe(e: unknown): string {
  if (e instanceof Error) {
    const code = "code" in e && typeof e.code === "string" ? e.code : undefined;
    return code && !e.message.includes(code) ? `${code}: ${e.message}` : e.message;
  }
  return String(e);
}

/** Sends one request and reads the response body (within the cap). Rejects only with TransportError. */
export function sendRaw(req: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    if (req.signal?.aborted) {
      reject(new TransportError("aborted", "aborted before sending"));
      return;
    }
    const isHttps = req.url.protocol === "https:";
    const options: https.RequestOptions = {
      method: req.method,
      headers: { ...req.headers },
      // HTTPS without a pool still goes through an agent: it resumes TLS sessions (agents.ts).
      agent: req.pool?.agentFor(req.url) ?? (isHttps ? FRESH_TLS_AGENT : false),
      ...(req.localAddress === undefined ? {} : { localAddress: req.localAddress }),
      ...(req.lookup === undefined ? {} : { lookup: req.lookup }),
      // `ca` still names the trust anchors in the agent's connection and session keys;
      // the prebuilt context is what the handshake uses (building one per request is slow).
      ...(isHttps && req.ca !== undefined
        ? { ca: typeof req.ca === "string" || Buffer.isBuffer(req.ca) ? req.ca : [...req.ca] }
        : {}),
      ...(isHttps ? { secureContext: secureContextFor(req.ca) } : {}),
    };
    let settled = false;
    let failure: TransportError | undefined;
    let connectTimer: ReturnType<typeof setTimeout> | undefined;
    const finish = (err: TransportError | undefined, res?: RawResponse): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(connectTimer);
      req.signal?.removeEventListener("abort", onAbort);
      if (err) reject(err);
      else if (res) resolve(res);
    };
    const fail = (err: TransportError): void => {
      failure ??= err;
      request.destroy(err);
      finish(err);
    };
    const onAbort = (): void => fail(new TransportError("aborted", "aborted"));
    const timer = setTimeout(
      () => fail(new TransportError("timeout", `timed out after ${req.timeoutMs} ms`)),
      req.timeoutMs,
    );
    let answered = false;
    const request = (isHttps ? https : http).request(req.url, options, (res) => {
      answered = true;
      const { headers, setCookie } = collectHeaders(res.rawHeaders);
      const status = res.statusCode ?? 0;
      const declared = Number(headers["content-length"]);
      if (req.overflow === "error" && Number.isFinite(declared) && declared > req.maxBodyBytes) {
        fail(
          new TransportError("too-large", `declared body of ${declared} bytes exceeds ${req.maxBodyBytes}`),
        );
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        if (settled) return;
        if (size + chunk.length > req.maxBodyBytes) {
          if (req.overflow === "error") {
            fail(new TransportError("too-large", `body exceeds ${req.maxBodyBytes} bytes`));
            return;
          }
          chunks.push(chunk.subarray(0, req.maxBodyBytes - size));
          size = req.maxBodyBytes;
          finish(undefined, { status, headers, setCookie, body: Buffer.concat(chunks), truncated: true });
          request.destroy();
          return;
        }
        chunks.push(chunk);
        size += chunk.length;
      });
      res.on("end", () =>
        finish(undefined, { status, headers, setCookie, body: Buffer.concat(chunks), truncated: false }),
      );
      res.on("error", (e) => finish(failure ?? new TransportError("network", describe(e), { cause: e })));
    });
    const connectMs = req.connectTimeoutMs;
    if (connectMs !== undefined && connectMs < req.timeoutMs) {
      request.on("socket", (socket) => {
        if (!socket.connecting) return;
        connectTimer = setTimeout(
          () => fail(new TransportError("timeout", `no connection within ${connectMs} ms`)),
          connectMs,
        );
        // TLS counts as part of connecting: a portal that accepts TCP and never answers the handshake is as dead.
        socket.once(isHttps ? "secureConnect" : "connect", () => clearTimeout(connectTimer));
      });
    }
    request.on("error", (e) =>
      finish(
        failure ??
          new TransportError("network", describe(e), {
            cause: e,
            reusedConnection: request.reusedSocket && !answered,
          }),
      ),
    );
    req.signal?.addEventListener("abort", onAbort, { once: true });
    request.end(req.body);
  });
}
