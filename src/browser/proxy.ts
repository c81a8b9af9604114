import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { connect, type LookupFunction, type Socket } from "node:net";
import type { HotspotError } from "../errors.ts";
import type { BrowserGuard } from "./guard.ts";

/**
 * The browser's way out: an HTTP/CONNECT proxy of ours on 127.0.0.1 (a random port) that
 * Chromium is pointed at. It opens every upstream connection from the joined link's
 * address and resolves names through the link's DNS (the same `localAddress` and `lookup`
 * as the HTTP client), so a VPN or Ethernet holding the default route, or a local DoH
 * resolver, cannot take the browser's portal traffic elsewhere. Chromium sends host names
 * to an HTTP proxy unresolved, so no name is ever looked up by the system resolver.
 *
 * Plain-HTTP requests pass the credential guard here (they are readable); TLS tunnels are
 * opaque, and request interception in the page guards them before encryption.
 */

/** What ties the proxy to one link and one plugin: set per hook (a warm browser's proxy outlives hooks). */
export interface ProxyBinding {
  /** Source address of upstream connections (the link's address). */
  readonly localAddress?: string | undefined;
  /** Name resolution through the link's DNS. */
  readonly lookup?: LookupFunction | undefined;
  /** Checks plain-HTTP requests; a refused one gets 403 and never leaves. */
  readonly guard?: BrowserGuard | undefined;
  /** Called with every refusal (already free of secrets). */
  readonly onRefused?: ((error: HotspotError) => void) | undefined;
}

export interface BrowserProxyOptions extends ProxyBinding {
  /**
   * Start without a binding: every request is refused (503) until `bind()`. A warm
   * browser's proxy waits like this between hooks, so nothing it loads on its own leaves
   * on whatever link holds the route.
   */
  readonly unbound?: boolean;
  /** Largest request body passed on (a login form is small); default 4 MiB. */
  readonly maxBodyBytes?: number;
  /** Upstream connect timeout of tunnels, ms; default 10 000. */
  readonly connectTimeoutMs?: number;
  /** Idle limit of a forwarded plain-HTTP exchange, ms; default 30 000. */
  readonly idleTimeoutMs?: number;
}

export interface BrowserProxy {
  /** `127.0.0.1:port`, for --proxy-server. */
  readonly address: string;
  /**
   * Ties the proxy to another link and plugin (undefined: to none, refusing everything).
   * Every connection and tunnel opened under the previous binding is cut first, so no
   * request of one hook leaves through another hook's link or passes another plugin's guard.
   */
  bind(binding: ProxyBinding | undefined): void;
  /** Stops listening and cuts every open connection and tunnel. Idempotent. */
  close(): Promise<void>;
}

/** Hop-by-hop headers (RFC 9110 §7.6.1) and the proxy's own: never passed on. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authorization",
  "proxy-authenticate",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

function forwardHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
  return out;
}

function readBody(req: import("node:http").IncomingMessage, max: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > max) {
        resolve(undefined);
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(size > max ? undefined : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export async function startBrowserProxy(opts: BrowserProxyOptions = {}): Promise<BrowserProxy> {
  const sockets = new Set<Socket>();
  const track = (s: Socket): void => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  };
  let current: ProxyBinding | undefined = opts.unbound === true ? undefined : opts;
  let agent = new Agent({ keepAlive: true });
  const upstreamOf = (b: ProxyBinding) => ({
    ...(b.localAddress === undefined ? {} : { localAddress: b.localAddress }),
    ...(b.lookup === undefined ? {} : { lookup: b.lookup }),
  });
  const unbound = "hotspot-helper proxy: no link is bound (no hook is running)\n";
  const maxBody = opts.maxBodyBytes ?? 4 * 1024 * 1024;

  const server = createServer((req, res) => {
    // The binding the request arrived under: a rebinding meanwhile cuts this socket.
    const binding = current;
    if (binding === undefined) {
      res.writeHead(503, { "content-type": "text/plain" }).end(unbound);
      return;
    }
    void (async () => {
      let url: URL;
      try {
        url = new URL(req.url ?? "");
        if (url.protocol !== "http:") throw new Error("not http");
      } catch {
        res
          .writeHead(400, { "content-type": "text/plain" })
          .end("hotspot-helper proxy: absolute http:// URL expected\n");
        return;
      }
      const body = await readBody(req, maxBody);
      if (body === undefined) {
        res
          .writeHead(413, { "content-type": "text/plain" })
          .end("hotspot-helper proxy: request body too large\n");
        return;
      }
      const refused = binding.guard?.check({
        url,
        method: req.method ?? "GET",
        headers: req.headers,
        body: body.toString("utf8"),
      });
      if (refused !== undefined) {
        binding.onRefused?.(refused);
        res
          .writeHead(403, { "content-type": "text/plain" })
          .end("hotspot-helper: blocked, this request carries credentials to a host they may not go to\n");
        return;
      }
      const headers = forwardHeaders(req.headers);
      if (body.length > 0 || req.headers["content-length"] !== undefined)
        headers["content-length"] = String(body.length);
      const up = httpRequest({
        agent,
        host: url.hostname.replace(/^\[|\]$/g, ""),
        port: url.port === "" ? 80 : Number(url.port),
        method: req.method,
        path: `${url.pathname}${url.search}`,
        headers,
        // an idle limit, not a total one: the hook's deadline bounds the whole login
        timeout: opts.idleTimeoutMs ?? 30_000,
        ...upstreamOf(binding),
      });
      up.on("socket", track);
      up.on("response", (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, forwardHeaders(answer.headers));
        answer.pipe(res);
      });
      up.on("timeout", () => up.destroy(new Error("upstream timeout")));
      up.on("error", (e) => {
        if (!res.headersSent)
          res.writeHead(502, { "content-type": "text/plain" }).end(`upstream: ${e.message}\n`);
        else res.destroy();
      });
      up.end(body);
    })().catch(() => res.destroy());
  });

  server.on("connection", track);
  server.on("connect", (req, client: Socket, head: Buffer) => {
    // Node's server stops handling this socket's errors once it emits "connect": without a
    // listener of ours, a browser that resets the connection after a refusal (a reset,
    // not a close, when it drops a socket with bytes unread) throws ECONNRESET out of the
    // process. So the listener comes before any answer.
    client.on("error", () => client.destroy());
    const binding = current;
    if (binding === undefined) {
      client.end("HTTP/1.1 503 Service Unavailable\r\n\r\n");
      return;
    }
    const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(req.url ?? "");
    if (!match) {
      client.end("HTTP/1.1 400 Bad Request\r\n\r\n");
      return;
    }
    const target = connect({ host: match[1] ?? "", port: Number(match[2]), ...upstreamOf(binding) });
    track(target);
    target.setTimeout(opts.connectTimeoutMs ?? 10_000, () => target.destroy(new Error("connect timeout")));
    let established = false;
    target.once("connect", () => {
      established = true;
      target.setTimeout(0);
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length > 0) target.write(head);
      target.pipe(client);
      client.pipe(target);
    });
    target.on("error", () => {
      if (!established) client.end("HTTP/1.1 502 Bad Gateway\r\n\r\n");
      else client.destroy();
    });
    client.on("close", () => target.destroy());
  });
  server.on("clientError", (_e, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === "object" && addr !== null ? addr.port : 0;
  let closing: Promise<void> | undefined;
  return {
    address: `127.0.0.1:${port}`,
    bind(binding) {
      for (const s of sockets) s.destroy();
      agent.destroy();
      agent = new Agent({ keepAlive: true });
      current = binding;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
        agent.destroy();
      });
      return closing;
    },
  };
}
