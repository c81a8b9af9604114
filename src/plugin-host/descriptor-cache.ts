import { mkdir, readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import { writeFileAtomic } from "../util/atomic-file.ts";
import { errnoCode } from "../util/errno.ts";
import { pluginStamp } from "./plugin-stamp.ts";

/**
 * What plugins' static descriptions were, so a command can know a plugin's id, name,
 * claims and hooks without importing its code. Importing every plugin (and with them the
 * SDK, zod and the portal parsers) is most of what `hotspot list` would cost, and the
 * daemon would otherwise start a process per plugin just to learn its claims.
 *
 * One JSON file holds an entry per plugin entry file. An entry is used only while it is
 * fresh: the plugin's files are unchanged (plugin-stamp.ts: size, mtime, ctime, inode of
 * every file in its folder), the same host version wrote the entry, and the plugin's
 * settings key (settingsKey: its config and where its credentials came from) is the one
 * it was resolved under. Anything else (a missing, torn, foreign or hand-edited file, an
 * entry the caller's check refuses) counts as a miss and the plugin is loaded for real.
 * The cache is never a source of truth for anything but what it describes: a caller that
 * runs a plugin's hooks loads the plugin itself.
 *
 * Writers replace the file atomically (write, fsync, rename), so readers see one whole
 * version; two writers at once both write whole files and the later rename wins, which
 * only costs the other's entries a reload next time. Mode 0600 in a 0700 folder: entries
 * carry plugins' config (never credential values).
 */

/** Bumped when the file's layout or an entry's meaning changes; other formats are ignored. */
const CACHE_FORMAT = 2;
/** Entries kept; the oldest go first (plugins under deleted temp folders, replaced versions). */
const MAX_ENTRIES = 512;
const FILE_NAME = "plugin-descriptors.json";

/**
 * Where the cache lives when nobody says otherwise: systemd's `$CACHE_DIRECTORY` (from
 * `CacheDirectory=`), else `$XDG_CACHE_HOME/hotspot-helper`, else for root
 * `/var/cache/hotspot-helper`, else `~/.cache/hotspot-helper`. As for the other XDG
 * variables, a relative XDG_CACHE_HOME is invalid and ignored.
 */
export function defaultDescriptorCacheFile(
  env: NodeJS.ProcessEnv = process.env,
  uid: number | undefined = process.getuid?.(),
): string {
  const fromSystemd = env.CACHE_DIRECTORY?.split(":").find((d) => isAbsolute(d));
  if (fromSystemd) return join(fromSystemd, FILE_NAME);
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, "hotspot-helper", FILE_NAME);
  if (uid === 0) return join("/var/cache/hotspot-helper", FILE_NAME);
  return join(env.HOME || homedir(), ".cache", "hotspot-helper", FILE_NAME);
}

/**
 * The settings a plugin's descriptor depends on, as one comparable string: whether it is
 * enabled, its config (claims and portal hosts may be functions of it), and where its
 * credentials came from as that file's stamp (plugin-stamp.ts fileStamp), so that no
 * credential value, nor a hash of one, is ever written to the cache.
 */
export function settingsKey(
  settings: { readonly enabled?: boolean; readonly config?: unknown } | undefined,
  credentialsStamp: string,
): string {
  return JSON.stringify([settings?.enabled ?? true, settings?.config ?? null, credentialsStamp]);
}

/** One plugin entry file as the cache remembers it. */
export interface CachedPlugin<D> {
  /** pluginStamp of its files when it was loaded. */
  readonly stamp: string;
  readonly id: string;
  /** The settingsKey it was resolved under; absent when it was validated but not resolved (disabled, overridden). */
  readonly settings?: string | undefined;
  /** Absent with `settings`. */
  readonly descriptor?: D | undefined;
}

export interface DescriptorCacheOptions<D> {
  readonly file: string;
  /** The host that writes and reads it (its version): only its own entries are used. */
  readonly host: string;
  /**
   * Checks a descriptor read from the file and returns it typed, or undefined when it is
   * not one (that entry is then a miss). The file is the user's own, but may be torn or
   * written by another version.
   */
  readonly check: (value: unknown) => D | undefined;
}

