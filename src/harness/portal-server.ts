import type http from "node:http";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { type BuildScenarioOptions, getScenario, type ScenarioName } from "./catalog.ts";
import { createGarden } from "./garden.ts";
import { html, page, redirect } from "./html.ts";
import { internetAnswer } from "./internet.ts";
import { connectionCounter, type Listener, listen } from "./listen.ts";
import { BodyTooLarge, normalizeClient, sniffCredentials, toPortalRequest } from "./request.ts";
import { criticalPath, type LogRow, PROBE_PATHS, scrubbedUrl } from "./request-log.ts";
import { sendResponse } from "./respond.ts";
import { harnessTls, type TlsMaterial } from "./tls.ts";
import type {
  CriticalPath,
  FaultSpec,
  GardenEvent,
  GardenSession,
  PortalCredentials,
  PortalRequest,
  PortalResponse,
  ReceivedCredential,
  RequestLogEntry,
  Scenario,
  ScenarioEnv,
  ScenarioHandlers,
} from "./types.ts";

/**
 * The captive portal simulator: one process playing gateway, portal and "the internet".
 * Requests for other hosts, and the well-known probe paths on any host, are the internet:
 * a client the walled garden lets through gets the real answers (204 for generate_204), a
 * captured one gets the scenario's interception. Everything else is the portal's own
 * pages. On loopback every client is 127.0.0.1, so one login opens the garden for all.
 */

export interface PortalOptions {
  /** A built-in scenario (`wispr` or `wispr:pending`) or a Scenario object. */
  readonly scenario: ScenarioName | (string & {}) | Scenario;
  /** Variant and parameter overrides of a named scenario. */
  readonly variant?: BuildScenarioOptions["variant"];
  readonly params?: BuildScenarioOptions["params"];
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** HTTPS port for scenarios that serve TLS; default 0 (a free port). */
  readonly httpsPort?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Delay before every response, ms; overrides the scenario's default latency (its per-path values stay). */
  readonly latencyMs?: number;
  /** Faults overriding the scenario's (e.g. `{ slowMs: 0 }` to keep a test fast). */
  readonly faults?: Partial<FaultSpec>;
  /** What the scenario accepts; default the scenario file's account, else DEFAULT_PORTAL_CREDENTIALS. */
  readonly credentials?: PortalCredentials;
  /** The portal's clock (epoch ms) for session expiry and WISPr delays; default Date.now. */
  readonly now?: () => number;
  /** TLS material; default the harness's loopback certificate. */
  readonly tls?: TlsMaterial;
  /** More host names that are this portal (namespace mode: its DNS name). */
  readonly hostAliases?: readonly string[];
  /** Called once per request, after its answer was sent (or the connection dropped). */
  readonly onRequest?: (entry: RequestLogEntry) => void;
  /** Called on every garden change; the answer that caused it waits for the promise (nftables). */
  readonly onGardenChange?: (client: string, authorized: boolean) => void | Promise<void>;
}

export interface Portal {
  /** Base URL, e.g. `http://127.0.0.1:34567`. */
  readonly url: string;
  /** `${url}/generate_204`: Android's probe path. */
  readonly probeUrl: string;
  /** HTTPS base URL, for scenarios that serve TLS. */
  readonly httpsUrl?: string;
  /** The RFC 8908 API URI (what DHCP option 114 carries), for scenarios that have one. */
  readonly apiUrl?: string;
  /** PEM of the certificate the HTTPS listener uses: pass it as `ca` to trust it. */
  readonly ca?: string;
  readonly scenario: Scenario;
  /** The account the portal accepts. */
  readonly credentials: PortalCredentials;
  /** Every request served, in arrival order (live; cleared by reset). */
  readonly log: readonly RequestLogEntry[];
  /** Every credential value received, by any path (live; cleared by reset). */
  readonly receivedCredentials: readonly ReceivedCredential[];
  /** Every garden change (live; cleared by reset). */
  readonly gardenEvents: readonly GardenEvent[];
  /** Whether the walled garden lets `clientAddress` (default 127.0.0.1) through. */
  authorized(clientAddress?: string): boolean;
  authorize(clientAddress?: string): void;
  deauthorize(clientAddress?: string): void;
  session(clientAddress?: string): GardenSession | undefined;
  /** First probe to let-through for the client (default 127.0.0.1); undefined if that never happened. */
  criticalPath(clientAddress?: string): CriticalPath | undefined;
  /** Back to the start: nobody authorised, logs and credential record emptied, scenario state rebuilt. */
  reset(): void;
  /**
   * Empties the request log, the credential record and the garden events, and keeps who is
   * let through and the scenario's state: a portal serving a long run stays the same size.
   */
  clearRecords(): void;
  close(): Promise<void>;
}

