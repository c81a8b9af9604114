import type { Readable } from "node:stream";

/**
 * Types of the portal simulator. A scenario is a declarative record (name, what it
 * models, where its login page is, latency and faults: see fixtures/portals/) plus a
 * `routes` function that builds its request handlers over fresh state; the server core
 * does everything scenarios share: the walled garden keyed on client address (with
 * session expiry and byte quotas), telling "the internet" from the portal, probe
 * interception, logoff, the request log, the credential record, latency and faults.
 */

/**
 * The account a scenario accepts: a username and password, and for form portals optionally
 * the login form's own fields (room number and surname, a voucher code, e-mail and
 * password). With `fields`, `username` is the first field's value and `password` the last
 * one's, for scenarios that only know those two (WISPr, UAM).
 */
export interface PortalCredentials {
  readonly username: string;
  readonly password: string;
  /** The login form's inputs in page order, each with the one value it accepts. */
  readonly fields?: readonly PortalField[];
}

/** One input of a form portal's login page. */
export interface PortalField {
  /** The input's `name`, what the plugin must fill in. */
  readonly name: string;
  readonly value: string;
  /** Rendered as `type="password"` (else `text`). */
  readonly secret: boolean;
}

/** A request as a scenario sees it (body already read and parsed). */
export interface PortalRequest {
  readonly method: string;
  /** Path without query. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** Header names exactly as they arrived, in order (for gateways that compare them byte for byte). */
  readonly rawHeaderNames: readonly string[];
  readonly cookies: ReadonlyMap<string, string>;
  /** The body parsed as application/x-www-form-urlencoded (empty for other bodies). */
  readonly form: URLSearchParams;
  readonly body: string;
  /** Client address (IPv4-mapped IPv6 unwrapped): the walled garden's key. */
  readonly client: string;
  /** Host header. */
  readonly host: string;
  /** Whether it arrived on the HTTPS listener. */
  readonly tls: boolean;
  /** The full URL as the client asked for it (scheme, Host header, path and query). */
  readonly url: string;
}

/** A body produced on demand and streamed with back-pressure (the hostile 50 MB page). */
export interface StreamedBody {
  /** Sent as Content-Length. */
  readonly length: number;
  open(): Readable;
}

export interface PortalResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string | readonly string[]>>;
  readonly body?: string | Uint8Array;
  /** Streamed instead of `body`. */
  readonly stream?: StreamedBody;
  /** Close the connection without answering (after any latency). */
  readonly drop?: boolean;
  /** Extra latency for this response only, in ms. */
  readonly delayMs?: number;
}

/** A client's stay in the walled garden. */
export interface GardenSession {
  /** `now()` when the client was let through (or last renewed). */
  readonly since: number;
  /** `now()` value at which the session ends; absent for unlimited sessions. */
  readonly expiresAt?: number;
  /** Bytes the client may still download; absent for no quota. */
  readonly bytesRemaining?: number;
}

/** Limits of a session being opened. */
export interface SessionLimits {
  readonly seconds?: number;
  readonly bytes?: number;
}

/** What the server core offers a scenario's handlers. */
export interface ScenarioEnv {
  /** Base URL, e.g. `http://127.0.0.1:34567`. */
  readonly baseUrl: string;
  /** Base URL of the HTTPS listener, when the scenario serves TLS. */
  readonly httpsUrl: string | undefined;
  /** The credentials the portal accepts. */
  readonly credentials: PortalCredentials;
  /** The portal's clock, in epoch ms (injectable, so tests drive expiry and WISPr delays without sleeping). */
  now(): number;
  authorize(client: string, limits?: SessionLimits): void;
  deauthorize(client: string): void;
  isAuthorized(client: string): boolean;
  /** The client's running session, if it is let through. */
  session(client: string): GardenSession | undefined;
  /** Restarts the client's session clock for `seconds` more; false when it has none. */
  extend(client: string, seconds: number): boolean;
}

export interface Route {
  /** `*` matches any method. */
  readonly method: "GET" | "POST" | "*";
  readonly path: string;
  handle(req: PortalRequest): PortalResponse | Promise<PortalResponse>;
}

type Handler = (req: PortalRequest) => PortalResponse | Promise<PortalResponse>;

