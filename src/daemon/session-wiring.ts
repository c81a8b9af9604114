import type { EventEmitter } from "eventemitter3";
import type { LinkRouter } from "../auth/link-route.ts";
import type { UserConfig } from "../config/schema.ts";
import type { PortalInfo } from "../helper-api/context.ts";
import type { JoinedNetwork, ScannedNetwork } from "../helper-api/network.ts";
import type { ClaimMatch } from "../helper-api/registry-types.ts";
import type { ScanSource } from "../scan/source.ts";
import { redact } from "../util/redact.ts";
import type { Clock } from "./clock.ts";
import type { DaemonEvents, SessionSummary } from "./events.ts";
import type { LinkChecks } from "./link-checks.ts";
import type { PluginCalls } from "./plugin-calls.ts";
import { DeviceSession, type RetryPolicy, type SessionDeps } from "./session.ts";
import type { ChoiceCache, StateHolder } from "./state/choices.ts";
import { failureLog } from "./state/records.ts";
import { sessionRecords } from "./state/saved-sessions.ts";

/** What the daemon lends its sessions. Read live: a reload swaps config, calls and secrets. */
export interface SessionHost {
  readonly config: UserConfig;
  readonly calls: PluginCalls;
  readonly secrets: ReadonlySet<string>;
  readonly source: ScanSource;
  /** The daemon's own clock, when it was given one (see clock.ts). */
  readonly clock: Clock | undefined;
  readonly random: (() => number) | undefined;
  readonly links: LinkChecks;
  readonly router: LinkRouter;
  readonly winners: ChoiceCache;
  readonly state: StateHolder;
  readonly events: Pick<EventEmitter<DaemonEvents>, "emit">;
  claimsFor(network: ScannedNetwork): readonly ClaimMatch[];
  session(device: string): DeviceSession | undefined;
  /** The session as the API shows it (MAC setting added, redacted). */
  summary(session: DeviceSession): SessionSummary;
  log(level: "debug" | "info" | "warn" | "error", message: string, fields?: Record<string, unknown>): void;
  problem(device: string | undefined, e: unknown): void;
  now(): number;
}

/**
 * A new session on `device`, wired to the daemon: its probes and routes, the shared state
 * (choices, saved sessions, failed logins), and its events, which leave the daemon with
 * the plugins' secrets redacted.
 */
export function createDeviceSession(host: SessionHost, device: string, retry?: RetryPolicy): DeviceSession {
  const clock = host.clock;
  const deps: SessionDeps = {
    // Getters: a reload swaps config and plugin calls under running sessions.
    get config() {
      return host.config;
    },
    get calls() {
      return host.calls;
    },
    detect: (network: JoinedNetwork, signal: AbortSignal): Promise<PortalInfo> =>
      host.links.detect(network, signal),
    verify: (network, signal, learnt) => host.links.verify(network, signal, learnt),
    claimsFor: (network) => host.claimsFor(network),
    ...(host.source.checkConnectivity ? { recheckConnectivity: () => recheck(host, device) } : {}),
    pinLink: (network) => host.router.pin(device, network),
    unpinLink: () => void host.router.unpin(device),
    winners: host.winners,
    records: sessionRecords(host.state, clock && (() => host.now())),
    failures: failureLog(host.state, clock && (() => host.now())),
    random: host.random ?? Math.random,
    ...(clock ? { now: () => host.now(), timer: clock.timer.bind(clock) } : {}),
    onState: (c) => {
      host.log(
        "info",
        `${c.device}: ${c.from} → ${c.to} (${c.reason})`,
        c.pluginId ? { plugin: c.pluginId } : undefined,
      );
      // Reasons can quote a plugin's own failure text: events leave the daemon redacted.
      host.events.emit("state", { ...c, reason: redact(c.reason, host.secrets) });
    },
    onSummary: () => {
      const s = host.session(device);
      if (s) host.events.emit("session", host.summary(s));
    },
    onPortal: (p) => host.events.emit("portal", device, p),
    onEvaluated: (r) => host.events.emit("evaluated", device, r),
    onAuthenticated: (id, facts) => host.events.emit("authenticated", device, id, facts),
    onUiRequired: (id, url) => uiRequired(host, device, id, url),
    onMaintained: (id, result) => host.events.emit("maintained", device, id, result),
    onLoggedOff: (id) => host.events.emit("loggedOff", device, id),
    onProblem: (e) => host.problem(device, e),
  };
  return new DeviceSession(device, deps, retry);
}

/**
 * Hands the link back to NetworkManager after a verified login. Its answer may still be
 * "portal" if its own probe raced the gateway; one more call a moment later settles it.
 */
async function recheck(host: SessionHost, device: string): Promise<void> {
  const check = host.source.checkConnectivity?.bind(host.source);
  if (!check) return;
  const first = await check();
  host.log("debug", `${device}: NetworkManager connectivity after login: ${first}`);
  if (first === "portal" || first === "limited") {
    await new Promise((resolve) => setTimeout(resolve, 1_000).unref());
    const second = await check();
    host.log("debug", `${device}: NetworkManager connectivity on second check: ${second}`);
  }
}

/**
 * A plugin answered uiRequired: the log line and the event carry the provider's name and
 * the page, so `hotspot agent` (through the D-Bus API) can offer the person a portal window.
 */
function uiRequired(host: SessionHost, device: string, pluginId: string, url: string): void {
  const providerName = host.calls.plugin(pluginId)?.displayName ?? pluginId;
  const ssid = host.session(device)?.network?.ssidText ?? "";
  host.log("info", `${device}: a person must finish logging in to ${providerName} at ${url}`, {
    event: "uiRequired",
    device,
    ssid,
    plugin: pluginId,
    provider: providerName,
    url,
  });
  host.events.emit(
    "uiRequired",
    device,
    pluginId,
    redact(url, host.secrets),
    redact(providerName, host.secrets),
  );
}
