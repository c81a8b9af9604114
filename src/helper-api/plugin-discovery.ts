import type { Dirent } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { join, resolve, sep } from "node:path";
import { type HotspotError, hotspotError, isHotspotError, reasonOf } from "../errors.ts";
import type { PluginRoot } from "./plugin-paths.ts";

/**
 * Finding plugin entry files in one root folder, without importing anything. A root holds:
 * - a plugin itself (an index file, or a package.json with the keyword), or
 * - plugin folders, one per subfolder (`_name` and `.name` folders are shared code and
 *   skipped), whose entry is their package.json `exports`/`main`, else `index.ts`,
 *   `index.js`, `index.mjs` or `index.cjs`;
 * - npm packages installed into `node_modules/` (also `@scope/name`) whose package.json
 *   lists the keyword `hotspot-helper-plugin`, as homebridge finds its plugins; packages
 *   without it are dependencies and are passed over.
 * A subfolder with no entry, or a package whose entry does not exist, is a problem naming
 * the folder or package.json, so the other plugins of the root still load.
 */

export const PLUGIN_KEYWORD = "hotspot-helper-plugin";

const INDEX_FILES = ["index.ts", "index.js", "index.mjs", "index.cjs"] as const;

/** One plugin entry file found, and where. */
export interface FoundPlugin {
  readonly file: string;
  readonly root: PluginRoot;
  /** The npm package name, for plugins that have a package.json naming one. */
  readonly packageName?: string | undefined;
}

export interface RootDiscovery {
  readonly found: readonly FoundPlugin[];
  readonly problems: readonly HotspotError[];
  /** What skipped nothing the user asked for: an optional standard folder that cannot be read. */
  readonly warnings: readonly HotspotError[];
}

/** The package.json fields discovery reads. */
interface PackageJson {
  readonly name?: string;
  readonly main?: string;
  readonly exports?: unknown;
  readonly keywords?: readonly unknown[];
}

/**
 * The fields of a parsed package.json, or undefined when one has the wrong type. Checked by
 * hand rather than with zod: discovery runs on every `hotspot list`, which otherwise loads
 * no zod when its plugins' descriptors are cached.
 */
function packageJsonFields(data: unknown): PackageJson | undefined {
  if (typeof data !== "object" || data === null || Array.isArray(data)) return undefined;
  const field = (key: string): unknown => (Object.hasOwn(data, key) ? Reflect.get(data, key) : undefined);
  const [name, main, exports, keywords] = ["name", "main", "exports", "keywords"].map(field);
  if (name !== undefined && typeof name !== "string") return undefined;
  if (main !== undefined && typeof main !== "string") return undefined;
  if (keywords !== undefined && !Array.isArray(keywords)) return undefined;
  return {
    ...(name === undefined ? {} : { name }),
    ...(main === undefined ? {} : { main }),
    ...(exports === undefined ? {} : { exports }),
    ...(keywords === undefined ? {} : { keywords }),
  };
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

function packageInvalid(file: string, name: string | undefined, reason: string): HotspotError {
  return hotspotError("HH_PLUGIN_PACKAGE_INVALID", { plugin: name ?? file, file, reason });
}

/**
 * The folder's package.json, or undefined when it has none. Throws for one that is not JSON.
 * `names`, the folder's listing when the caller has it, spares a read that would fail.
 */
async function readPackageJson(dir: string, names?: ReadonlySet<string>): Promise<PackageJson | undefined> {
  if (names !== undefined && !names.has("package.json")) return undefined;
  const file = join(dir, "package.json");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return undefined;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw packageInvalid(file, undefined, `not valid JSON: ${reasonOf(e)}`);
  }
  const fields = packageJsonFields(data);
  if (fields === undefined) throw packageInvalid(file, undefined, "not a package.json object");
  return fields;
}

/** Conditions Node matches for `import()`, the way the loader imports plugins. */
const CONDITIONS = new Set(["node", "import", "default"]);

