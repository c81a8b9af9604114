import { EventEmitter } from "eventemitter3";
import { annotate } from "../../annotate/index.ts";
import { hotspotError } from "../../errors.ts";
import type { DaemonEvents, ReloadReport, SessionSummary } from "../events.ts";
import type { NetworkView, PluginStateView, SessionView, StatusView, UserActionView } from "./views.ts";

/**
 * What the D-Bus API needs from a running daemon, kept narrow so the bus side does not
 * depend on how sessions are implemented: the Daemon satisfies `DaemonLike` structurally,
 * and `createDaemonSurface` turns its summaries and events into the views the API serves.
 */

/** The daemon events the surface follows. */
type DaemonLikeEvents = Pick<DaemonEvents, "networks" | "session" | "reloaded" | "uiRequired">;

export interface DaemonLike extends Pick<EventEmitter<DaemonEvents>, "on" | "off"> {
  listSessions(): readonly SessionSummary[];
  logoff(device?: string): Promise<number>;
  rescan(): Promise<void>;
  reload(): Promise<ReloadReport>;
  pluginIds(): readonly string[];
  /** Each loaded plugin's process state (in-process when plugins are not isolated). */
  pluginStates(): readonly PluginStateView[];
}

export interface SurfaceEvents {
  networks: () => void;
  sessions: () => void;
  /** A person must open a portal page to finish a login (sent at once, never coalesced). */
  userAction: (action: UserActionView) => void;
}

/** The API's view of the daemon; every method's result is plain data. */
export interface DaemonSurface extends EventEmitter<SurfaceEvents> {
  status(): StatusView;
  networks(): readonly NetworkView[];
  sessions(): readonly SessionView[];
  plugins(): readonly PluginStateView[];
  /** Fresh scan on every device; resolves with how many devices the daemon has seen. */
  rescan(): Promise<number>;
  /** Logs off one device's session (or all with undefined). @throws HH_DBUS_NO_SUCH_DEVICE */
  logoff(device: string | undefined): Promise<number>;
  /** Reloads config and plugins; resolves with how many plugins are loaded. */
  reloadPlugins(): Promise<number>;
  dispose(): void;
}

export interface SurfaceOptions {
  readonly version: string;
  /** The scan source's name, for GetStatus. */
  readonly sourceName: string;
  /** Epoch ms; injectable for tests. */
  now?(): number;
}

function wire(daemon: DaemonLike, l: DaemonLikeEvents, how: "on" | "off"): void {
  daemon[how]("networks", l.networks);
  daemon[how]("session", l.session);
  daemon[how]("reloaded", l.reloaded);
  daemon[how]("uiRequired", l.uiRequired);
}

export function createDaemonSurface(daemon: DaemonLike, opts: SurfaceOptions): DaemonSurface {
  return new Surface(daemon, opts);
}

class Surface extends EventEmitter<SurfaceEvents> implements DaemonSurface {
  readonly #daemon: DaemonLike;
  readonly #opts: SurfaceOptions;
  readonly #startedAt: number;
  /** Each device's latest annotated scan (the daemon's own list does not say which device). */
  readonly #networks = new Map<string, readonly NetworkView[]>();
  readonly #listeners: DaemonLikeEvents;

  constructor(daemon: DaemonLike, opts: SurfaceOptions) {
    super();
    this.#daemon = daemon;
    this.#opts = opts;
    this.#startedAt = opts.now?.() ?? Date.now();
    this.#listeners = {
      networks: (device, networks, claims) => {
        this.#networks.set(
          device,
          annotate(networks, claims).map((n) => Object.freeze({ ...n, device })),
        );
        this.emit("networks");
      },
      session: () => this.emit("sessions"),
      reloaded: () => this.emit("sessions"),
      uiRequired: (device, _plugin, url, providerName) => {
        const ssid = this.#daemon.listSessions().find((s) => s.device === device)?.network?.ssid ?? "";
        this.emit("userAction", { device, ssid, providerName, url });
      },
    };
    wire(daemon, this.#listeners, "on");
  }

  status(): StatusView {
    const devices = [...this.#networks.keys(), ...this.#daemon.listSessions().map((s) => s.device)];
    return {
      version: this.#opts.version,
      pid: process.pid,
      startedAt: this.#startedAt,
      source: this.#opts.sourceName,
      plugins: [...this.#daemon.pluginIds()],
      devices: [...new Set(devices)].sort(),
    };
  }

  networks(): readonly NetworkView[] {
    return [...this.#networks.values()].flat();
  }

  sessions(): readonly SessionView[] {
    return this.#daemon.listSessions().map(sessionView);
  }

  plugins(): readonly PluginStateView[] {
    return this.#daemon.pluginStates();
  }

  async rescan(): Promise<number> {
    await this.#daemon.rescan();
    return this.#networks.size;
  }

  async logoff(device: string | undefined): Promise<number> {
    if (device !== undefined && !this.#daemon.listSessions().some((s) => s.device === device)) {
      throw hotspotError("HH_DBUS_NO_SUCH_DEVICE", { device });
    }
    return this.#daemon.logoff(device);
  }

  async reloadPlugins(): Promise<number> {
    return (await this.#daemon.reload()).plugins.length;
  }

  dispose(): void {
    wire(this.#daemon, this.#listeners, "off");
    this.removeAllListeners();
  }
}

function sessionView(s: SessionSummary): SessionView {
  return {
    device: s.device,
    state: s.state,
    ssid: s.network?.ssid ?? "",
    ssidHex: s.network?.ssidHex ?? "",
    bssid: s.network?.bssid ?? "",
    provider: s.pluginId ?? "",
    ...(s.provider === undefined ? {} : { providerName: s.provider }),
    reason: s.reason,
    since: s.since,
    ...(s.authenticatedAt === undefined ? {} : { authenticatedAt: s.authenticatedAt }),
    ...(s.expiresAt === undefined ? {} : { expiresAt: s.expiresAt }),
    ...(s.bytesRemaining === undefined ? {} : { bytesRemaining: s.bytesRemaining }),
    ...(s.canExtend === undefined ? {} : { canExtend: s.canExtend }),
    ...(s.nextMaintainAt === undefined ? {} : { nextMaintainAt: s.nextMaintainAt }),
    ...(s.uiUrl === undefined ? {} : { uiUrl: s.uiUrl }),
    ...(s.failedLogins === undefined ? {} : { failedLogins: s.failedLogins }),
    ...(s.mac === undefined ? {} : { mac: s.mac.setting, macChangesOnReconnect: s.mac.changesOnReconnect }),
  };
}
