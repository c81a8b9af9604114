/**
 * Types of the loopback portal simulator. A scenario is a small declarative record (name,
 * what it models, where its login page is) plus a `routes` function that builds its
 * request handlers over fresh state; the server core does everything scenarios share:
 * the walled garden keyed on client address, probe interception, logoff, the request log,
 * the credential record and latency.
 */

/** Username and password a scenario accepts. */
export interface PortalCredentials {
  readonly username: string;
  readonly password: string;
}

/** A request as a scenario sees it (body already read and parsed). */
export interface PortalRequest {
  readonly method: string;
  /** Path without query. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly cookies: ReadonlyMap<string, string>;
  /** The body parsed as application/x-www-form-urlencoded (empty for other bodies). */
  readonly form: URLSearchParams;
  readonly body: string;
  /** Client address (IPv4-mapped IPv6 unwrapped): the walled garden's key. */
  readonly client: string;
  /** Host header. */
  readonly host: string;
}

export interface PortalResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string | readonly string[]>>;
  readonly body?: string;
}

/** What the server core offers a scenario's handlers. */
export interface ScenarioEnv {
  /** Base URL, e.g. `http://127.0.0.1:34567`. */
  readonly baseUrl: string;
  /** The credentials the portal accepts. */
  readonly credentials: PortalCredentials;
  authorize(client: string): void;
  deauthorize(client: string): void;
  isAuthorized(client: string): boolean;
}

export interface Route {
  /** `*` matches any method. */
  readonly method: "GET" | "POST" | "*";
  readonly path: string;
  handle(req: PortalRequest): PortalResponse | Promise<PortalResponse>;
}

export interface Scenario {
  readonly name: string;
  /** One line: what the portal does. */
  readonly description: string;
  /** Which real portals it imitates. */
  readonly modelledOn: string;
  /** Where the intercepted probe is redirected (path on the portal). */
  readonly loginPath: string;
  /** Builds the scenario's handlers over fresh state; called at start and on reset. */
  routes(env: ScenarioEnv): readonly Route[];
}

/** One request the portal served. */
export interface RequestLogEntry {
  readonly method: string;
  /** Path only: queries may carry credentials. */
  readonly path: string;
  /** Status sent; 0 while the response is pending or when the connection died first. */
  readonly status: number;
  /** Arrival, in ms since the portal started. */
  readonly atMs: number;
  /** Arrival to response sent (latency included), in ms. */
  readonly durationMs: number;
  /** 1-based id of the TCP connection, to count new connections. */
  readonly connectionId: number;
  readonly client: string;
}

/** A credential value the portal received, whatever the scenario did with it. */
export interface ReceivedCredential {
  readonly username?: string;
  readonly password?: string;
  /** Host header of the request. */
  readonly host: string;
  readonly path: string;
}
