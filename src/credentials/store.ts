import { chmod, lstat, mkdir, open, readFile, rename, unlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import { z } from "zod";
import { hotspotError, isHotspotError, reasonOf } from "../errors.ts";
import { errnoCode, fsReason } from "../scan/scan-file.ts";

/**
 * The per-user credential store: one JSON file, readable by its owner only, holding each
 * plugin's credentials under its id. Values stay opaque here; every plugin's own
 * `credentialsSchema` validates its entry when the registry loads it (and `hotspot
 * credentials set` validates before writing), so a typo is reported against the plugin.
 *
 * The file is refused when its group or others may read or write it: a secret that other
 * local users could read has already leaked, and silently tightening the mode would hide
 * that. Writes go to a 0600 temporary file in the same folder, then rename over the old
 * one, so a crash never leaves half a file or a moment with looser permissions.
 */

const fileSchema = z
  .object({
    version: z.literal(1),
    plugins: z.record(z.string().min(1), z.unknown()),
  })
  .strict();

/** Credentials by plugin id, exactly as stored. */
export type StoredCredentials = Readonly<Record<string, unknown>>;

export { defaultCredentialsPath } from "../config/paths.ts";

/** Permission bits as `0640`, for messages. */
function octal(mode: number): string {
  return `0${(mode & 0o777).toString(8).padStart(3, "0")}`;
}

/** Throws HH_CREDENTIALS_FILE_INSECURE unless only the owner may read or write `file`. */
async function assertPrivate(file: string): Promise<void> {
  const info = await lstat(file);
  if (info.isSymbolicLink()) {
    // A symlink would let whoever controls its target decide where secrets are written.
    throw hotspotError("HH_CREDENTIALS_FILE_INSECURE", {
      file,
      mode: "symlink",
      reason: "it is a symbolic link",
    });
  }
  if ((info.mode & 0o077) !== 0) {
    throw hotspotError("HH_CREDENTIALS_FILE_INSECURE", {
      file,
      mode: octal(info.mode),
      reason: "group or others may access it",
    });
  }
  if (typeof process.getuid === "function" && info.uid !== process.getuid()) {
    throw hotspotError("HH_CREDENTIALS_FILE_INSECURE", {
      file,
      mode: octal(info.mode),
      reason: `it belongs to uid ${info.uid}, not to this user`,
    });
  }
}

/**
 * Reads the store. A missing file is an empty store; an existing one must be private
 * (HH_CREDENTIALS_FILE_INSECURE) and well-formed (HH_CREDENTIALS_FILE_INVALID, which never
 * quotes the file's content: it is full of secrets).
 */
export async function readCredentials(file: string): Promise<StoredCredentials> {
  try {
    await assertPrivate(file);
  } catch (e) {
    if (isHotspotError(e)) throw e;
    if (errnoCode(e) === "ENOENT") return {};
    throw hotspotError("HH_FILE_UNREADABLE", { file, reason: fsReason(e) }, { cause: e });
  }
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw hotspotError("HH_FILE_UNREADABLE", { file, reason: fsReason(e) }, { cause: e });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text around the error: never pass it on.
    throw hotspotError("HH_CREDENTIALS_FILE_INVALID", { file, reason: "not valid JSON" });
  }
  const parsed = fileSchema.safeParse(data);
  if (!parsed.success) {
    // Paths only, every one of them: zod's messages may quote values, and values are secrets.
    const where = [...new Set(parsed.error.issues.map((i) => i.path.join(".") || "(root)"))].join(", ");
    throw hotspotError("HH_CREDENTIALS_FILE_INVALID", {
      file,
      reason: `${where}: expected { "version": 1, "plugins": { "<plugin id>": { ... } } }`,
    });
  }
  return Object.freeze({ ...parsed.data.plugins });
}

/** Writes the whole store atomically with mode 0600 (creating the folder 0700 if needed). */
export async function writeCredentials(file: string, plugins: StoredCredentials): Promise<void> {
  const dir = dirname(file);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Imported here: initialising node:crypto costs every command that only reads the store
  // (`hotspot list`) a few MB of memory at start.
  const { randomBytes } = await import("node:crypto");
  const temp = join(dir, `.credentials.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  const text = `${JSON.stringify({ version: 1, plugins }, null, 2)}\n`;
  try {
    // O_EXCL: never write secrets into a file someone else prepared at that name.
    const handle = await open(temp, "wx", 0o600);
    try {
      await handle.writeFile(text, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    // The umask cannot loosen 0600, but an explicit chmod documents the intent.
    await chmod(temp, 0o600);
    await rename(temp, file);
  } catch (e) {
    await unlink(temp).catch(() => {});
    throw hotspotError("HH_FILE_UNREADABLE", { file, reason: `cannot write: ${reasonOf(e)}` }, { cause: e });
  }
}

/** The store at one path, with the three operations the CLI needs. */
export interface CredentialStore {
  readonly file: string;
  /** Every stored entry by plugin id. */
  read(): Promise<StoredCredentials>;
  /** Plugin ids with stored credentials, sorted. Never the values. */
  list(): Promise<string[]>;
  set(pluginId: string, credentials: unknown): Promise<void>;
  /** false when there was nothing to delete. */
  delete(pluginId: string): Promise<boolean>;
}

export function credentialStore(file: string): CredentialStore {
  return {
    file,
    read: () => readCredentials(file),
    list: async () => Object.keys(await readCredentials(file)).sort(),
    async set(pluginId, credentials) {
      const current = await readCredentials(file);
      await writeCredentials(file, { ...current, [pluginId]: credentials });
    },
    async delete(pluginId) {
      const current = await readCredentials(file);
      if (!Object.hasOwn(current, pluginId)) return false;
      const { [pluginId]: _removed, ...rest } = current;
      await writeCredentials(file, rest);
      return true;
    },
  };
}
