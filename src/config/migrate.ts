import { hotspotError } from "../errors.ts";

/**
 * Config file versions. A file states its format in `version`; one without it is version 0
 * (every file written before the field existed). Each migration turns a version-N object
 * into a version N+1 one, so a file of any older version is upgraded step by step in
 * memory (the file on disk is never rewritten behind the user's back). A file newer than
 * this program understands is refused with a clear error rather than half-read: its new
 * settings would be silently dropped, or fail validation with a confusing message.
 */
export const CONFIG_VERSION = 1;

type Raw = Record<string, unknown>;

const MIGRATIONS: Readonly<Record<number, (raw: Raw) => Raw>> = {
  // 0 → 1: the settings are unchanged; the file gains its `version`.
  0: (raw) => ({ ...raw, version: 1 }),
};

/**
 * Brings parsed config JSON to CONFIG_VERSION.
 * @throws HH_CONFIG_INVALID when `version` is not a whole number ≥ 0, or the root is not an
 * object; HH_CONFIG_VERSION_UNSUPPORTED when it is newer than CONFIG_VERSION.
 */
export function migrateConfig(data: unknown, file: string): unknown {
  if (typeof data !== "object" || data === null || Array.isArray(data)) return data;
  const raw: Raw = { ...data };
  const stated = "version" in raw ? raw.version : 0;
  if (typeof stated !== "number" || !Number.isInteger(stated) || stated < 0) {
    throw hotspotError("HH_CONFIG_INVALID", {
      file,
      field: "version",
      reason: `must be a whole number from 0 to ${CONFIG_VERSION}, not ${JSON.stringify(stated)}`,
    });
  }
  if (stated > CONFIG_VERSION) {
    throw hotspotError("HH_CONFIG_VERSION_UNSUPPORTED", { file, version: stated, supported: CONFIG_VERSION });
  }
  let current = raw;
  for (let v = stated; v < CONFIG_VERSION; v++) {
    const step = MIGRATIONS[v];
    if (!step) throw hotspotError("HH_INTERNAL", { reason: `no config migration from version ${v}` });
    current = step(current);
  }
  return current;
}