export const DEFAULT_PORTAL_CREDENTIALS: PortalCredentials = Object.freeze({
  username: "guest",
  password: "correct horse battery staple",
});

const DEFAULT_CLIENT = "127.0.0.1";
const SWEEP_MS = 500;

function hostnameOf(hostHeader: string): string {
  const m = /^\[([^\]]+)\]|^([^:]+)/.exec(hostHeader.trim());
  return (m?.[1] ?? m?.[2] ?? "").toLowerCase();
}

function resolveScenario(opts: PortalOptions): Scenario {
  if (typeof opts.scenario !== "string") return opts.scenario;
  return getScenario(opts.scenario, {
    ...(opts.variant === undefined ? {} : { variant: opts.variant }),
    ...(opts.params === undefined ? {} : { params: opts.params }),
  });
}

/** Starts a portal; resolves once it listens. */
export async function startPortal(opts: PortalOptions): Promise<Portal> {
  const scenario = resolveScenario(opts);
  const credentials = opts.credentials ?? scenario.credentials ?? DEFAULT_PORTAL_CREDENTIALS;
  const now = opts.now ?? Date.now;
  const startedAt = performance.now();
  const elapsed = () => performance.now() - startedAt;
  const garden = createGarden({
    now,
    elapsed,
    ...(opts.onGardenChange ? { onChange: opts.onGardenChange } : {}),
  });
  const faults: FaultSpec | undefined =
    scenario.faults || opts.faults
      ? {
          failFirst: 0,
          failStatus: 503,
          dropEvery: 0,
          slowEvery: 0,
          slowMs: 0,
          ...scenario.faults,
          ...opts.faults,
        }
      : undefined;
  const log: LogRow[] = [];
  const received: ReceivedCredential[] = [];
  const counter = connectionCounter();
  const host = opts.host ?? DEFAULT_CLIENT;
  const ownHosts = new Set([hostnameOf(host), ...(scenario.hostAliases ?? []), ...(opts.hostAliases ?? [])]);
  const tls = scenario.tls ? (opts.tls ?? harnessTls()) : undefined;
  let served = 0;
  let handlers: ScenarioHandlers = { routes: [] };
  let main: Listener | undefined;
  let secure: Listener | undefined;

  const env: ScenarioEnv = {
    get baseUrl() {
      return main?.url ?? "";
    },
    get httpsUrl() {
      return secure?.url;
    },
    credentials,
    now,
    authorize: (client, limits) => garden.authorize(normalizeClient(client), limits),
    deauthorize: (client) => garden.deauthorize(normalizeClient(client)),
    isAuthorized: (client) => garden.isAuthorized(normalizeClient(client)),
    session: (client) => garden.session(normalizeClient(client)),
    extend: (client, seconds) => garden.extend(normalizeClient(client), seconds),
  };
  const build = (): ScenarioHandlers => {
    const h = scenario.routes(env);
    return "routes" in h ? h : { routes: h };
  };

  const isInternet = (req: PortalRequest) => PROBE_PATHS.has(req.path) || !ownHosts.has(hostnameOf(req.host));

  const dispatch = async (req: PortalRequest): Promise<PortalResponse> => {
    if (isInternet(req)) {
      if (scenario.open || garden.isAuthorized(req.client)) return (handlers.online ?? internetAnswer)(req);
      return handlers.intercept ? handlers.intercept(req) : redirect(`${env.baseUrl}${scenario.loginPath}`);
    }
    const route = handlers.routes.find(
      (r) => r.path === req.path && (r.method === "*" || r.method === req.method),
    );
    if (route) return route.handle(req);
    if (req.path === "/logoff") {
      env.deauthorize(req.client);
      return html(200, page("Logged off", "  <h1>You have been logged off</h1>"));
    }
    return html(404, page("Not found", "  <h1>Not found</h1>"));
  };

  const faultFor = (n: number): { fail?: boolean; drop?: boolean; slowMs: number } => {
    if (!faults) return { slowMs: 0 };
    const slowMs = faults.slowEvery > 0 && n % faults.slowEvery === 0 ? faults.slowMs : 0;
    if (n <= faults.failFirst) return { fail: true, slowMs };
    const after = n - faults.failFirst;
    return { drop: faults.dropEvery > 0 && after % faults.dropEvery === 0, slowMs };
  };

  const latencyFor = (path: string): number =>
    scenario.latency?.byPath[path] ?? opts.latencyMs ?? scenario.latency?.defaultMs ?? 0;

  const handle = (req: http.IncomingMessage, res: http.ServerResponse, isTls: boolean): void => {
    const client = normalizeClient(req.socket.remoteAddress);
    const rawUrl = req.url ?? "/";
    const row: LogRow = {
      method: (req.method ?? "GET").toUpperCase(),
      path: new URL(rawUrl, "http://portal.invalid").pathname,
      url: scrubbedUrl(rawUrl, credentials),
      host: req.headers.host ?? "",
      tls: isTls,
      status: 0,
      atMs: elapsed(),
      durationMs: 0,
      connectionId: counter.idOf(req.socket),
      client,
      authorized: garden.isAuthorized(client),
    };
    log.push(row);
    const fault = faultFor(++served);
    void (async () => {
      let reply: PortalResponse;
      let portalReq: PortalRequest | undefined;
      try {
        portalReq = await toPortalRequest(req, isTls);
        const found = sniffCredentials(portalReq, credentials);
        if (found) received.push(found);
        await sleep(latencyFor(row.path) + fault.slowMs);
        if (fault.fail)
          reply = html(faults?.failStatus ?? 503, page("Try again", "  <h1>Service unavailable</h1>"), {
            "retry-after": "1",
          });
        else if (fault.drop) reply = { status: 0, drop: true };
        else reply = await dispatch(portalReq);
        await garden.settled();
      } catch (e) {
        reply =
          e instanceof BodyTooLarge
            ? html(413, page("Too large", "  <h1>Request too large</h1>"))
            : html(500, page("Error", "  <h1>Internal error</h1>"));
      }
      if (reply.delayMs) await sleep(reply.delayMs);
      if (!res.destroyed) {
        if (!reply.drop) row.status = reply.status;
        const bytes = await sendResponse(req, res, reply);
        if (portalReq && isInternet(portalReq) && garden.isAuthorized(client)) garden.consume(client, bytes);
      }
      row.durationMs = elapsed() - row.atMs;
      try {
        opts.onRequest?.({ ...row });
      } catch {
        // an observer's bug must not take the portal down
      }
    })();
  };

  main = await listen({ host, port: opts.port ?? 0 }, handle, counter);
  if (tls) {
    try {
      secure = await listen({ host, port: opts.httpsPort ?? 0, tls }, handle, counter);
    } catch (e) {
      await main.close();
      throw e;
    }
  }
  handlers = build();
  const sweeper = setInterval(() => garden.sweep(), SWEEP_MS);
  sweeper.unref();

  return {
    url: main.url,
    probeUrl: `${main.url}/generate_204`,
    ...(secure ? { httpsUrl: secure.url } : {}),
    ...(scenario.apiPath ? { apiUrl: `${secure?.url ?? main.url}${scenario.apiPath}` } : {}),
    ...(tls ? { ca: tls.cert } : {}),
    scenario,
    credentials,
    log,
    receivedCredentials: received,
    gardenEvents: garden.events,
    authorized: (client = DEFAULT_CLIENT) => env.isAuthorized(client),
    authorize: (client = DEFAULT_CLIENT) => garden.authorize(normalizeClient(client), {}, "operator"),
    deauthorize: (client = DEFAULT_CLIENT) => garden.deauthorize(normalizeClient(client), "operator"),
    session: (client = DEFAULT_CLIENT) => env.session(client),
    criticalPath: (client = DEFAULT_CLIENT) => criticalPath(log, garden.events, normalizeClient(client)),
    reset() {
      garden.clear();
      log.length = 0;
      received.length = 0;
      served = 0;
      handlers = build();
    },
    clearRecords() {
      garden.forgetEvents();
      log.length = 0;
      received.length = 0;
    },
    async close() {
      clearInterval(sweeper);
      await Promise.all([main?.close(), secure?.close()]);
      await garden.settled();
    },
  };
}

/** Runs `body` against a fresh loopback portal and always closes it, whether `body` returns or throws. */
export async function withPortal<T>(opts: PortalOptions, body: (portal: Portal) => Promise<T>): Promise<T> {
  const portal = await startPortal(opts);
  try {
    return await body(portal);
  } finally {
    await portal.close();
  }
}
