import type { LookupFunction } from "node:net";
import { performance } from "node:perf_hooks";
import { hotspotError } from "../errors.ts";
import type { HttpClient, HttpRequestInit, HttpResponse } from "../helper-api/context.ts";
import type { PortalHost } from "../helper-api/plugin.ts";
import type { CaOption, ConnectionPool } from "./agents.ts";
import { type CookieJar, createCookieJar } from "./cookies.ts";
import {
  compileSecrets,
  credentialRefusal,
  credentialRefusalFix,
  loggableUrl,
  type SecretSet,
  urlWithoutQuery,
} from "./secrets.ts";
import { forwarded, type RawResponse, sendRaw, TransportError } from "./transport.ts";

/**
 * The HTTP client plugins get on their context. Differences from fetch, on purpose:
 * redirects are not followed unless asked (a portal's redirect is information), bodies
 * are capped, every request is bounded in time, and the plugin's credentials can only
 * reach the portal hosts it declared, over TLS unless allowed otherwise. The guard runs
 * before every hop, so a redirect cannot carry a secret somewhere else either.
 */

/** One line of the request log. Never contains a secret (see `url`). */
export interface HttpRequestLogEntry {
  readonly method: string;
  /** The full URL with every spelling of every secret replaced by `***`. */
  readonly url: string;
  /** Absent when no response arrived. */
  readonly status?: number;
  /** Duration of this hop, in ms. */
  readonly ms: number;
  /** Error code (and reason) when the hop failed or was refused. */
  readonly error?: string;
}

export interface HttpClientOptions {
  /** The plugin's validated credentials; every secret leaf (see secretStrings in util/redact.ts) is guarded. */
  readonly credentials?: unknown;
  /** Hosts allowed to receive secrets. */
  readonly portalHosts?: readonly PortalHost[];
  /** For error messages. */
  readonly pluginId?: string;
  /** Source address for every connection (the Wi-Fi interface's address). */
  readonly localAddress?: string;
  /** Called once per hop (including refused ones), with secrets scrubbed. */
  readonly onRequest?: (entry: HttpRequestLogEntry) => void;
  /** Aborts every request of this client (hook deadline, network left). */
  readonly signal?: AbortSignal;
  /** Use this jar instead of a fresh one (to share a session across clients). */
  readonly cookies?: CookieJar;
  /** Name resolution override: the Wi-Fi link's own DNS servers (link-dns.ts). */
  readonly lookup?: LookupFunction;
  /** Extra trusted CA certificates (PEM). */
  readonly ca?: CaOption;
  /**
   * Keep-alive connections shared by this client's requests (the daemon gives each hook call
   * one and closes it when the call ends). Default: a new connection per request.
   */
  readonly pool?: ConnectionPool;
  /** Per-hop connection set-up limit; default DEFAULT_CONNECT_TIMEOUT_MS. */
  readonly connectTimeoutMs?: number;
  /** Default total time of one call when the request gives none; default DEFAULT_HTTP_TIMEOUT_MS. */
  readonly timeoutMs?: number;
  /** Default body cap when the request gives none; default DEFAULT_MAX_BODY_BYTES. */
  readonly maxBodyBytes?: number;
  /** User-Agent for requests that set none (the user's configured one); default the transport's. */
  readonly userAgent?: string;
}

/** The plugin-facing HttpClient plus its cookie jar, for the daemon and tests. */
export interface AuthHttpClient extends HttpClient {
  readonly cookies: CookieJar;
}