/** The target of an `exports` value for `.` under CONDITIONS, per Node's resolution order. */
function exportsTarget(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) {
    for (const item of value) {
      const target = exportsTarget(item);
      if (target !== undefined) return target;
    }
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const entries = Object.entries(value);
  if (entries.some(([key]) => key.startsWith("."))) {
    return exportsTarget(entries.find(([key]) => key === ".")?.[1]);
  }
  for (const [key, target] of entries) {
    if (!CONDITIONS.has(key)) continue;
    const found = exportsTarget(target);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * The entry a package.json names, or undefined when it names none. `exports` wins over
 * `main` as in Node; `main` may omit `.js` or name a folder, as Node's legacy lookup allows.
 * Throws HH_PLUGIN_PACKAGE_INVALID for an entry that is missing or leaves the package.
 */
async function packageEntry(dir: string, pkg: PackageJson): Promise<string | undefined> {
  const file = join(dir, "package.json");
  const field = pkg.exports !== undefined ? "exports" : pkg.main !== undefined ? "main" : undefined;
  if (field === undefined) return undefined;
  const target = field === "exports" ? exportsTarget(pkg.exports) : pkg.main;
  if (target === undefined) {
    throw packageInvalid(file, pkg.name, `"exports" has no entry for "." under the import condition`);
  }
  const path = resolve(dir, target);
  if (path !== dir && !path.startsWith(dir + sep)) {
    throw packageInvalid(file, pkg.name, `"${field}" points outside the package: ${target}`);
  }
  const candidates = field === "main" ? [path, `${path}.js`, join(path, "index.js")] : [path];
  for (const candidate of candidates) if (await isFile(candidate)) return candidate;
  throw packageInvalid(
    file,
    pkg.name,
    `"${field}" names ${target}, which does not exist in ${dir} (is the plugin built?)`,
  );
}

async function indexFileIn(dir: string, names?: ReadonlySet<string>): Promise<string | undefined> {
  const paths = INDEX_FILES.filter((name) => names?.has(name) ?? true).map((name) => join(dir, name));
  const present = await Promise.all(paths.map((path) => isFile(path)));
  return paths.find((_, i) => present[i]);
}

/** The entry of a plugin folder: its package's entry, else its index file, else undefined. */
async function folderEntry(
  dir: string,
  pkg: PackageJson | undefined,
  names?: ReadonlySet<string>,
): Promise<string | undefined> {
  return (pkg && (await packageEntry(dir, pkg))) ?? (await indexFileIn(dir, names));
}

const hasKeyword = (pkg: PackageJson | undefined): boolean =>
  pkg?.keywords?.includes(PLUGIN_KEYWORD) ?? false;

/** The package folders in `<root>/node_modules`, including `@scope/name`, sorted. */
async function installedPackages(root: string): Promise<string[]> {
  const modules = join(root, "node_modules");
  const names = await readdir(modules).catch(() => [] as string[]);
  const dirs: string[] = [];
  for (const name of names.sort()) {
    if (name.startsWith(".")) continue;
    const path = join(modules, name);
    if (name.startsWith("@")) {
      const scoped = await readdir(path).catch(() => [] as string[]);
      for (const sub of scoped.sort()) dirs.push(join(path, sub));
    } else {
      dirs.push(path);
    }
  }
  const out: string[] = [];
  for (const dir of dirs) if (await isDirectory(dir)) out.push(dir);
  return out;
}

function noPlugin(dir: string, what: string): HotspotError {
  return hotspotError("HH_PLUGIN_LOAD_FAILED", {
    path: dir,
    reason: `${what} (no package.json entry and no ${INDEX_FILES.join(", ")})`,
  });
}

/** Every plugin entry in `root` (see the module comment), and the problems met on the way. */
export async function discoverRoot(root: PluginRoot): Promise<RootDiscovery> {
  const dir = resolve(root.path);
  const found: FoundPlugin[] = [];
  const problems: HotspotError[] = [];
  const attempt = async (path: string, work: () => Promise<void>): Promise<void> => {
    try {
      await work();
    } catch (e) {
      problems.push(
        isHotspotError(e) ? e : hotspotError("HH_PLUGIN_LOAD_FAILED", { path, reason: reasonOf(e) }),
      );
    }
  };

  const kind = await stat(dir).catch(() => undefined);
  if (kind?.isFile()) return { found: [{ file: dir, root }], problems, warnings: [] };
  if (!kind?.isDirectory()) {
    if (root.required)
      problems.push(hotspotError("HH_PLUGIN_LOAD_FAILED", { path: dir, reason: "no such plugin folder" }));
    return { found, problems, warnings: [] };
  }

  // The root is one plugin when it has an index, or a package.json that says so. A package.json
  // without the keyword is what `npm install` leaves in a folder of plugins: not a plugin.
  // The folder is listed first: the listing answers which of package.json and the index
  // files exist without a failing call for each absent one (every `hotspot list` does this).
  let entries: Dirent[] | undefined;
  let unlisted: unknown;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    unlisted = e;
  }
  const names = entries && new Set(entries.map((e) => e.name));
  let own: string | undefined;
  await attempt(dir, async () => {
    const pkg = await readPackageJson(dir, names);
    own = hasKeyword(pkg) ? await folderEntry(dir, pkg, names) : await indexFileIn(dir, names);
    if (own) found.push({ file: own, root, packageName: pkg?.name });
  });
  if (own || problems.length > 0) return { found, problems, warnings: [] };

  if (entries === undefined) {
    // A standard folder an administrator made private (as root sees it, not as a user does)
    // must not stop a user's `hotspot list`: a warning then; a folder the user named, a problem.
    const unreadable = hotspotError("HH_PLUGIN_LOAD_FAILED", {
      path: dir,
      reason: `cannot read it: ${reasonOf(unlisted)}`,
    });
    return root.required
      ? { found, problems: [unreadable], warnings: [] }
      : { found, problems, warnings: [unreadable] };
  }
  // Plugin folders are looked at all at once (each takes a few file-system calls, and
  // `hotspot list` does this on every run), then reported in name order, as one by one.
  const folders = entries
    .filter((e) => e.name !== "node_modules" && !e.name.startsWith(".") && !e.name.startsWith("_"))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const results = await Promise.all(
    folders.map(async (entry): Promise<FoundPlugin | HotspotError | undefined> => {
      const sub = join(dir, entry.name);
      if (!(entry.isDirectory() || (entry.isSymbolicLink() && (await isDirectory(sub))))) return undefined;
      try {
        const listed = await readdir(sub).then(
          (list) => new Set(list),
          () => undefined,
        );
        const pkg = await readPackageJson(sub, listed);
        const file = await folderEntry(sub, pkg, listed);
        if (file) return { file, root, packageName: pkg?.name };
        // Hidden files (.gitkeep, .DS_Store) do not make a folder a plugin.
        const empty = [...(listed ?? (await readdir(sub)))].every((n) => n.startsWith("."));
        return noPlugin(sub, empty ? "the plugin folder is empty" : "not a plugin folder");
      } catch (e) {
        return isHotspotError(e)
          ? e
          : hotspotError("HH_PLUGIN_LOAD_FAILED", { path: sub, reason: reasonOf(e) });
      }
    }),
  );
  for (const result of results) {
    if (result === undefined) continue;
    if (isHotspotError(result)) problems.push(result);
    else found.push(result);
  }
  for (const pkgDir of await installedPackages(dir)) {
    await attempt(pkgDir, async () => {
      const pkg = await readPackageJson(pkgDir);
      if (!hasKeyword(pkg)) return;
      const file = await folderEntry(pkgDir, pkg);
      if (!file) throw noPlugin(pkgDir, `package ${pkg?.name ?? pkgDir}`);
      found.push({ file, root, packageName: pkg?.name });
    });
  }
  if (found.length === 0 && problems.length === 0 && root.required) {
    const empty = entries.every((e) => e.name.startsWith("."));
    problems.push(
      empty
        ? noPlugin(dir, "the plugin folder is empty")
        : hotspotError("HH_PLUGIN_LOAD_FAILED", {
            path: dir,
            reason: `no plugin here: no package.json entry or ${INDEX_FILES.join(", ")}, no plugin subfolders, no package with the keyword ${PLUGIN_KEYWORD} in node_modules`,
          }),
    );
  }
  return { found, problems, warnings: [] };
}
