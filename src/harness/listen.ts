import http from "node:http";
import https from "node:https";
import type { Socket } from "node:net";
import type { TlsMaterial } from "./tls.ts";

/**
 * The simulator's sockets: plain HTTP and, for scenarios that need it, HTTPS, both feeding
 * one handler. Every TCP connection gets a 1-based id (shared numbering across both) so
 * the request log can count new connections.
 */

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, tls: boolean) => void;

export interface Listener {
  /** `http://127.0.0.1:34567` (port omitted when it is the scheme's default). */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export interface ConnectionCounter {
  idOf(socket: Socket): number;
}

export function connectionCounter(): ConnectionCounter & { track(socket: Socket): void } {
  const ids = new WeakMap<Socket, number>();
  let next = 0;
  return {
    track: (socket) => void ids.set(socket, ++next),
    idOf: (socket) => ids.get(socket) ?? 0,
  };
}

function baseUrl(scheme: "http" | "https", address: string, family: string, port: number): string {
  const host = family === "IPv6" ? `[${address}]` : address;
  const defaultPort = scheme === "http" ? 80 : 443;
  return `${scheme}://${host}${port === defaultPort ? "" : `:${port}`}`;
}

/** Listens on host:port (0 = any free port); resolves once bound. */
export async function listen(
  opts: { host: string; port: number; tls?: TlsMaterial },
  handler: Handler,
  counter: ReturnType<typeof connectionCounter>,
): Promise<Listener> {
  const isTls = opts.tls !== undefined;
  const server = opts.tls
    ? https.createServer({ cert: opts.tls.cert, key: opts.tls.key }, (req, res) => handler(req, res, true))
    : http.createServer((req, res) => handler(req, res, false));
  // For TLS the request's socket is the TLSSocket, not the raw one 'connection' reports.
  server.on(isTls ? "secureConnection" : "connection", (socket: Socket) => counter.track(socket));
  // A client that resets mid-handshake or mid-request must not take the portal down.
  server.on("clientError", (_e, socket: Socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("portal server has no TCP address");
  return {
    url: baseUrl(isTls ? "https" : "http", address.address, address.family, address.port),
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