export const DEFAULT_HTTP_TIMEOUT_MS = 10_000;
/** Connection set-up (TCP and TLS) per hop; the whole call is bounded by the request's timeout. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
/** A portal page is tens of kB; a megabyte is plenty and bounds what a hostile portal can make us hold. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
export const DEFAULT_MAX_REDIRECTS = 10;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS"]);

interface Hop {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

function decodeBody(res: RawResponse): string {
  const charset = /charset\s*=\s*"?([\w.:-]+)/i.exec(res.headers["content-type"] ?? "")?.[1];
  try {
    return new TextDecoder(charset ?? "utf-8").decode(res.body);
  } catch {
    return res.body.toString("utf8");
  }
}

function lowerKeys(headers: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) out[k.toLowerCase()] = v;
  return out;
}

/** The hop after a redirect: 301/302/303 turn into a body-less GET (as browsers do), 307/308 repeat as is. */
function nextHop(hop: Hop, status: number, location: URL): Hop {
  const headers = { ...hop.headers };
  delete headers.cookie;
  // fetch drops credentials-bearing headers when a redirect changes origin; so do we.
  if (location.origin !== hop.url.origin) delete headers.authorization;
  const toGet =
    status === 303 || ((status === 301 || status === 302) && hop.method !== "GET" && hop.method !== "HEAD");
  if (!toGet) return { url: location, method: hop.method, headers, body: hop.body };
  delete headers["content-type"];
  delete headers["content-length"];
  return { url: location, method: hop.method === "HEAD" ? "HEAD" : "GET", headers, body: undefined };
}

/**
 * The decoded `user:password` of every HTTP Basic credential in `values`: base64 hides the
 * secrets from a plain search, and Basic is how a portal API most often asks for them.
 */
export function basicCredentials(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const value of values) {
    for (const m of value.matchAll(/\bbasic\s+([A-Za-z0-9+/_-]+=*)/gi)) {
      out.push(Buffer.from(m[1] ?? "", "base64").toString("utf8"));
    }
  }
  return out;
}

