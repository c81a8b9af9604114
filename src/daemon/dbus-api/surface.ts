import { EventEmitter } from "eventemitter3";
import { annotate } from "../../annotate/index.ts";
import { hotspotError } from "../../errors.ts";
import type { JoinedNetwork } from "../../helper-api/network.ts";
import type { SessionFacts } from "../../helper-api/results.ts";
import type { DaemonEvents } from "../events.ts";
import type { SessionState } from "../states.ts";
import type { NetworkView, SessionView, StatusView } from "./views.ts";

/**
 * What the D-Bus API needs from a running daemon, kept narrow so the bus side does not
 * depend on how sessions are implemented: the Daemon satisfies `DaemonLike` structurally,
 * and `createDaemonSurface` turns its events into the views the API serves.
 */

/** One device's session, as the Daemon exposes it. */
export interface SessionLike {
  readonly device: string;
  readonly state: SessionState;
  readonly network: JoinedNetwork | undefined;
  readonly pluginId: string | undefined;
  readonly sessionInfo: { readonly authenticatedAt: number; readonly facts: SessionFacts } | undefined;
  readonly lastReason: string;
}

/** The daemon events the surface follows. */
type DaemonLikeEvents = Pick<
  DaemonEvents,
  "networks" | "state" | "authenticated" | "maintained" | "loggedOff"
>;

export interface DaemonLike extends Pick<EventEmitter<DaemonEvents>, "on" | "off"> {
  sessions(): readonly SessionLike[];
  logoff(device?: string): Promise<number>;
}

export interface SurfaceEvents {
  networks: () => void;
  sessions: () => void;
}

/** The API's view of the daemon; every method's result is plain data. */
export interface DaemonSurface extends EventEmitter<SurfaceEvents> {
  status(): StatusView;
  networks(): readonly NetworkView[];
  sessions(): readonly SessionView[];
  /** Fresh scan on every device; resolves with how many devices answered. */
  rescan(): Promise<number>;
  /** Logs off one device's session (or all with undefined). @throws HH_DBUS_NO_SUCH_DEVICE */
  logoff(device: string | undefined): Promise<number>;
  /** @throws HH_DBUS_NOT_SUPPORTED when the daemon was started without a way to reload. */
  reloadPlugins(): Promise<number>;
  dispose(): void;
}

export interface SurfaceOptions {
  readonly version: string;
  readonly source: { readonly name: string; rescan(): Promise<readonly unknown[]> };
  /** Ids of the loaded plugins (read on every status call, so a reload shows). */
  plugins(): readonly string[];
  /** Reloads plugins from disk and resolves with how many loaded; absent: not supported. */
  reload?(): Promise<number>;
  /** Epoch ms; injectable for tests. */
  now?(): number;
}

function wire(daemon: DaemonLike, l: DaemonLikeEvents, how: "on" | "off"): void {
  daemon[how]("networks", l.networks);
  daemon[how]("state", l.state);
  daemon[how]("authenticated", l.authenticated);
  daemon[how]("maintained", l.maintained);
  daemon[how]("loggedOff", l.loggedOff);
}

export function createDaemonSurface(daemon: DaemonLike, opts: SurfaceOptions): DaemonSurface {
  return new Surface(daemon, opts);
}

class Surface extends EventEmitter<SurfaceEvents> implements DaemonSurface {
  readonly #daemon: DaemonLike;
  readonly #opts: SurfaceOptions;
  readonly #startedAt: number;
  readonly #networks = new Map<string, readonly NetworkView[]>();
  /** When each device entered its state, and when its session facts were last told. */
  readonly #since = new Map<string, number>();
  readonly #factsAt = new Map<string, { readonly facts: SessionFacts; readonly at: number }>();
  readonly #listeners: DaemonLikeEvents;

  constructor(daemon: DaemonLike, opts: SurfaceOptions) {
    super();
    this.#daemon = daemon;
    this.#opts = opts;
    this.#startedAt = this.#now();
    this.#listeners = {
      networks: (device, networks, claims) => {
        this.#networks.set(
          device,
          annotate(networks, claims).map((n) => Object.freeze({ ...n, device })),
        );
        this.emit("networks");
      },
      state: (change) => {
        this.#since.set(change.device, this.#now());
        if (change.to === "Inactive" || change.to === "LoggingOff") this.#factsAt.delete(change.device);
        this.emit("sessions");
      },
      authenticated: (device, _plugin, facts) => {
        this.#factsAt.set(device, { facts, at: this.#now() });
        this.emit("sessions");
      },
      maintained: (device) => {
        // A maintain may have brought new facts (a renewed expiry): they count from now.
        const info = this.#daemon.sessions().find((s) => s.device === device)?.sessionInfo;
        if (info) this.#factsAt.set(device, { facts: info.facts, at: this.#now() });
        this.emit("sessions");
      },
      loggedOff: () => this.emit("sessions"),
    };
    wire(daemon, this.#listeners, "on");
  }

  status(): StatusView {
    return {
      version: this.#opts.version,
      pid: process.pid,
      startedAt: this.#startedAt,
      source: this.#opts.source.name,
      plugins: [...this.#opts.plugins()],
      devices: [
        ...new Set([...this.#networks.keys(), ...this.#daemon.sessions().map((s) => s.device)]),
      ].sort(),
    };
  }

  networks(): readonly NetworkView[] {
    return [...this.#networks.values()].flat();
  }

  sessions(): readonly SessionView[] {
    return this.#daemon.sessions().map((s) => this.#view(s));
  }

  async rescan(): Promise<number> {
    return (await this.#opts.source.rescan()).length;
  }

  async logoff(device: string | undefined): Promise<number> {
    if (device !== undefined && !this.#daemon.sessions().some((s) => s.device === device)) {
      throw hotspotError("HH_DBUS_NO_SUCH_DEVICE", { device });
    }
    return this.#daemon.logoff(device);
  }

  async reloadPlugins(): Promise<number> {
    if (!this.#opts.reload) throw hotspotError("HH_DBUS_NOT_SUPPORTED", { what: "reloading plugins" });
    return this.#opts.reload();
  }

  dispose(): void {
    wire(this.#daemon, this.#listeners, "off");
    this.removeAllListeners();
  }

  #view(s: SessionLike): SessionView {
    const n = s.network;
    const told = this.#factsAt.get(s.device);
    const facts = told?.facts ?? s.sessionInfo?.facts;
    const at = told?.at ?? s.sessionInfo?.authenticatedAt;
    const live = s.state === "Authenticated" || s.state === "Maintaining";
    return {
      device: s.device,
      state: s.state,
      ssid: n?.ssidText ?? "",
      ssidHex: n?.ssidHex ?? "",
      bssid: n?.bssid ?? "",
      provider: s.pluginId ?? "",
      reason: s.lastReason,
      since: this.#since.get(s.device) ?? this.#startedAt,
      ...(live && s.sessionInfo ? { authenticatedAt: s.sessionInfo.authenticatedAt } : {}),
      ...(live && facts?.expiresInSeconds !== undefined && at !== undefined
        ? { expiresAt: at + facts.expiresInSeconds * 1000 }
        : {}),
      ...(live && facts?.bytesRemaining !== undefined ? { bytesRemaining: facts.bytesRemaining } : {}),
      ...(live && facts?.canExtend !== undefined ? { canExtend: facts.canExtend } : {}),
    };
  }

  #now(): number {
    return this.#opts.now?.() ?? Date.now();
  }
}