function isRecord(value: unknown): value is object {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function field(value: object, key: string): unknown {
  return Object.hasOwn(value, key) ? Reflect.get(value, key) : undefined;
}

function entryOf<D>(value: unknown, check: (value: unknown) => D | undefined): CachedPlugin<D> | undefined {
  if (!isRecord(value)) return undefined;
  const stamp = field(value, "stamp");
  const id = field(value, "id");
  const settings = field(value, "settings");
  const raw = field(value, "descriptor");
  if (typeof stamp !== "string" || typeof id !== "string") return undefined;
  if (settings === undefined && raw === undefined) return { stamp, id };
  if (typeof settings !== "string") return undefined;
  const descriptor = check(raw);
  return descriptor === undefined ? undefined : { stamp, id, settings, descriptor };
}

interface FileEntries<D> {
  /** This host's entries that pass the check, by source. */
  readonly mine: Map<string, CachedPlugin<D>>;
  /** Other hosts' entries (another installed version, a checkout), kept as they are. */
  readonly others: [string, unknown][];
}

/**
 * The file's entries, none when it is missing, unreadable or not ours. Keys are the host
 * and the entry file's path, so two versions installed side by side (or a checkout and
 * an install) share the file without evicting each other's entries.
 */
async function readEntries<D>(options: DescriptorCacheOptions<D>): Promise<FileEntries<D>> {
  const entries: FileEntries<D> = { mine: new Map(), others: [] };
  let data: unknown;
  try {
    data = JSON.parse(await readFile(options.file, "utf8"));
  } catch {
    return entries;
  }
  if (!isRecord(data) || field(data, "format") !== CACHE_FORMAT) return entries;
  const plugins = field(data, "plugins");
  if (!isRecord(plugins)) return entries;
  const prefix = keyOf(options.host, "");
  for (const [key, value] of Object.entries(plugins)) {
    if (!key.startsWith(prefix)) {
      entries.others.push([key, value]);
      continue;
    }
    const entry = entryOf(value, options.check);
    if (entry !== undefined) entries.mine.set(key.slice(prefix.length), entry);
  }
  return entries;
}

function keyOf(host: string, source: string): string {
  return `${host}\n${source}`;
}

export class DescriptorCache<D> {
  readonly #options: DescriptorCacheOptions<D>;
  readonly #entries: ReadonlyMap<string, CachedPlugin<D>>;

  private constructor(options: DescriptorCacheOptions<D>, entries: ReadonlyMap<string, CachedPlugin<D>>) {
    this.#options = options;
    this.#entries = entries;
  }

  /** Reads the cache file; a missing or unusable one is an empty cache, never an error. */
  static async open<D>(options: DescriptorCacheOptions<D>): Promise<DescriptorCache<D>> {
    return new DescriptorCache(options, (await readEntries(options)).mine);
  }

  /** The entry of the plugin whose entry file is `source`, if its stamp is still `stamp`. */
  fresh(source: string, stamp: string): CachedPlugin<D> | undefined {
    const entry = this.#entries.get(source);
    return entry?.stamp === stamp ? entry : undefined;
  }

  /**
   * Adds or replaces entries and rewrites the file, keeping what another process wrote
   * since this one read it. Failing to write (a read-only home) is not an error of the
   * command that wanted the descriptors: it only means loading for real next time too.
   */
  async save(updates: ReadonlyMap<string, CachedPlugin<D>>): Promise<void> {
    if (updates.size === 0) return;
    const { host } = this.#options;
    const current = await readEntries(this.#options);
    const plugins: Record<string, unknown> = {};
    let kept = 0;
    const mine = [...updates, ...current.mine].map(([source, entry]): [string, unknown] => [
      keyOf(host, source),
      entry,
    ]);
    for (const [key, entry] of [...mine, ...current.others]) {
      if (kept >= MAX_ENTRIES) break;
      if (Object.hasOwn(plugins, key)) continue;
      plugins[key] = entry;
      kept++;
    }
    const text = `${JSON.stringify({ format: CACHE_FORMAT, plugins })}\n`;
    try {
      await mkdir(dirname(this.#options.file), { recursive: true, mode: 0o700 });
      await writeFileAtomic(this.#options.file, text, 0o600);
    } catch (e) {
      // Any file-system refusal (read-only, full, permissions, a file where the folder
      // should be): the command still has its descriptors, only the next run pays again.
      if (errnoCode(e) !== undefined) return;
      throw e;
    }
  }
}

/** A plugin entry file to describe, and the root folder (or module file) it was found in. */
export interface DescriptorRequest {
  readonly source: string;
  readonly root: string;
}

/**
 * The descriptors of `requests` by source: from the cache where fresh, the others from
 * `loadOnMiss` (called once, with every miss, only when there is one), whose answers are
 * then stored. `settingsFor(id)` is the settingsKey of a plugin's current settings. A
 * request `loadOnMiss` leaves out (a broken plugin) is left out of the answer too.
 * Stamps are taken before loading, so a plugin edited while it loads is reloaded next time.
 */
export async function resolveDescriptors<D>(
  cache: DescriptorCache<D>,
  requests: readonly DescriptorRequest[],
  options: {
    readonly idOf: (descriptor: D) => string;
    readonly settingsFor: (id: string) => string;
    readonly loadOnMiss: (missing: readonly DescriptorRequest[]) => Promise<ReadonlyMap<string, D>>;
  },
): Promise<Map<string, D>> {
  const stamps = await Promise.all(requests.map((r) => pluginStamp(r.source, r.root)));
  const found = new Map<string, D>();
  const missing: DescriptorRequest[] = [];
  requests.forEach((request, i) => {
    const entry = cache.fresh(request.source, stamps[i] ?? "");
    if (entry?.descriptor !== undefined && entry.settings === options.settingsFor(entry.id)) {
      found.set(request.source, entry.descriptor);
    } else missing.push(request);
  });
  if (missing.length === 0) return found;
  const loaded = await options.loadOnMiss(missing);
  const updates = new Map<string, CachedPlugin<D>>();
  requests.forEach((request, i) => {
    const descriptor = loaded.get(request.source);
    if (descriptor === undefined || found.has(request.source)) return;
    found.set(request.source, descriptor);
    const id = options.idOf(descriptor);
    updates.set(request.source, {
      stamp: stamps[i] ?? "",
      id,
      settings: options.settingsFor(id),
      descriptor,
    });
  });
  await cache.save(updates);
  return found;
}
