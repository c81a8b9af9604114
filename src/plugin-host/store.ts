import { mkdir, readFile, rename } from "node:fs/promises";
import { dirname, join } from "node:path";
import { z } from "zod";
import { hotspotError, reasonOf } from "../errors.ts";
import type { JsonValue, PluginStore } from "../helper-api/context.ts";
import { writeFileAtomic } from "../util/atomic-file.ts";

/**
 * The per-plugin store: one JSON file per plugin, `<root>/<plugin id>/store.json`, so what a
 * plugin keeps (a token, the last login's facts) survives the process and is the same for
 * `hotspot daemon`, `plugin test` and `auth` when they share a root.
 *
 * - Capped: a `set` that would make the file larger than `maxBytes` is refused with
 *   HH_PLUGIN_STORE_FULL and nothing changes, so a plugin cannot fill the disk.
 * - Atomic: every change writes a temporary file next to the store, fsyncs it, renames it
 *   over the old one and fsyncs the folder, so a crash leaves the old or the new content,
 *   never half of one.
 * - A file that is not a JSON object (a bad edit, a disk error) is moved aside to
 *   `store.json.corrupt` (kept for whoever wants to look) and the store starts empty, with a
 *   warning: a broken store must not break the plugin's logins.
 *
 * Two processes writing the same plugin's store at once: the last rename wins. Each process
 * reads the file once, on first use.
 */

const STORE_FILE = "store.json";
/** Default cap of one plugin's store file: room for tokens and facts, not for caches. */
const DEFAULT_STORE_MAX_BYTES = 64 * 1024;

const storeFileSchema = z.record(z.string(), z.json());

export interface FileStoreOptions {
  /** The folder holding one subfolder per plugin. */
  readonly root: string;
  readonly pluginId: string;
  readonly maxBytes?: number;
  /** Told when the file was unreadable or corrupt and the store started empty. */
  readonly warn?: (message: string) => void;
}

/** The store file of `pluginId` under `root`. */
export function storeFile(root: string, pluginId: string): string {
  return join(root, pluginId, STORE_FILE);
}

export function createFileStore(opts: FileStoreOptions): PluginStore {
  const file = storeFile(opts.root, opts.pluginId);
  const maxBytes = opts.maxBytes ?? DEFAULT_STORE_MAX_BYTES;
  let loaded: Promise<Map<string, JsonValue>> | undefined;
  // Writes run one after another, each from the state the previous one left.
  let queue: Promise<unknown> = Promise.resolve();

  const load = (): Promise<Map<string, JsonValue>> => {
    loaded ??= readStore(file, opts.warn);
    return loaded;
  };

  const change = (apply: (data: Map<string, JsonValue>) => boolean): Promise<void> => {
    const run = queue.then(async () => {
      const data = await load();
      const next = new Map(data);
      if (!apply(next)) return;
      const text = JSON.stringify(Object.fromEntries(next));
      const bytes = Buffer.byteLength(text);
      if (bytes > maxBytes) {
        throw hotspotError("HH_PLUGIN_STORE_FULL", { plugin: opts.pluginId, bytes, limit: maxBytes, file });
      }
      await writeAtomically(file, text);
      data.clear();
      for (const [k, v] of next) data.set(k, v);
    });
    queue = run.catch(() => {});
    return run;
  };

  return Object.freeze({
    async get(key: string): Promise<JsonValue | undefined> {
      await queue;
      const value = (await load()).get(key);
      // A copy: the plugin must not hold a live reference into the store.
      return value === undefined ? undefined : copyJson(value);
    },
    set(key: string, value: JsonValue): Promise<void> {
      const text = JSON.stringify(value);
      const parsed = text === undefined ? undefined : z.json().safeParse(JSON.parse(text));
      if (!parsed?.success) return Promise.reject(new TypeError(`store value for "${key}" is not JSON`));
      return change((data) => {
        data.set(key, parsed.data);
        return true;
      });
    },
    delete(key: string): Promise<void> {
      return change((data) => data.delete(key));
    },
  });
}

function copyJson(value: JsonValue): JsonValue {
  return z.json().parse(JSON.parse(JSON.stringify(value)));
}

async function readStore(file: string, warn?: (message: string) => void): Promise<Map<string, JsonValue>> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    if (e instanceof Error && "code" in e && e.code === "ENOENT") return new Map();
    warn?.(`plugin store ${file} is unreadable (${reasonOf(e)}); starting empty`);
    return new Map();
  }
  let parsed: z.ZodSafeParseResult<Record<string, JsonValue>>;
  try {
    parsed = storeFileSchema.safeParse(JSON.parse(text));
  } catch {
    parsed = storeFileSchema.safeParse(undefined);
  }
  if (parsed.success) return new Map(Object.entries(parsed.data));
  const aside = `${file}.corrupt`;
  await rename(file, aside).catch(() => {});
  warn?.(`plugin store ${file} is not a JSON object; moved it to ${aside} and started empty`);
  return new Map();
}

/** The folder is private to the user (0700); the file is written by writeFileAtomic (0600). */
async function writeAtomically(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeFileAtomic(file, text, 0o600);
}
