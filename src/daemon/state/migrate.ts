import { STATE_VERSION } from "./schema.ts";

type Raw = Record<string, unknown>;

/**
 * State file versions older than STATE_VERSION, each turned into the next one in memory
 * (the file is rewritten in the new format by the next save). Version 1 kept one session per
 * Wi-Fi device; version 2 keeps them per device and network. A version-1 session did not
 * record the network's security, so it goes under the SSID-only key, which a rejoin of
 * that SSID still finds (see sessionRecords): an upgrade does not cost a login.
 */
const MIGRATIONS: Readonly<Record<number, (raw: Raw, now: number) => Raw>> = {
  1: (raw, now) => {
    const byNetwork: Record<string, unknown> = {};
    const sessions = isRecord(raw.sessions) ? raw.sessions : {};
    for (const [device, session] of Object.entries(sessions)) {
      // Anything malformed is carried over as it is, so validation rejects the file as before.
      if (!isRecord(session) || typeof session.ssidHex !== "string") {
        byNetwork[device] = session;
        continue;
      }
      byNetwork[device] = { [`ssid:${session.ssidHex}`]: { ...session, savedAt: now } };
    }
    return { ...raw, version: 2, sessions: byNetwork };
  },
};

/**
 * Brings parsed state JSON to STATE_VERSION, or says why it cannot: not an object, no
 * whole-number version, or a version this program does not know (a newer daemon's file).
 */
export function migrateState(data: unknown, now: number): Raw | string {
  if (!isRecord(data)) return "not a JSON object";
  const version = data.version;
  if (typeof version !== "number" || !Number.isInteger(version) || version < 1 || version > STATE_VERSION) {
    return `version ${String(version)}, expected 1 to ${STATE_VERSION}`;
  }
  let current: Raw = data;
  for (let v = version; v < STATE_VERSION; v++) {
    const step = MIGRATIONS[v];
    if (!step) return `no migration from version ${v}`;
    current = step(current, now);
  }
  return current;
}

function isRecord(v: unknown): v is Raw {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