/** What a scenario's `routes` may return when it needs more than routes. */
export interface ScenarioHandlers {
  readonly routes: readonly Route[];
  /**
   * The answer to a captured client asking for anything on the internet (the probe paths
   * included). Default: 302 to the login page.
   */
  readonly intercept?: Handler;
  /** The answer to a client that is let through; default: what the real internet answers (204 for generate_204…). */
  readonly online?: Handler;
}

/** Per-response delay: there is no netem here, latency is injected in user space. */
export interface LatencySpec {
  /** Before every response, ms. */
  readonly defaultMs: number;
  /** Overrides by request path. */
  readonly byPath: Readonly<Record<string, number>>;
}

/**
 * Deterministic faults, by request ordinal (1-based over every request the portal serves),
 * so tests and plugin runs see the same sequence each time.
 */
export interface FaultSpec {
  /** The first K requests get `failStatus`. */
  readonly failFirst: number;
  readonly failStatus: number;
  /** Every Nth request after those is dropped without an answer (0: never). */
  readonly dropEvery: number;
  /** Every Nth request is slowed by `slowMs` (0: never). */
  readonly slowEvery: number;
  readonly slowMs: number;
}

export interface Scenario {
  readonly name: string;
  /** Variant name, when this is one (`pending` of `wispr`). */
  readonly variant?: string;
  /** One line: what the portal does. */
  readonly description: string;
  /** Which real portals it imitates. */
  readonly modelledOn: string;
  /** Where the intercepted probe is redirected (path on the portal). */
  readonly loginPath: string;
  /** Path of the RFC 8908 API, when the portal has one (served on the HTTPS listener when `tls`). */
  readonly apiPath?: string;
  /** Serve HTTPS too (the RFC 8908 API and its user portal must be TLS). */
  readonly tls?: boolean;
  /** Nobody is captured: the network is simply online. */
  readonly open?: boolean;
  /** Host names besides the listening address that reach this portal (the evil twin's). */
  readonly hostAliases?: readonly string[];
  readonly latency?: LatencySpec;
  readonly faults?: FaultSpec;
  /** The account it accepts unless startPortal is given one. */
  readonly credentials?: PortalCredentials;
  /** Builds the scenario's handlers over fresh state; called at start and on reset. */
  routes(env: ScenarioEnv): readonly Route[] | ScenarioHandlers;
}

/** One request the portal served. */
export interface RequestLogEntry {
  readonly method: string;
  /** Path only. */
  readonly path: string;
  /** Path and query, with credential values replaced by `***`. */
  readonly url: string;
  /** Host header. */
  readonly host: string;
  readonly tls: boolean;
  /** Status sent; 0 while pending or when the connection was dropped or died first. */
  readonly status: number;
  /** Arrival, in ms since the portal started. */
  readonly atMs: number;
  /** Arrival to response sent (latency included), in ms. */
  readonly durationMs: number;
  /** 1-based id of the TCP connection, to count new connections. */
  readonly connectionId: number;
  readonly client: string;
  /** Whether the client was let through when the request arrived. */
  readonly authorized: boolean;
}

/** A credential value the portal received, whatever the scenario did with it. */
export interface ReceivedCredential {
  readonly username?: string;
  readonly password?: string;
  /** Host header of the request. */
  readonly host: string;
  readonly path: string;
}

/** A change of the walled garden. */
export interface GardenEvent {
  readonly client: string;
  readonly authorized: boolean;
  /** ms since the portal started. */
  readonly atMs: number;
  /** Why: `login`, `logoff`, `expired`, `quota`, `reset`, `operator`. */
  readonly reason: string;
}

/**
 * The requests a client needed from its first probe until it was let through: what a
 * login costs on a slow link, independent of how fast this machine is.
 */
export interface CriticalPath {
  readonly client: string;
  /** Requests that arrived in the window (the first probe and the one that logged in included). */
  readonly requests: number;
  /** Requests that arrived only after the previous one was answered: round trips a link's latency multiplies. */
  readonly sequentialRequests: number;
  /** TCP connections first used in the window (each costs a handshake). */
  readonly newConnections: number;
  /** First probe to authorisation, ms. */
  readonly elapsedMs: number;
  readonly entries: readonly RequestLogEntry[];
}