export function createHttpClient(opts: HttpClientOptions = {}): AuthHttpClient {
  const secrets: SecretSet = compileSecrets(opts.credentials);
  const hosts = opts.portalHosts ?? [];
  const plugin = opts.pluginId ?? "(unknown)";
  const jar = opts.cookies ?? createCookieJar();

  const log = (entry: HttpRequestLogEntry): void => {
    try {
      opts.onRequest?.(entry);
    } catch {
      // a broken log sink must not break a login
    }
  };

  /** Refuses the hop before anything is sent when it carries a secret to the wrong place. */
  const guard = (hop: Hop, cookie: string | undefined, realm: string | undefined): void => {
    if (secrets.size === 0) return;
    // The jar's cookies count too: a portal may keep the username in a "remember me" cookie.
    const headerValues = Object.values(hop.headers);
    const texts = [
      hop.url.href,
      ...headerValues,
      ...basicCredentials(headerValues),
      cookie ?? "",
      hop.body ?? "",
    ];
    if (!texts.some((t) => secrets.foundIn(t))) return;
    const reason = credentialRefusal(hop.url, hosts, realm);
    if (reason === undefined) return;
    const url = urlWithoutQuery(hop.url, secrets);
    log({
      method: hop.method,
      url: loggableUrl(hop.url, secrets),
      ms: 0,
      error: "HH_CREDENTIAL_HOST_REFUSED",
    });
    const fix = credentialRefusalFix(hop.url, hosts, plugin);
    throw hotspotError("HH_CREDENTIAL_HOST_REFUSED", { plugin, url, reason, fix });
  };

  const sendHop = async (
    hop: Hop,
    deadline: number,
    maxBodyBytes: number,
    realm: string | undefined,
    retried = false,
  ): Promise<RawResponse> => {
    const cookie = jar.cookieHeader(hop.url);
    guard(hop, cookie, realm);
    const headers = { ...hop.headers };
    if (cookie !== undefined) headers.cookie = cookie;
    const started = performance.now();
    const shownUrl = loggableUrl(hop.url, secrets);
    try {
      const res = await sendRaw({
        url: hop.url,
        method: hop.method,
        headers,
        ...(hop.body === undefined ? {} : { body: Buffer.from(hop.body, "utf8") }),
        timeoutMs: Math.max(1, Math.ceil(deadline - performance.now())),
        connectTimeoutMs: opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
        maxBodyBytes,
        overflow: "error",
        ...forwarded(opts),
        ...(opts.pool === undefined ? {} : { pool: opts.pool }),
      });
      jar.setCookies(res.setCookie, hop.url);
      log({ method: hop.method, url: shownUrl, status: res.status, ms: performance.now() - started });
      return res;
    } catch (e) {
      const ms = performance.now() - started;
      if (e instanceof TransportError && e.kind === "too-large") {
        log({ method: hop.method, url: shownUrl, ms, error: "HH_HTTP_BODY_TOO_LARGE" });
        throw hotspotError(
          "HH_HTTP_BODY_TOO_LARGE",
          { method: hop.method, url: shownUrl, max: maxBodyBytes, step: e.message },
          { cause: e },
        );
      }
      const reason = secrets.redact(e instanceof Error ? e.message : String(e));
      log({ method: hop.method, url: shownUrl, ms, error: `HH_HTTP_FAILED: ${reason}` });
      // A kept connection that died before answering (closed while idle, or dropped by the
      // portal): an idempotent request goes once more, on a new connection, as browsers do.
      // A POST never does: the portal may have acted on it.
      if (
        !retried &&
        e instanceof TransportError &&
        e.reusedConnection &&
        IDEMPOTENT.has(hop.method) &&
        opts.signal?.aborted !== true &&
        performance.now() < deadline
      ) {
        return sendHop(hop, deadline, maxBodyBytes, realm, true);
      }
      throw hotspotError("HH_HTTP_FAILED", { method: hop.method, url: shownUrl, reason }, { cause: e });
    }
  };

  const request = async (url: string | URL, init: HttpRequestInit = {}): Promise<HttpResponse> => {
    const headers = lowerKeys(init.headers);
    let body: string | undefined;
    if (init.body instanceof URLSearchParams) {
      body = init.body.toString();
      headers["content-type"] ??= "application/x-www-form-urlencoded";
    } else if (init.body !== undefined) {
      body = init.body;
      headers["content-type"] ??= "text/plain;charset=UTF-8";
    }
    const method = (init.method ?? (body === undefined ? "GET" : "POST")).toUpperCase();
    let hop: Hop;
    try {
      hop = { url: new URL(url), method, headers, body };
    } catch (e) {
      throw hotspotError(
        "HH_HTTP_FAILED",
        { method, url: "(invalid URL)", reason: "invalid URL" },
        { cause: e },
      );
    }
    const maxRedirects = init.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
    const maxBodyBytes = init.maxBodyBytes ?? opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    // One budget for the whole call, redirects included, so a chain of slow hops stays bounded.
    const deadline = performance.now() + (init.timeoutMs ?? opts.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS);
    const startUrl = hop.url;
    const redirects: string[] = [];
    for (;;) {
      if (hop.url.protocol !== "http:" && hop.url.protocol !== "https:") {
        const shown = loggableUrl(hop.url, secrets);
        throw hotspotError("HH_HTTP_FAILED", {
          method: hop.method,
          url: shown,
          reason: "only http and https are supported",
        });
      }
      const res = await sendHop(hop, deadline, maxBodyBytes, init.realm);
      const location = res.headers.location;
      if (init.followRedirects !== true || !REDIRECT_STATUSES.has(res.status) || location === undefined) {
        return {
          url: hop.url.href,
          status: res.status,
          headers: responseHeaders(res),
          body: decodeBody(res),
          redirects,
        };
      }
      if (redirects.length >= maxRedirects) {
        throw hotspotError("HH_HTTP_TOO_MANY_REDIRECTS", {
          max: maxRedirects,
          url: urlWithoutQuery(startUrl, secrets),
        });
      }
      let target: URL;
      try {
        target = new URL(location, hop.url);
      } catch (e) {
        throw hotspotError(
          "HH_HTTP_FAILED",
          {
            method: hop.method,
            url: loggableUrl(hop.url, secrets),
            reason: "redirect to an invalid Location",
          },
          { cause: e },
        );
      }
      redirects.push(hop.url.href);
      hop = nextHop(hop, res.status, target);
    }
  };

  return {
    cookies: jar,
    request,
    get: (url, init = {}) => request(url, { ...init, method: "GET" }),
    post: (url, body, init = {}) => request(url, { ...init, method: "POST", body }),
  };
}

/** Response headers for plugins: set-cookie values are joined by "\n" (", " is ambiguous inside Expires dates). */
function responseHeaders(res: RawResponse): Record<string, string> {
  return res.setCookie.length === 0
    ? { ...res.headers }
    : { ...res.headers, "set-cookie": res.setCookie.join("\n") };
}
