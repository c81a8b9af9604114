import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { processAcceptLanguage } from "./accept-language.ts";
import { type CaOption, type ConnectionPool, FRESH_TLS_AGENT, secureContextFor } from "./agents.ts";
import { canDecode, contentEncodings, decodeStream } from "./content-decoding.ts";
import { wireHeaders } from "./wire-headers.ts";

/**
 * One HTTP exchange on node:http/https, nothing more: no redirects, no cookies, no
 * credential checks. The probe and the HTTP client build on it. Without a pool, a fresh
 * connection per request (`Connection: close`), as Android's probe does: a portal that
 * answers one connection differently from the next should not be hidden by reuse. With a
 * pool (one plugin hook call's, see agents.ts) connections are kept and reused.
 */

export { HOTSPOT_USER_AGENT } from "./wire-headers.ts";

export interface RawRequest {
  readonly url: URL;
  readonly method: string;
  /**
   * Any spelling; sent canonically and in browser order with browser-like defaults filled
   * in (see wire-headers.ts). Host, Connection, Content-Length and Accept-Encoding are the
   * transport's own.
   */
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Buffer;
  /** Default User-Agent when `headers` has none (the user's configured one). */
  readonly userAgent?: string;
  /** Default Accept-Language when `headers` has none; default: from the process's locale. */
  readonly acceptLanguage?: string;
  /** Whole exchange, connect to last body byte. */
  readonly timeoutMs: number;
  /**
   * Until the TCP (and TLS) connection is up; default: `timeoutMs`. Shorter than the whole
   * exchange, so a silent address fails fast while a slow portal page may still load.
   */
  readonly connectTimeoutMs?: number;
  /** Cap on the body as decoded (and as received): a compression bomb stops here. */
  readonly maxBodyBytes: number;
  /** `error`: fail when the body exceeds the cap; `truncate`: keep the first `maxBodyBytes` and stop reading. */
  readonly overflow: "error" | "truncate";
  readonly localAddress?: string;
  /** Name resolution override: the daemon resolves through the Wi-Fi link's own DNS servers (link-dns.ts). */
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
  /** Decoded when the server used a Content-Encoding we announced (gzip, deflate, br). */
  readonly body: Buffer;
  readonly truncated: boolean;
}

export type TransportFailure = "timeout" | "aborted" | "network" | "too-large" | "decode";

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

const BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);

/** The per-link options a caller passes on to `sendRaw` as they came, leaving out the unset ones. */
export type ForwardedOptions = Pick<RawRequest, "localAddress" | "lookup" | "ca" | "signal" | "userAgent">;

export function forwarded(opts: ForwardedOptions): ForwardedOptions {
  return {
    ...(opts.localAddress === undefined ? {} : { localAddress: opts.localAddress }),
    ...(opts.lookup === undefined ? {} : { lookup: opts.lookup }),
    ...(opts.ca === undefined ? {} : { ca: opts.ca }),
    ...(opts.signal === undefined ? {} : { signal: opts.signal }),
    ...(opts.userAgent === undefined ? {} : { userAgent: opts.userAgent }),
  };
}

/** Sends one request and reads the response body (within the cap). Rejects only with TransportError. */
export function sendRaw(req: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    if (req.signal?.aborted) {
      reject(new TransportError("aborted", "aborted before sending"));
      return;
    }
    const isHttps = req.url.protocol === "https:";
    const pooled = req.pool?.agentFor(req.url);
    const bodyLength = req.body?.length ?? (BODY_METHODS.has(req.method.toUpperCase()) ? 0 : undefined);
    const options: https.RequestOptions = {
      method: req.method,
      // An object keeps its key order and spelling on the wire; Host is given so Node does not append it last.
      headers: wireHeaders(req.headers, {
        host: req.url.host,
        userAgent: req.userAgent,
        acceptLanguage: req.acceptLanguage ?? processAcceptLanguage(),
        connection: pooled === undefined ? "close" : "keep-alive",
        contentLength: bodyLength,
      }),
      // HTTPS without a pool still goes through an agent: it resumes TLS sessions (agents.ts).
      agent: pooled ?? (isHttps ? FRESH_TLS_AGENT : false),
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
      let received = 0;
      const encodings = contentEncodings(headers["content-encoding"]);
      const decoding = canDecode(encodings) && req.method.toUpperCase() !== "HEAD";
      const done = (truncated: boolean): void =>
        finish(undefined, { status, headers, setCookie, body: Buffer.concat(chunks), truncated });
      const onData = (chunk: Buffer): void => {
        if (settled) return;
        if (size + chunk.length > req.maxBodyBytes) {
          if (req.overflow === "error") {
            const what = decoding ? `decoded ${encodings.join(", ")} body` : "body";
            fail(new TransportError("too-large", `${what} exceeds ${req.maxBodyBytes} bytes`));
            decoder?.destroy();
            return;
          }
          chunks.push(chunk.subarray(0, req.maxBodyBytes - size));
          size = req.maxBodyBytes;
          done(true);
          decoder?.destroy();
          request.destroy();
          return;
        }
        chunks.push(chunk);
        size += chunk.length;
      };
      const decoder = decoding
        ? decodeStream(res, encodings, {
            data: onData,
            end: () => done(false),
            error: (e) =>
              fail(
                new TransportError(
                  "decode",
                  `could not decode the ${encodings.join(", ")} body: ${describe(e)}`,
                  {
                    cause: e,
                  },
                ),
              ),
          })
        : undefined;
      if (decoding) {
        // The compressed bytes count too: a body larger than the cap before decoding is too large already.
        res.on("data", (chunk: Buffer) => {
          received += chunk.length;
          if (received <= req.maxBodyBytes || settled) return;
          decoder?.destroy();
          if (req.overflow === "error") {
            fail(new TransportError("too-large", `encoded body exceeds ${req.maxBodyBytes} bytes`));
          } else {
            done(true);
            request.destroy();
          }
        });
      } else {
        res.on("data", onData);
        res.on("end", () => done(false));
      }
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
