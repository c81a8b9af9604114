import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { TLSSocket } from "node:tls";

/** Ad-hoc loopback servers for the auth tests. */

export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  /** Which connection carried it: 1 for the server's first, 2 for the next, … */
  readonly connection: number;
  /** Over TLS: whether the client resumed an earlier TLS session. */
  readonly tlsResumed?: boolean;
}

export interface TestServer {
  readonly url: string;
  readonly port: number;
  readonly requests: SeenRequest[];
  /** Connections currently open. */
  openConnections(): number;
  close(): Promise<void>;
}

type Handler = (req: SeenRequest, res: http.ServerResponse) => void;

const fixture = (name: string): string =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");

/** The self-signed certificate of the TLS test server, to pass as the client's `ca`. */
export const TEST_CA = fixture("test-portal.crt");

/**
 * An HTTP (or, with `tls`, HTTPS with the test certificate) server on 127.0.0.1:0 that
 * records every request (with its body) before `handler` answers.
 */
export async function serve(handler: Handler, opts: { tls?: boolean } = {}): Promise<TestServer> {
  const requests: SeenRequest[] = [];
  const ids = new WeakMap<object, number>();
  let open = 0;
  const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const seen = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        connection: ids.get(req.socket) ?? 0,
        ...(req.socket instanceof TLSSocket ? { tlsResumed: req.socket.isSessionReused() } : {}),
      };
      requests.push(seen);
      handler(seen, res);
    });
  };
  const server =
    opts.tls === true
      ? https.createServer({ cert: TEST_CA, key: fixture("test-portal.key") }, listener)
      : http.createServer(listener);
  // TLS servers report the decrypted socket on `secureConnection`, the one requests see.
  let accepted = 0;
  server.on(opts.tls === true ? "secureConnection" : "connection", (socket: net.Socket) => {
    ids.set(socket, ++accepted);
    open++;
    socket.once("close", () => open--);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no address");
  return {
    url: `${opts.tls === true ? "https" : "http"}://127.0.0.1:${address.port}`,
    port: address.port,
    requests,
    openConnections: () => open,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A TCP server that accepts connections and never answers; counts connections. */
export async function silentServer(): Promise<{
  url: string;
  connections: () => number;
  close(): Promise<void>;
}> {
  const sockets = new Set<net.Socket>();
  let count = 0;
  const server = net.createServer((socket) => {
    count++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no address");
  return {
    url: `http://127.0.0.1:${address.port}`,
    connections: () => count,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 with nothing listening (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no address");
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return address.port;
}
