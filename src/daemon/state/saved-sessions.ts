import type { Security } from "../../helper-api/network.ts";
import type { StateHolder } from "./choices.ts";
import type { PersistedSession } from "./schema.ts";

/**
 * Sessions kept per Wi-Fi device. A portal remembers a device by its MAC address for hours
 * or days, so a laptop that goes from the hotel to the café and back finds the hotel's
 * portal still open: the hotel's saved session is what lets the daemon maintain it (and log
 * off) without logging in again. A handful covers a day's places; older ones go first.
 */
export const MAX_SESSIONS_PER_DEVICE = 8;
/** Devices whose sessions are kept: a renamed or unplugged adapter's go, least recent first. */
export const MAX_SESSION_DEVICES = 16;
/**
 * A session not seen alive (login, maintain, roam) for this long is dropped: few portals
 * remember a device for a week, and one that does is logged in to again at no harm.
 */
export const MAX_SESSION_AGE_MS = 7 * 24 * 60 * 60 * 1000;
/**
 * A session whose announced end passed more than this long ago is over. The slack covers a
 * portal that rounds `seconds-remaining` down, so its end comes a moment after ours.
 */
export const EXPIRY_GRACE_MS = 60_000;

/** What identifies a network for its saved session: SSID and security (an open and a WPA2 "Hotel" differ). */
export interface SavedNetwork {
  readonly ssidHex: string;
  readonly security: Security;
}

/** A session to save; `savedAt` is stamped by `save`. */
export type SessionToSave = Omit<PersistedSession, "savedAt" | "security"> & { readonly security: Security };

export function savedNetworkKey(n: SavedNetwork): string {
  return `ssid:${n.ssidHex}|${n.security}`;
}

/** Where a version-1 state file's session went (it did not record the security). */
function ssidOnlyKey(n: { readonly ssidHex: string }): string {
  return `ssid:${n.ssidHex}`;
}

/** Saved sessions by Wi-Fi device and network, as kept for rejoins and restarts. */
export interface SessionRecords {
  /** The session saved on `device` for `network`, unless its end has passed or it is too old. */
  get(device: string, network: SavedNetwork): PersistedSession | undefined;
  /** Saves (or replaces) the session on `device` for its network, then prunes. */
  save(device: string, session: SessionToSave): void;
  /** The network's session on `device` is over (the portal holds us, a logoff, its plugin gone). */
  drop(device: string, network: SavedNetwork): void;
}

export function sessionRecords(holder: StateHolder, now: () => number = Date.now): SessionRecords {
  const find = (device: string, network: SavedNetwork): [string, PersistedSession] | undefined => {
    const byNetwork = holder.state.sessions[device];
    if (!byNetwork) return undefined;
    const exact = byNetwork[savedNetworkKey(network)];
    if (exact) return [savedNetworkKey(network), exact];
    const old = byNetwork[ssidOnlyKey(network)];
    return old && old.security === undefined ? [ssidOnlyKey(network), old] : undefined;
  };
  return {
    get(device, network) {
      const found = find(device, network);
      return found && !isStale(found[1], now()) ? found[1] : undefined;
    },
    save(device, session) {
      const at = now();
      holder.update((s) => {
        const byNetwork = s.sessions[device] ?? {};
        delete byNetwork[ssidOnlyKey(session)];
        byNetwork[savedNetworkKey(session)] = { ...session, savedAt: at };
        s.sessions[device] = byNetwork;
        pruneSessions(s.sessions, at);
      });
    },
    drop(device, network) {
      const found = find(device, network);
      if (!found) return;
      holder.update((s) => {
        const byNetwork = s.sessions[device];
        if (!byNetwork) return;
        delete byNetwork[found[0]];
        if (Object.keys(byNetwork).length === 0) delete s.sessions[device];
      });
    },
  };
}

/** Past its announced end (with EXPIRY_GRACE_MS of slack), or not seen alive for MAX_SESSION_AGE_MS. */
function isStale(session: PersistedSession, now: number): boolean {
  const { expiresInSeconds } = session.facts;
  if (expiresInSeconds !== undefined && session.factsAt + expiresInSeconds * 1000 + EXPIRY_GRACE_MS < now) {
    return true;
  }
  return session.savedAt + MAX_SESSION_AGE_MS < now;
}

/**
 * Drops stale sessions, keeps each device's MAX_SESSIONS_PER_DEVICE most recent and the
 * MAX_SESSION_DEVICES devices seen most recently, so the state file (read at every start,
 * rewritten at every maintain) stays small however long the daemon roams.
 */
function pruneSessions(sessions: Record<string, Record<string, PersistedSession>>, now: number): void {
  const newest = new Map<string, number>();
  for (const [device, byNetwork] of Object.entries(sessions)) {
    const kept = Object.entries(byNetwork)
      .filter(([, v]) => !isStale(v, now))
      .sort(([, a], [, b]) => b.savedAt - a.savedAt)
      .slice(0, MAX_SESSIONS_PER_DEVICE);
    if (kept.length === 0) {
      delete sessions[device];
      continue;
    }
    sessions[device] = Object.fromEntries(kept);
    newest.set(device, kept[0]?.[1].savedAt ?? 0);
  }
  const devices = [...newest].sort(([, a], [, b]) => b - a);
  for (const [device] of devices.slice(MAX_SESSION_DEVICES)) delete sessions[device];
}
