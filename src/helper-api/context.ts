import type { JoinedNetwork, ScannedNetwork } from "./network.ts";
import type { SessionFacts } from "./results.ts";

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
  /** Larger bodies fail with HH_HTTP_BODY_TOO_LARGE; default 2 MiB. */
  readonly maxBodyBytes?: number;
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
   * `values` filled in (or overriding). Follows up to 10 redirects with cookies.
   */
  submit(form: HtmlForm, values?: Readonly<Record<string, string>>): Promise<HttpResponse>;
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

export interface EvaluateContext<TConfig> extends BaseContext<TConfig> {
  readonly network: JoinedNetwork;
  readonly portal: PortalInfo;
  readonly http: HttpClient;
  readonly forms: FormHelper;
}

export interface AuthenticateContext<TConfig, TCredentials> extends EvaluateContext<TConfig> {
  /** The user's credentials for this plugin, validated by its `credentialsSchema`; undefined if none are set. */
  readonly credentials: TCredentials | undefined;
}

export interface MaintainContext<TConfig, TCredentials> extends AuthenticateContext<TConfig, TCredentials> {
  readonly session: SessionInfo;
}

export interface LogoffContext<TConfig, TCredentials> extends MaintainContext<TConfig, TCredentials> {}

export type { JoinedNetwork, ScannedNetwork };
