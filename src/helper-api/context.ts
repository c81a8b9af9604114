import type { BrowserOptions, BrowserPage } from "./browser.ts";
import type { JoinedNetwork, ScannedNetwork } from "./network.ts";
import type { AuthenticateResult, SessionFacts } from "./results.ts";

/**
 * What a hook receives. One context object per call (never positional services), each
 * with an AbortSignal that fires at the hook's deadline or when the network goes away.
 * Everything here is either plain data handed over by the daemon or a capability built
 * on the plugin's side from that data, so plugins can later run isolated without change.
 */

/** Logger scoped to one plugin; secrets passed in `fields` or messages are redacted by the daemon. */
export interface PluginLogger {
  debug(message: string, fields?: Readonly<Record<string, unknown>>): void;
  info(message: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
  error(message: string, fields?: Readonly<Record<string, unknown>>): void;
}

/** JSON-compatible values a plugin may keep in its store. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | readonly JsonValue[]
  | { readonly [k: string]: JsonValue };

/** A small key/value store private to one plugin (for tokens, last-login facts). */
export interface PluginStore {
  get(key: string): Promise<JsonValue | undefined>;
  set(key: string, value: JsonValue): Promise<void>;
  delete(key: string): Promise<void>;
}

/**
 * A WISPr gateway message (WISPr 1.0 / 2.0 smart-client XML), as found in the intercepted
 * page or a gateway's reply. Field names follow the XML elements, in camelCase.
 */
export interface WisprGatewayInfo {
  /** The message element: `Redirect`, `Proxy`, `AuthenticationReply`, `AuthenticationPollReply`, `LogoffReply`, `AbortLoginReply`. */
  readonly message: string;
  /** 100 redirect, 110 proxy, 120 authentication, 121 EAP (2.0), 130 logoff, 140 poll reply, 150 abort. */
  readonly messageType: number;
  /** 0 no error, 50 login succeeded, 100 failed, 102 RADIUS error, 201 pending, … (the full list: RESPONSE_CODE in src/auth/wispr/messages.ts). */
  readonly responseCode: number;
  readonly accessProcedure?: string;
  /** The operator's location id (often `isocc=…,cc=…,ac=…,network=…`). */
  readonly accessLocation?: string;
  readonly locationName?: string;
  /** Where the smart client posts UserName and Password. */
  readonly loginUrl?: string;
  readonly abortLoginUrl?: string;
  /** Proxy (110): fetch this after `delaySeconds`. */
  readonly nextUrl?: string;
  /** Proxy (110) and poll replies: seconds to wait. */
  readonly delaySeconds?: number;
  readonly replyMessage?: string;
  /** Authentication pending (201): poll this. */
  readonly loginResultsUrl?: string;
  /** Keep it: GET ends the session. */
  readonly logoffUrl?: string;
  /** WISPr 2.0 version negotiation (`2.0`); absent on 1.0 gateways. */
  readonly versionHigh?: string;
  readonly versionLow?: string;
}

/** What the RFC 8908 Captive Portal API said (validated; unknown keys dropped). */
export interface CaptivePortalApiInfo {
  /** The API URI it came from (RFC 8910: DHCP option 114 / RA option 37). */
  readonly uri: string;
  /** true while the client is held in the walled garden. */
  readonly captive: boolean;
  /** The web page a person (or a click-through plugin) uses to log in. HTTPS. */
  readonly userPortalUrl?: string;
  readonly venueInfoUrl?: string;
  /** Whether revisiting the user portal can extend the session. */
  readonly canExtendSession?: boolean;
  /** Seconds until the session ends (sent when not captive and time-limited). */
  readonly secondsRemaining?: number;
  /** Bytes left on the session's quota. */
  readonly bytesRemaining?: number;
}

/** How the portal looked when the daemon probed after joining. */
export interface PortalInfo {
  /**
   * `online`: the probe got its 204 (no portal); `portal`: intercepted (see loginUrl);
   * `unreachable`: the probe failed (no route, DNS, timeout) or a broken proxy answered.
   */
  readonly verdict: "online" | "portal" | "unreachable";
  /** The probe URL used. */
  readonly probeUrl: string;
  /** HTTP status of the probe's answer, when there was one. */
  readonly status?: number;
  /** Where the portal sent us (Location of the redirect, or the probe URL when it served the page itself). */
  readonly loginUrl?: string;
  /** RFC 8910 API URI from DHCP, when known. */
  readonly apiUri?: string;
  /** Why `unreachable`, for logs. */
  readonly reason?: string;
  /** The WISPr message in the intercepted page (a Redirect, or a Proxy notification), when there was one. */
  readonly wispr?: WisprGatewayInfo;
  /** Why a WISPr message in the page could not be read (malformed, a DOCTYPE, too large), for logs. */
  readonly wisprError?: string;
  /** The RFC 8908 API's answer, when the network announced an API and it answered. */
  readonly api?: CaptivePortalApiInfo;
  /** Why the announced API could not be used (not HTTPS, unreachable, malformed), for logs. */
  readonly apiError?: string;
  /**
   * What decided `verdict`: `probe`; `api` (the RFC 8908 API, when it answered); `dhcp` when
   * the network announced `urn:ietf:params:capport:unrestricted` (no portal; nothing probed).
   */
  readonly decidedBy?: "probe" | "api" | "dhcp";
  /**
   * How the intercept pointed at its login page: `redirect` (a 30x Location), `status-511`
   * (RFC 6585 Network Authentication Required; the page named in its body), `meta-refresh`
   * or `script-redirect` (a 200 page that moves you on, read as text, never run), `in-place`
   * (the probe URL served the login page itself). Absent when no portal was seen.
   */
  readonly shape?: PortalShape;
  /** Where the RFC 8908 API URI came from: DHCP (RFC 8910) or the intercept's `Link: rel="captive-portal"` header. */
  readonly apiSource?: "dhcp" | "link-header";
  /**
   * Pages detection passed through to reach `loginUrl` when the intercept moved it on by
   * meta refresh or script (each a URL), first to last; bounded.
   */
  readonly loginChain?: readonly string[];
  /** Why following the intercept's page moves stopped early (a loop, too many steps, a failed request). */
  readonly loginChainError?: string;
  /**
   * Cookies the portal set while detection talked to it (the intercept and the pages it
   * moved through). The plugin's HTTP client starts with them in its jar, as a browser
   * would carry them to the login page.
   */
  readonly cookies?: readonly PortalCookie[];
  /**
   * The HTTPS probe's finding, when one was configured: a certificate that fails to verify
   * on a captive network is the portal intercepting TLS (`portal`, with the reason), not an
   * unreachable network. It never decides `verdict`: the plain-HTTP probe does.
   */
  readonly httpsProbe?: {
    readonly url: string;
    readonly verdict: "online" | "portal" | "unreachable";
    readonly reason?: string;
  };
}

export type PortalShape = "redirect" | "status-511" | "meta-refresh" | "script-redirect" | "in-place";

/** A cookie as detection received it (RFC 6265 storage model). */
export interface PortalCookie {
  readonly name: string;
  readonly value: string;
  /** Lower-case host, without a leading dot. */
  readonly domain: string;
  /** Sent back to exactly `domain` only (no Domain attribute was given). */
  readonly hostOnly: boolean;
  readonly path: string;
  readonly secure: boolean;
  /** Epoch ms; absent for a session cookie. */
  readonly expiresAt?: number;
}

export interface HttpRequestInit {
  /** Default `GET`, or `POST` when a body is given. */
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** A string is sent as-is; URLSearchParams as application/x-www-form-urlencoded. */
  readonly body?: string | URLSearchParams;
  /** Follow 3xx responses (up to `maxRedirects`). Default false: a portal's redirect is information. */
  readonly followRedirects?: boolean;
  /** Default 10. */
  readonly maxRedirects?: number;
  /** Per-request timeout; default 10 000 ms. */
  readonly timeoutMs?: number;
  /** Larger bodies fail with HH_HTTP_BODY_TOO_LARGE; default 1 MiB. */
  readonly maxBodyBytes?: number;
  /**
   * The credentials in this request belong to an account scoped to this operator realm
   * (a domain such as `boingo.com`): besides the declared portal hosts, they may then go
   * over TLS to the realm's host or any host under it (`login.boingo.com`, not
   * `evilboingo.com`), redirects included. Plain HTTP still needs a listed host with
   * `allowHttp`. A single-label realm (`com`) or an address scopes nothing.
   */
  readonly realm?: string;
}

export interface HttpResponse {
  /** The URL that produced this response (after redirects, when followed). */
  readonly url: string;
  readonly status: number;
  /** Header names in lower case; repeated headers joined with ", " (set-cookie excepted: see cookies). */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The URLs of the redirect responses followed, in order. */
  readonly redirects: readonly string[];
}

/**
 * An HTTP client bound to the joined Wi-Fi interface, with a cookie jar shared by all
 * requests of one hook call. It refuses to send the plugin's credentials to a host the
 * plugin did not declare in `portalHosts`, or over plain HTTP unless allowed for that host.
 */
export interface HttpClient {
  request(url: string | URL, init?: HttpRequestInit): Promise<HttpResponse>;
  get(url: string | URL, init?: Omit<HttpRequestInit, "method" | "body">): Promise<HttpResponse>;
  post(
    url: string | URL,
    body: string | URLSearchParams,
    init?: Omit<HttpRequestInit, "method" | "body">,
  ): Promise<HttpResponse>;
}

/** One input of an HTML form as found on the page. */
export interface FormInput {
  readonly name: string;
  /** Lower-case `type` attribute, `text` when absent; `select` and `textarea` for those elements. */
  readonly type: string;
  readonly value: string;
  /** For checkboxes and radios: whether it is checked in the page. */
  readonly checked?: boolean;
}

export interface HtmlForm {
  /** Absolute URL the form submits to. */
  readonly action: string;
  readonly method: "GET" | "POST";
  readonly id?: string;
  readonly name?: string;
  readonly inputs: readonly FormInput[];
  /** The URL of the page the form came from. */
  readonly pageUrl: string;
}

export interface FormHelper {
  /** All forms in `html`, with actions resolved against `baseUrl`. */
  parse(html: string, baseUrl: string): HtmlForm[];
  /** GETs `url` (following redirects) and returns the page and its forms. */
  load(url: string): Promise<{ readonly page: HttpResponse; readonly forms: readonly HtmlForm[] }>;
  /**
   * Submits `form` with its hidden fields and defaults kept, checked boxes included, and
   * `values` filled in (or overriding). Follows up to 10 redirects with cookies, unless
   * `followRedirects: false`: when the answer's status is all a plugin needs (a portal that
   * redirects to a welcome page after letting us in), not following saves a round trip.
   */
  submit(
    form: HtmlForm,
    values?: Readonly<Record<string, string>>,
    options?: { readonly followRedirects?: boolean },
  ): Promise<HttpResponse>;
}

/** What `wispr.login` needs. */
export interface WisprLoginRequest {
  readonly username: string;
  readonly password: string;
  /** The gateway's message; default: the one found when detecting (`portal.wispr`), else discovered. */
  readonly gateway?: WisprGatewayInfo;
  /** Sent as OriginatingServer; default the probe URL (the first URL we asked for). */
  readonly originatingServer?: string;
  /**
   * The account's operator realm, when it is scoped to one: the login may then go over TLS
   * to a LoginURL whose host is the realm or under it without that host being listed (see
   * `HttpRequestInit.realm`).
   */
  readonly realm?: string;
}

/** How a WISPr login ended. */
export interface WisprLoginOutcome {
  /** What `authenticate` should return: success carries `session.logoffUrl` when the gateway gave one. */
  readonly result: AuthenticateResult;
  /** The Redirect message the login used. */
  readonly gateway?: WisprGatewayInfo;
  /** The final AuthenticationReply or poll reply. */
  readonly reply?: WisprGatewayInfo;
  readonly logoffUrl?: string;
}

/**
 * A WISPr 1.0/2.0 smart client: Proxy (110) with NextURL and Delay, the login POST,
 * authentication-pending (201) polling with a cap, logoff.
 *
 * @example
 * ```ts
 * async authenticate({ wispr, credentials }) {
 *   if (!credentials) return { result: "failure", reason: "no account" };
 *   return (await wispr.login(credentials)).result;
 * }
 * ```
 */
export interface WisprClient {
  /** The gateway's Redirect: from detection, else fetched from `url` (default the login URL), proxies followed. */
  discover(url?: string): Promise<WisprGatewayInfo | undefined>;
  login(request: WisprLoginRequest): Promise<WisprLoginOutcome>;
  /** GETs a LogoffURL; ok when the gateway answers LogoffReply 150 (or, without XML, any non-error status). */
  logoff(logoffUrl: string): Promise<{ readonly ok: boolean; readonly responseCode?: number }>;
}

/** The RFC 8908 API of the joined network, when it announced one (RFC 8910). */
export interface CaptivePortalApiClient {
  /** The API URI from DHCP option 114 (or RA option 37); undefined when the network gave none. */
  readonly uri: string | undefined;
  /**
   * Queries the API now (HTTPS, certificate checked, `application/captive+json`, validated).
   * Use it after a login to confirm `captive: false` and read expiry and quota.
   * @throws HH_CAPPORT_API_INVALID when there is no usable API or it answers badly.
   */
  query(): Promise<CaptivePortalApiInfo>;
  /** The session facts an answer carries: expiry, byte quota, whether it can be extended. */
  sessionFacts(info: CaptivePortalApiInfo): SessionFacts;
}

/** CoovaChilli-style UAM parameters from the login URL's query. */
export interface UamParams {
  /** The URL they were read from. */
  readonly loginUrl: string;
  readonly uamip: string;
  readonly uamport: string;
  /** Hex challenge for the CHAP response. */
  readonly challenge: string;
  /** `notyet`, `success`, `failed`, `already`, `logoff`… */
  readonly res?: string;
  readonly userurl?: string;
  readonly called?: string;
  readonly mac?: string;
  readonly ip?: string;
  readonly nasid?: string;
  readonly sessionid?: string;
}

export interface UamLoginRequest {
  readonly username: string;
  readonly password: string;
  /** The operator's UAM secret, when the gateway uses one. */
  readonly uamSecret?: string;
  /** Default: read from the detected login URL. */
  readonly params?: UamParams;
}

export interface UamLoginOutcome {
  readonly result: AuthenticateResult;
  readonly params?: UamParams;
  readonly logoffUrl?: string;
}

/** UAM/CHAP login (CoovaChilli, ChilliSpot): the password never crosses the network, only a CHAP response. */
export interface UamClient {
  /** The UAM parameters in `url` (default the detected login URL), or undefined. */
  params(url?: string): UamParams | undefined;
  login(request: UamLoginRequest): Promise<UamLoginOutcome>;
}

/** The session the daemon believes is running, as handed to maintain and logoff. */
export interface SessionInfo {
  /** Epoch ms of the successful login. */
  readonly authenticatedAt: number;
  /** Facts from the last authenticate or maintain. */
  readonly facts: SessionFacts;
}

export interface BaseContext<TConfig> {
  /** Fires at the hook's deadline, or when the network goes away. Pass it on to slow work. */
  readonly signal: AbortSignal;
  readonly log: PluginLogger;
  /** The plugin's configuration, validated by its `configSchema`. */
  readonly config: TConfig;
  readonly store: PluginStore;
}

export interface FilterScanListContext<TConfig> extends BaseContext<TConfig> {}

export interface EvaluateContext<TConfig, TCredentials = unknown> extends BaseContext<TConfig> {
  readonly network: JoinedNetwork;
  readonly portal: PortalInfo;
  /** Bound to the Wi-Fi link: leaves from its address and resolves names with its DNS servers. */
  readonly http: HttpClient;
  readonly forms: FormHelper;
  /** WISPr 1.0/2.0 smart client over `http`. */
  readonly wispr: WisprClient;
  /** The network's RFC 8908 API over `http`. */
  readonly capport: CaptivePortalApiClient;
  /** UAM/CHAP (CoovaChilli) login over `http`. */
  readonly uam: UamClient;
  /**
   * Detects again now, exactly as the daemon does after a login: the probe URL the daemon
   * used (`portal.probeUrl`), plus the network's RFC 8908 API when it announced one, over
   * the same link (source address and the link's DNS). One attempt, no retries; it never
   * throws for network problems (they come back as `verdict: "unreachable"`).
   *
   * A plugin that walks several pages uses it to learn when it is done: `success` should
   * mean the network says online, not that the pages ran out. The daemon still verifies
   * after `authenticate`, but it reuses an `online` answer from here that is a moment old
   * instead of probing again.
   *
   * @example
   * ```ts
   * const now = await checkOnline();
   * if (now.verdict === "online") return { result: "success" };
   * ```
   */
  checkOnline(): Promise<PortalInfo>;
  /**
   * A headless Chromium page for portals that only work with script, started on the first
   * call (later calls in the same hook return the same page). Its traffic leaves through
   * the joined link and resolves with the link's DNS, the credential guard blocks any
   * request that would carry a secret to an undeclared host (or over plain HTTP where that
   * is not allowed), and it is closed when the hook ends, however it ends. Rejects with
   * HH_BROWSER_MISSING when Chromium is not installed (`apt install chromium-headless-shell`
   * or `chromium`). Declare `needsBrowser: true` in the plugin so the daemon can start it
   * ahead of the login.
   */
  browser(options?: BrowserOptions): Promise<BrowserPage>;
  /**
   * The user's credentials for this plugin, validated by its `credentialsSchema`; undefined
   * if none are set. Evaluate may look at them (is there an account for this location?);
   * the HTTP client still sends them only to the declared portal hosts.
   */
  readonly credentials: TCredentials | undefined;
}

export interface AuthenticateContext<TConfig, TCredentials> extends EvaluateContext<TConfig, TCredentials> {}

export interface MaintainContext<TConfig, TCredentials> extends AuthenticateContext<TConfig, TCredentials> {
  readonly session: SessionInfo;
  /**
   * True for the first maintain after the device joined the network (Apple's didJustJoin):
   * right after a login, or when the daemon takes up a session it saved before a restart or
   * that the portal kept across a reconnect, without logging in. False for the periodic
   * maintains that follow. A plugin may do a fuller check on the first one (read the
   * session's quota, re-arm a keep-alive) and a cheap one afterwards.
   * Always false in `logoff`.
   * @example
   * async maintain({ didJustJoin, capport }) {
   *   if (didJustJoin) return { result: "success", session: capport.sessionFacts(await capport.query()) };
   *   return { result: "success" };
   * }
   */
  readonly didJustJoin: boolean;
}

export interface LogoffContext<TConfig, TCredentials> extends MaintainContext<TConfig, TCredentials> {}

export type { JoinedNetwork, ScannedNetwork };
