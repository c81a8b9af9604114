import http from "node:http";
import type { Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { hotspotError } from "../errors.ts";
import { html, page, redirect } from "./html.ts";
import { BodyTooLarge, normalizeClient, sniffCredentials, toPortalRequest } from "./request.ts";
import { isScenarioName, SCENARIO_NAMES, type ScenarioName, scenarios } from "./scenarios/index.ts";
import type {
  PortalCredentials,
  PortalRequest,
  PortalResponse,
  ReceivedCredential,
  RequestLogEntry,
  Route,
  Scenario,
  ScenarioEnv,
} from "./types.ts";

/**
 * The loopback captive portal: one HTTP server playing gateway and portal at once. Like a
 * real walled garden it authorises client addresses (on loopback every client is
 * 127.0.0.1, so one login opens it for all). Connectivity-check paths are intercepted with
 * a redirect to the scenario's login page until the client is let through.
 */

export interface PortalOptions {
  readonly scenario: ScenarioName | Scenario;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Delay before every response, in ms (there is no netem here: latency is injected in user space). */
  readonly latencyMs?: number;
  /** What form-login scenarios accept; default DEFAULT_PORTAL_CREDENTIALS. */
  readonly credentials?: PortalCredentials;
}

export interface Portal {
  /** Base URL, e.g. `http://127.0.0.1:34567`. */
  readonly url: string;
  /** `${url}/generate_204`: Android's probe path. */
  readonly probeUrl: string;
  readonly scenario: Scenario;
  /** Every request served, in arrival order (live; cleared by reset). */
  readonly log: readonly RequestLogEntry[];
  /** Every credential value received, by any path (live; cleared by reset). */
  readonly receivedCredentials: readonly ReceivedCredential[];
  /** Whether the walled garden lets `clientAddress` (default 127.0.0.1) through. */
  authorized(clientAddress?: string): boolean;
  authorize(clientAddress?: string): void;
  deauthorize(clientAddress?: string): void;
  /** Back to the start: nobody authorised, logs and credential record emptied, scenario state rebuilt. */
  reset(): void;
  close(): Promise<void>;
}

export const DEFAULT_PORTAL_CREDENTIALS: PortalCredentials = Object.freeze({
  username: "guest",
  password: "correct horse battery staple",
});

const APPLE_SUCCESS = "<HTML><HEAD><TITLE>Success</TITLE></HEAD><BODY>Success</BODY></HTML>";
const DEFAULT_CLIENT = "127.0.0.1";

interface LogRow {
  method: string;
  path: string;
  status: number;
  atMs: number;
  durationMs: number;
  connectionId: number;
  client: string;
}

/** Starts a portal on loopback; resolves once it listens. */
export async function startPortal(opts: PortalOptions): Promise<Portal> {
  const scenario = typeof opts.scenario === "string" ? getScenario(opts.scenario) : opts.scenario;
  const credentials = opts.credentials ?? DEFAULT_PORTAL_CREDENTIALS;
  const startedAt = performance.now();
  const allowed = new Set<string>();
  const log: LogRow[] = [];
  const received: ReceivedCredential[] = [];
  const connectionIds = new WeakMap<Socket, number>();
  const timers = new Set<NodeJS.Timeout>();
  let connections = 0;
  let baseUrl = "";
  let routes: readonly Route[] = [];

  const env: ScenarioEnv = {
    get baseUrl() {
      return baseUrl;
    },
    credentials,
    authorize: (client) => void allowed.add(normalizeClient(client)),
    deauthorize: (client) => void allowed.delete(normalizeClient(client)),
    isAuthorized: (client) => allowed.has(normalizeClient(client)),
  };

  const intercept = (req: PortalRequest, online: () => PortalResponse): PortalResponse =>
    env.isAuthorized(req.client) ? online() : redirect(`${baseUrl}${scenario.loginPath}`);

  const dispatch = async (req: PortalRequest): Promise<PortalResponse> => {
    switch (req.path) {
      case "/generate_204":
        return intercept(req, () => ({ status: 204 }));
      case "/hotspot-detect.html":
        return intercept(req, () => ({
          status: 200,
          headers: { "content-type": "text/html" },
          body: APPLE_SUCCESS,
        }));
      case "/nm":
        return intercept(req, () => ({
          status: 200,
          headers: { "content-type": "text/plain", "x-networkmanager-status": "online" },
          body: "NetworkManager is online\n",
        }));
      case "/logoff":
        env.deauthorize(req.client);
        return html(200, page("Logged off", "  <h1>You have been logged off</h1>"));
    }
    const route = routes.find((r) => r.path === req.path && (r.method === "*" || r.method === req.method));
    if (route) return route.handle(req);
    return html(404, page("Not found", "  <h1>Not found</h1>"));
  };

  const delay = (): Promise<void> => {
    const ms = opts.latencyMs ?? 0;
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });
  };

  const send = (res: http.ServerResponse, row: LogRow, reply: PortalResponse): void => {
    const body = Buffer.from(reply.body ?? "", "utf8");
    row.status = reply.status;
    row.durationMs = performance.now() - startedAt - row.atMs;
    res.writeHead(reply.status, { ...reply.headers, "content-length": String(body.length) });
    res.end(reply.status === 204 || reply.status === 304 ? undefined : body);
  };

  const server = http.createServer((req, res) => {
    const row: LogRow = {
      method: (req.method ?? "GET").toUpperCase(),
      path: new URL(req.url ?? "/", "http://portal.invalid").pathname,
      status: 0,
      atMs: performance.now() - startedAt,
      durationMs: 0,
      connectionId: connectionIds.get(req.socket) ?? 0,
      client: normalizeClient(req.socket.remoteAddress),
    };
    log.push(row);
    void (async () => {
      let reply: PortalResponse;
      try {
        const portalReq = await toPortalRequest(req);
        const found = sniffCredentials(portalReq, credentials);
        if (found) received.push(found);
        await delay();
        reply = await dispatch(portalReq);
      } catch (e) {
        reply =
          e instanceof BodyTooLarge
            ? html(413, page("Too large", "  <h1>Request too large</h1>"))
            : html(500, page("Error", "  <h1>Internal error</h1>"));
      }
      if (!res.destroyed) send(res, row, reply);
    })();
  });
  server.on("connection", (socket) => connectionIds.set(socket, ++connections));

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? DEFAULT_CLIENT, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("portal server has no TCP address");
  const hostPart = address.family === "IPv6" ? `[${address.address}]` : address.address;
  baseUrl = `http://${hostPart}:${address.port}`;
  routes = scenario.routes(env);

  return {
    url: baseUrl,
    probeUrl: `${baseUrl}/generate_204`,
    scenario,
    log,
    receivedCredentials: received,
    authorized: (client = DEFAULT_CLIENT) => env.isAuthorized(client),
    authorize: (client = DEFAULT_CLIENT) => env.authorize(client),
    deauthorize: (client = DEFAULT_CLIENT) => env.deauthorize(client),
    reset() {
      allowed.clear();
      log.length = 0;
      received.length = 0;
      routes = scenario.routes(env);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The built-in scenario called `name`; HH_HARNESS_SCENARIO_UNKNOWN (a user error) when there is none. */
export function getScenario(name: string): Scenario {
  if (!isScenarioName(name)) {
    throw hotspotError("HH_HARNESS_SCENARIO_UNKNOWN", { scenario: name, known: SCENARIO_NAMES.join(", ") });
  }
  return scenarios[name];
}
