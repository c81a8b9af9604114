import { z } from "zod";
import { sessionFactsSchema } from "../../helper-api/results.ts";
import { securitySchema } from "../../helper-api/scan-schemas.ts";

/**
 * What the daemon keeps across restarts, one JSON file in the state directory. Every
 * read is validated here; a file that does not match is moved aside rather than trusted.
 * Bump STATE_VERSION when the shape changes and teach `migrateState` (migrate.ts) the old one.
 */
export const STATE_VERSION = 2;

const epochMs = z.number().int().nonnegative();
const ssidHex = z.string().regex(/^([0-9a-f]{2}){0,32}$/);

/** A session the portal granted and the daemon maintains, on one network of one Wi-Fi device. */
const persistedSessionSchema = z
  .object({
    ssidHex,
    ssidText: z.string().max(128),
    /**
     * The network's security: with the SSID, what tells an open "Hotel" from a WPA2 one.
     * Absent only in sessions saved by version 1, which did not record it.
     */
    security: securitySchema.optional(),
    bssid: z.string().max(32),
    pluginId: z.string().min(1),
    authenticatedAt: epochMs,
    facts: sessionFactsSchema,
    /** When `facts` arrived: `expiresInSeconds` counts from here. */
    factsAt: epochMs,
    /** When the daemon last saw the session alive (login, resume, maintain, roam): for pruning. */
    savedAt: epochMs,
  })
  .strict();
export type PersistedSession = z.infer<typeof persistedSessionSchema>;

/** The plugin chosen for a network, valid while the plugin set has this fingerprint. */
const choiceSchema = z
  .object({ pluginId: z.string().min(1), fingerprint: z.string().min(1), chosenAt: epochMs })
  .strict();
export type Choice = z.infer<typeof choiceSchema>;

/** Logins that failed on a network, so the next join backs off instead of hammering the portal. */
const failureSchema = z
  .object({ count: z.number().int().positive(), lastAt: epochMs, reason: z.string().max(1000) })
  .strict();
export type FailureRecord = z.infer<typeof failureSchema>;

export const stateSchema = z
  .object({
    version: z.literal(STATE_VERSION),
    /**
     * Saved sessions by Wi-Fi device, then by network (see savedNetworkKey): a portal that
     * still remembers the device when it comes back is resumed, whatever it joined between.
     */
    sessions: z.record(z.string().min(1), z.record(z.string().min(1), persistedSessionSchema)),
    choices: z.record(z.string().min(1), choiceSchema),
    failures: z.record(z.string().min(1), failureSchema).default({}),
  })
  .strict();
export type DaemonState = z.infer<typeof stateSchema>;

export function emptyState(): DaemonState {
  return { version: STATE_VERSION, sessions: {}, choices: {}, failures: {} };
}
