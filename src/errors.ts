/**
 * The error catalogue: every expected failure in hotspot-helper has a stable code here,
 * with a message template. Code elsewhere throws `hotspotError("CODE", params, { cause })`
 * rather than ad-hoc `Error`s, so the CLI can map codes to exit codes in one place and
 * tests can assert on codes instead of message wording.
 *
 * `userError: true` marks errors caused by the user's input (a bad file, a bad flag):
 * the CLI prints them without a stack trace. Anything else reaching the top is a bug.
 */

type Params = Readonly<Record<string, string | number | boolean | undefined>>;

interface Entry {
  readonly template: (p: Params) => string;
  readonly userError: boolean;
  readonly exitCode: number;
}

const s = (v: Params[string]): string => (v === undefined ? "?" : String(v));

/**
 * Exit codes: 1 generic failure, 2 usage/user input, 3 plugin problems, 4 network/portal,
 * 5 not permitted, 6 daemon not running, 70 internal.
 */
export const catalogue = {
  HH_USAGE: { template: (p) => s(p.message), userError: true, exitCode: 2 },
  HH_FILE_UNREADABLE: {
    template: (p) => `cannot read ${s(p.file)}: ${s(p.reason)}`,
    userError: true,
    exitCode: 2,
  },
  HH_FILE_UNWRITABLE: {
    template: (p) => `cannot write ${s(p.file)}: ${s(p.reason)}`,
    userError: true,
    exitCode: 2,
  },
  HH_SCAFFOLD_DIR_NOT_EMPTY: {
    template: (p) =>
      `${s(p.dir)} already exists and is not empty; give another folder with --dir, or remove it`,
    userError: true,
    exitCode: 2,
  },
  HH_SCAN_FILE_INVALID: {
    template: (p) => `invalid scan file ${s(p.file)}: ${s(p.field)}: ${s(p.reason)}`,
    userError: true,
    exitCode: 2,
  },
  HH_CONFIG_INVALID: {
    template: (p) => `invalid config ${s(p.file)}: ${s(p.field)}: ${s(p.reason)}`,
    userError: true,
    exitCode: 2,
  },
  HH_CONFIG_VERSION_UNSUPPORTED: {
    template: (p) =>
      `config ${s(p.file)} has version ${s(p.version)}, but this hotspot-helper reads versions up to ${s(p.supported)}; upgrade hotspot-helper or write a version ${s(p.supported)} file`,
    userError: true,
    exitCode: 2,
  },
  HH_STATE_CORRUPT: {
    template: (p) =>
      `state file ${s(p.file)} is unusable (${s(p.reason)}); moved it to ${s(p.movedTo)} and starting without saved sessions`,
    userError: false,
    exitCode: 1,
  },
  HH_STATE_WRITE_FAILED: {
    template: (p) => `cannot save state to ${s(p.file)}: ${s(p.reason)}`,
    userError: false,
    exitCode: 1,
  },
  HH_SSID_INVALID: { template: (p) => `invalid SSID: ${s(p.reason)}`, userError: true, exitCode: 2 },
  HH_PLUGIN_LOAD_FAILED: {
    template: (p) => `plugin at ${s(p.path)} failed to load: ${s(p.reason)}`,
    userError: true,
    exitCode: 3,
  },
  HH_PLUGIN_DEFINITION_INVALID: {
    template: (p) =>
      `${p.plugin === p.path ? `plugin at ${s(p.path)}` : `plugin ${s(p.plugin)} (${s(p.path)})`} has an invalid definition: ${s(p.field)}: ${s(p.reason)}`,
    userError: true,
    exitCode: 3,
  },
  HH_PLUGIN_DUPLICATE_ID: {
    template: (p) => `two plugins share the id "${s(p.plugin)}": ${s(p.first)} and ${s(p.second)}`,
    userError: true,
    exitCode: 3,
  },
  HH_PLUGIN_PACKAGE_INVALID: {
    template: (p) => `plugin package ${s(p.plugin)} (${s(p.file)}): ${s(p.reason)}`,
    userError: true,
    exitCode: 3,
  },
  HH_PLUGIN_OVERRIDDEN: {
    template: (p) =>
      `plugin "${s(p.plugin)}" from ${s(p.first)} (${s(p.firstKind)}) is overridden by ${s(p.second)} (${s(p.secondKind)})`,
    userError: true,
    exitCode: 0,
  },
  HH_PLUGIN_CLAIM_CONFLICT: {
    template: (p) =>
      `plugins "${s(p.first)}" and "${s(p.second)}" make the identical claim ${s(p.claim)} at the same confidence and priority; give one a different priority` +
      (p.skipped === undefined ? "" : `; "${s(p.skipped)}" is quarantined until then`),
    userError: true,
    exitCode: 3,
  },
  HH_PLUGIN_CONFIG_INVALID: {
    template: (p) =>
      `settings for plugin ${s(p.plugin)}${p.file === undefined ? "" : ` in ${s(p.file)}`} are invalid: ${s(p.field)}: ${s(p.reason)}`,
    userError: true,
    exitCode: 3,
  },
  HH_PLUGIN_SDK_INCOMPATIBLE: {
    template: (p) =>
      `plugin ${s(p.plugin)} (${s(p.path)}) was built for SDK ${s(p.range)}, but this is SDK ${s(p.sdk)}; use a version of the plugin made for SDK ${s(p.sdk)}`,
    userError: true,
    exitCode: 3,
  },
  HH_PLUGIN_DESCRIPTOR_INVALID: {
    template: (p) => `invalid plugin description from ${s(p.from)}: ${s(p.field)}: ${s(p.reason)}`,
    userError: false,
    exitCode: 3,
  },
  HH_PLUGIN_PROCESS_FAILED: {
    template: (p) => `plugin ${s(p.plugin)}: its process ${s(p.reason)}`,
    userError: false,
    exitCode: 3,
  },
  HH_PLUGIN_PROCESS_PROTOCOL: {
    template: (p) =>
      `plugin ${s(p.plugin)}: its process sent a message the daemon does not accept (${s(p.reason)}); the process was stopped`,
    userError: false,
    exitCode: 3,
  },
  HH_PLUGIN_QUARANTINED: {
    template: (p) =>
      `plugin ${s(p.plugin)} is quarantined after ${s(p.crashes)} crashes within ${s(p.windowMs)} ms (last: ${s(p.last)}); it runs again after ${s(p.untilMs)} ms or a reload`,
    userError: false,
    exitCode: 3,
  },
  HH_PLUGIN_HOOK_CANCELLED: {
    template: (p) => `plugin ${s(p.plugin)}: ${s(p.hook)} was cancelled: ${s(p.reason)}`,
    userError: false,
    exitCode: 3,
  },
  HH_PLUGIN_STORE_FULL: {
    template: (p) =>
      `plugin ${s(p.plugin)}: store would be ${s(p.bytes)} bytes, over its limit of ${s(p.limit)} (${s(p.file)}); nothing was written`,
    userError: false,
    exitCode: 3,
  },
  HH_PLUGIN_NOT_FOUND: {
    template: (p) => `no plugin with id "${s(p.plugin)}"`,
    userError: true,
    exitCode: 3,
  },
  HH_PLUGIN_HOOK_TIMEOUT: {
    template: (p) => `plugin ${s(p.plugin)}: ${s(p.hook)} timed out after ${s(p.ms)} ms`,
    userError: false,
    exitCode: 3,
  },
  HH_PLUGIN_HOOK_FAILED: {
    template: (p) => `plugin ${s(p.plugin)}: ${s(p.hook)} threw: ${s(p.reason)}`,
    userError: false,
    exitCode: 3,
  },
  HH_PLUGIN_HOOK_ANSWERED_FAILURE: {
    template: (p) => `plugin ${s(p.plugin)}: ${s(p.hook)} answered failure: ${s(p.reason)}`,
    userError: false,
    exitCode: 3,
  },
  HH_PLUGIN_RESULT_INVALID: {
    template: (p) =>
      `plugin ${s(p.plugin)}: ${s(p.hook)} returned an invalid result: ${s(p.field)}: ${s(p.reason)}`,
    userError: false,
    exitCode: 3,
  },
  HH_CREDENTIAL_HOST_REFUSED: {
    template: (p) =>
      `refused to send credentials of plugin ${s(p.plugin)} to ${s(p.url)}: ${s(p.reason)}${p.fix === undefined ? "" : `; ${s(p.fix)}`}`,
    userError: false,
    exitCode: 4,
  },
  HH_BROWSER_MISSING: {
    template: (p) =>
      // Headless logins run on either package (the headless shell is the smaller one); a
      // window a person sees needs the full browser, so a headless shell is no answer there.
      `no Chromium found (${s(p.detail)}): this login needs a browser; install it with ${
        p.headless === true
          ? "`apt install chromium-headless-shell` (headless logins only, the smaller one) or `apt install chromium` (also opens the portal window a person sees)"
          : "`apt install chromium` (the portal window needs the full browser; `chromium-headless-shell` only serves headless logins)"
      }, or point HOTSPOT_CHROMIUM at a Chromium or Chrome executable`,
    userError: true,
    exitCode: 3,
  },
  HH_BROWSER_NOT_DECLARED: {
    template: (p) =>
      // Said instead of "no Chromium found": its process may neither read Chromium nor start
      // it, so looking for it would blame a missing install.
      `plugin ${s(p.plugin)} called ctx.browser() but does not declare \`needsBrowser: true\`: its process runs under the permission model without what a browser needs (starting Chromium, reading it, writing failure screenshots) and is never lent the daemon's warm browser; add \`needsBrowser: true\` to its definePlugin({...})`,
    userError: true,
    exitCode: 3,
  },
  HH_BROWSER_LAUNCH_FAILED: {
    template: (p) => `could not start Chromium (${s(p.executable)}): ${s(p.reason)}`,
    userError: false,
    exitCode: 3,
  },
  HH_BROWSER_STEP_FAILED: {
    template: (p) =>
      `browser step ${s(p.step)} failed at ${s(p.url)}: ${s(p.reason)}${p.artifacts === undefined ? "" : `; screenshot and page saved in ${s(p.artifacts)}`}`,
    userError: false,
    exitCode: 4,
  },
  HH_BROWSER_CLOSED: {
    template: (p) => `the browser of plugin ${s(p.plugin)} is closed: ${s(p.reason)}`,
    userError: false,
    exitCode: 3,
  },
  HH_TERMS_NO_ACTION: {
    template: (p) =>
      `terms walk stopped at step ${s(p.step)} (${s(p.url)}): ${s(p.detail)}, and the network is not online`,
    userError: false,
    exitCode: 4,
  },
  HH_TERMS_DECLINE_ONLY: {
    template: (p) => `terms walk stopped at step ${s(p.step)} (${s(p.url)}): ${s(p.detail)}`,
    userError: false,
    exitCode: 4,
  },
  HH_TERMS_SCRIPT_UNSUPPORTED: {
    template: (p) =>
      `terms walk stopped at step ${s(p.step)} (${s(p.url)}): the accept control runs script that cannot be read without a browser: ${s(p.detail)}`,
    userError: false,
    exitCode: 4,
  },
  HH_TERMS_PERSONAL_DATA: {
    template: (p) =>
      `terms walk stopped at step ${s(p.step)} (${s(p.url)}): ${s(p.detail)}; a person must log in there`,
    userError: false,
    exitCode: 4,
  },
  HH_TERMS_LOOP: {
    template: (p) =>
      `terms walk stopped at step ${s(p.step)} (${s(p.url)}): the portal sent us round in a loop (${s(p.detail)} again)`,
    userError: false,
    exitCode: 4,
  },
  HH_TERMS_STEP_LIMIT: {
    template: (p) =>
      `terms walk stopped at step ${s(p.step)} (${s(p.url)}): still not online after ${s(p.limit)} steps`,
    userError: false,
    exitCode: 4,
  },
  HH_TERMS_PORTAL_ERROR: {
    template: (p) => `terms walk stopped at step ${s(p.step)} (${s(p.url)}): ${s(p.detail)}`,
    userError: false,
    exitCode: 4,
  },
  HH_HTTP_FAILED: {
    template: (p) => `${s(p.method)} ${s(p.url)} failed: ${s(p.reason)}`,
    userError: false,
    exitCode: 4,
  },
  HH_HTTP_TOO_MANY_REDIRECTS: {
    template: (p) => `too many redirects (more than ${s(p.max)}) starting at ${s(p.url)}`,
    userError: false,
    exitCode: 4,
  },
  HH_HTTP_BODY_TOO_LARGE: {
    // `step` names what was being read (a plain or a decoded body), so a compression bomb is told apart.
    template: (p) =>
      `response to ${p.method === undefined ? "" : `${s(p.method)} `}${s(p.url)} exceeds ${s(p.max)} bytes${p.step === undefined ? "" : ` (${s(p.step)})`}`,
    userError: false,
    exitCode: 4,
  },
  // Detection walking an intercept's meta refresh / script moves to the login page stopped early.
  HH_PORTAL_CHAIN_STOPPED: {
    template: (p) =>
      `following the portal's page moves stopped at step ${s(p.step)} (${s(p.url)}): ${s(p.reason)}`,
    userError: false,
    exitCode: 4,
  },
  HH_FORM_NOT_FOUND: {
    template: (p) => `no form matching ${s(p.selector)} on ${s(p.url)}`,
    userError: false,
    exitCode: 4,
  },
  HH_PORTAL_VERIFY_FAILED: {
    template: (p) => `login reported success but the network is still ${s(p.verdict)}`,
    userError: false,
    exitCode: 4,
  },
  HH_FIXTURE_BSSID_NOT_FOUND: {
    template: (p) => `no access point ${s(p.bssid)} in the fixture scan of ${s(p.device)}`,
    userError: false,
    exitCode: 70,
  },
  HH_FIXTURE_NOT_JOINED: {
    template: (p) => `cannot ${s(p.action)}: ${s(p.device)} has not joined a network`,
    userError: false,
    exitCode: 70,
  },
  HH_FIXTURE_ROAM_SSID_MISMATCH: {
    template: (p) =>
      `cannot roam from SSID ${s(p.from)} to ${s(p.bssid)} (SSID ${s(p.to)}): roaming keeps the SSID; leave and join instead`,
    userError: false,
    exitCode: 70,
  },
  HH_NM_UNAVAILABLE: {
    template: (p) =>
      `NetworkManager is not reachable on ${s(p.bus)}: ${s(p.reason)} (is NetworkManager running? set DBUS_SYSTEM_BUS_ADDRESS or --bus for another bus)`,
    userError: false,
    exitCode: 4,
  },
  HH_NM_BAD_PROPERTY: {
    template: (p) =>
      `NetworkManager sent a malformed ${s(p.iface)}.${s(p.property)} on ${s(p.path)}: ${s(p.reason)}`,
    userError: false,
    exitCode: 4,
  },
  HH_NM_SCAN_REFUSED: {
    template: (p) => `NetworkManager refused a scan on ${s(p.device)}: ${s(p.reason)}; showing the last scan`,
    userError: false,
    exitCode: 4,
  },
  HH_NM_CALL_FAILED: {
    template: (p) => `NetworkManager call ${s(p.method)} failed: ${s(p.reason)}`,
    userError: false,
    exitCode: 4,
  },
  HH_NMCLI_UNAVAILABLE: {
    template: (p) =>
      `cannot run nmcli: ${s(p.reason)} (install NetworkManager's nmcli, or use the D-Bus backend)`,
    userError: false,
    exitCode: 4,
  },
  HH_WIFI_ROW_REJECTED: {
    template: (p) =>
      `${s(p.reader)}: dropped a scan row that cannot be trusted (${s(p.reason)}): ${s(p.row)}`,
    userError: false,
    exitCode: 4,
  },
  HH_CREDENTIALS_FILE_INSECURE: {
    template: (p) =>
      `refusing credentials file ${s(p.file)} (mode ${s(p.mode)}): ${s(p.reason)}; only its owner may read it: chmod 600 ${s(p.file)}`,
    userError: true,
    exitCode: 2,
  },
  HH_CREDENTIALS_FILE_INVALID: {
    template: (p) => `invalid credentials file ${s(p.file)}: ${s(p.reason)}`,
    userError: true,
    exitCode: 2,
  },
  HH_CREDENTIALS_INPUT_INVALID: {
    template: (p) => `credentials for ${s(p.plugin)} not accepted: ${s(p.reason)}`,
    userError: true,
    exitCode: 2,
  },
  HH_WISPR_INVALID: {
    template: (p) => `invalid WISPr message from the gateway: ${s(p.reason)}`,
    userError: false,
    exitCode: 4,
  },
  HH_CAPPORT_API_INVALID: {
    template: (p) => `captive portal API ${s(p.url)} answered badly: ${s(p.reason)}`,
    userError: false,
    exitCode: 4,
  },
  HH_UAM_INVALID: {
    template: (p) => `not a UAM (CoovaChilli) login: ${s(p.reason)}`,
    userError: false,
    exitCode: 4,
  },
  HH_LINK_ROUTE_FAILED: {
    template: (p) => `policy routing for ${s(p.interface)} failed: ${s(p.reason)}`,
    userError: false,
    exitCode: 4,
  },
  HH_HARNESS_SCENARIO_UNKNOWN: {
    template: (p) => `unknown portal scenario "${s(p.scenario)}" (known: ${s(p.known)})`,
    userError: true,
    exitCode: 2,
  },
  HH_HARNESS_FIXTURE_INVALID: {
    template: (p) => `invalid portal scenario ${s(p.file)}: ${s(p.field)}: ${s(p.reason)}`,
    userError: true,
    exitCode: 2,
  },
  HH_HARNESS_NETNS_UNAVAILABLE: {
    template: (p) => `namespace mode is unavailable: ${s(p.reason)}`,
    userError: true,
    exitCode: 2,
  },
  HH_HARNESS_NETNS_FAILED: {
    template: (p) => `namespace mode failed at ${s(p.step)}: ${s(p.reason)}`,
    userError: true,
    exitCode: 1,
  },
  HH_DBUS_INVALID_ARGS: {
    template: (p) => `invalid arguments to ${s(p.method)}: ${s(p.reason)}`,
    userError: true,
    exitCode: 2,
  },
  HH_DBUS_ACCESS_DENIED: {
    template: (p) =>
      `${s(p.method)} is allowed to root and to users with an active local session only (caller uid ${s(p.uid)})`,
    userError: true,
    exitCode: 5,
  },
  HH_DBUS_NO_SUCH_DEVICE: {
    template: (p) => `the daemon has no Wi-Fi device "${s(p.device)}"`,
    userError: true,
    exitCode: 1,
  },
  HH_DBUS_NOT_SUPPORTED: {
    template: (p) => `this daemon does not support ${s(p.what)}`,
    userError: false,
    exitCode: 1,
  },
  HH_DBUS_NAME_TAKEN: {
    template: (p) => `cannot own the bus name ${s(p.name)}: ${s(p.reason)}`,
    userError: false,
    exitCode: 1,
  },
  HH_AGENT_NO_SESSION_BUS: {
    template: (p) =>
      `hotspot agent needs your desktop session's bus (${s(p.reason)}): run it from your desktop session (an autostart entry), or set DBUS_SESSION_BUS_ADDRESS`,
    userError: true,
    exitCode: 2,
  },
  HH_PORTAL_NO_DISPLAY: {
    template: () =>
      "hotspot portal opens a browser window and needs a graphical session: neither DISPLAY nor WAYLAND_DISPLAY is set (run it from your desktop session, or log in through a plugin instead)",
    userError: true,
    exitCode: 2,
  },
  HH_PORTAL_NO_LINK: {
    template: (p) => `no joined Wi-Fi link on ${s(p.device)} to open the portal through: ${s(p.reason)}`,
    userError: true,
    exitCode: 1,
  },
  HH_DAEMON_NOT_RUNNING: {
    template: (p) => `the hotspot daemon is not running on ${s(p.bus)} (${s(p.reason)})`,
    userError: false,
    exitCode: 6,
  },
  HH_DAEMON_CALL_FAILED: {
    template: (p) => `the hotspot daemon answered ${s(p.method)} with an error: ${s(p.reason)}`,
    userError: false,
    exitCode: 1,
  },
  HH_NO_SESSION: {
    template: (p) => `no portal session to log off${p.device ? ` on ${s(p.device)}` : ""}`,
    userError: true,
    exitCode: 1,
  },
  HH_SERVICE_NOT_ROOT: {
    template: (p) => `${s(p.action)} needs root (or --root DIR for a staging directory)`,
    userError: true,
    exitCode: 5,
  },
  HH_SERVICE_FAILED: {
    template: (p) => `service ${s(p.action)} failed at ${s(p.path)}: ${s(p.reason)}`,
    userError: false,
    exitCode: 1,
  },
  HH_DEMO_FAILED: { template: (p) => `demo failed: ${s(p.reason)}`, userError: false, exitCode: 1 },
  HH_INTERNAL: { template: (p) => `internal error: ${s(p.reason)}`, userError: false, exitCode: 70 },
} as const satisfies Record<string, Entry>;

export type ErrorCode = keyof typeof catalogue;

export class HotspotError extends Error {
  readonly code: ErrorCode;
  readonly params: Params;
  override readonly name = "HotspotError";

  constructor(code: ErrorCode, params: Params = {}, options?: { cause?: unknown }) {
    super(catalogue[code].template(params), options);
    this.code = code;
    this.params = params;
  }

  get userError(): boolean {
    return catalogue[this.code].userError;
  }

  get exitCode(): number {
    return catalogue[this.code].exitCode;
  }
}

export function hotspotError(
  code: ErrorCode,
  params: Params = {},
  options?: { cause?: unknown },
): HotspotError {
  return new HotspotError(code, params, options);
}

export function isHotspotError(e: unknown, code?: ErrorCode): e is HotspotError {
  return e instanceof HotspotError && (code === undefined || e.code === code);
}

/** A short human reason for any thrown value, for logs and error params. */
export function reasonOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
