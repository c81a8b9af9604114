import { createHash } from "node:crypto";
import { realpathSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * How a plugin's child process is started: which entry, which Node flags, which
 * environment. The rules (docs/plugin-host.md, "Permissions") in one place:
 *
 * - Heap: `--max-old-space-size` caps V8's old space, so a plugin that allocates without
 *   bound dies of its own OOM rather than growing the machine's memory (the supervisor also
 *   watches the resident size, which covers buffers outside the heap). Semi-spaces of 1 MB,
 *   as the daemon's own (service/install.ts), keep an idle child's young generation small.
 * - A temp folder of its own (`TMPDIR`), one per plugin file, never read by the daemon:
 *   Chromium's throwaway profiles and, under tsx, tsx's compile cache go there, so a plugin
 *   that writes into its cache can only fool later processes of the same plugin.
 * - Node's permission model (`--experimental-permission`, Node 20) when `permissions` is on:
 *   - file-system write only to the plugin's own store folder and its temp folder, plus the
 *     browser's artifacts folder for a plugin that `needsBrowser`;
 *   - no child processes, except for a `needsBrowser` plugin (it launches Chromium) and
 *     except where TypeScript is compiled in the child (tsx runs esbuild as a child process:
 *     a TypeScript plugin, or a daemon running from its own TypeScript sources);
 *   - worker threads allowed: Node 20 runs ESM loader hooks (how the host provides the SDK
 *     to a plugin, and tsx) on an internal worker, which needs `--allow-worker`. A worker
 *     inherits the process's file-system and child-process denials (the suite checks it);
 *   - file-system reads only of the plugin's own folders (the root it was found in, its
 *     entry's real folder), this package with its dependencies, and the folders it may
 *     write: not the user's config, credential store or other state. Where TypeScript is
 *     compiled in the child, and for a `needsBrowser` plugin, reads are not restricted.
 * - Environment: the daemon's, with NODE_OPTIONS removed (its flags are given here) and
 *   TMPDIR set to the plugin's temp folder.
 */

const FROM_SOURCE = import.meta.url.endsWith(".ts");
const TYPESCRIPT = new Set([".ts", ".mts", ".cts"]);

/** The child's entry module beside this file. */
export const CHILD_ENTRY = fileURLToPath(
  new URL(FROM_SOURCE ? "./child-main.ts" : "./child-main.js", import.meta.url),
);

export interface ChildLaunchOptions {
  /** The plugin's entry file. */
  readonly file: string;
  /** The folder the plugin was found in (its origin's root), readable with all below it. */
  readonly root?: string | undefined;
  /** Its store folder (`<storeRoot>/<id>`); undefined while the id is not known (loading). */
  readonly storeDir?: string | undefined;
  readonly needsBrowser: boolean;
  /** Folders the plugin's browser writes (artifacts); only with needsBrowser. */
  readonly browserDirs?: readonly string[] | undefined;
  /** The plugin's own temp folder (Chromium profiles, tsx's cache). */
  readonly tmpDir: string;
  readonly maxOldSpaceMb: number;
  /** Run under Node's permission model. */
  readonly permissions: boolean;
  readonly env: NodeJS.ProcessEnv;
}

export interface ChildLaunch {
  readonly entry: string;
  readonly execArgv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  /** Whether the child may start processes (the permission model is off, or it was granted). */
  readonly mayStartProcesses: boolean;
}

/** A folder as Node 20 grants it: the path itself and everything below it (no trailing `/`). */
const folder = (path: string): string => (path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path);

/**
 * The grants without any that another covers. Node 20.20's permission tree mishandles a
 * folder granted together with one inside it: the outer folder itself is then refused
 * (`existsSync` on it throws), and `dir` with `dir/` aborts the process.
 */
function collapse(paths: readonly string[]): string[] {
  if (paths.includes("*")) return ["*"];
  const sorted = [...new Set(paths)].sort((a, b) => a.length - b.length);
  const kept: string[] = [];
  for (const path of sorted) if (!kept.some((k) => path === k || path.startsWith(`${k}/`))) kept.push(path);
  return kept;
}

/** This package's root: the folder holding src/ or dist/. */
const PACKAGE_ROOT = fileURLToPath(new URL("../../", import.meta.url));
/**
 * Where this package's dependencies are: an installed package's are its siblings in the
 * node_modules folder it sits in; a checkout's are in its own node_modules.
 */
const DEPENDENCIES = folder(
  basename(dirname(PACKAGE_ROOT)) === "node_modules" ? dirname(PACKAGE_ROOT) : PACKAGE_ROOT,
);

/**
 * The plugin's folders: the root it was found in, and its entry's folder both as given and
 * resolved (Node imports a symlinked plugin, `npm link`, from its real path).
 */
function pluginFolders(o: ChildLaunchOptions): string[] {
  const dir = dirname(o.file);
  let real = dir;
  try {
    real = realpathSync(dir);
  } catch {
    // Gone: the import fails and says so.
  }
  return [...(o.root === undefined ? [] : [o.root]), dir, real].map(folder);
}

export function childLaunch(o: ChildLaunchOptions): ChildLaunch {
  const typescript = FROM_SOURCE || TYPESCRIPT.has(extname(o.file));
  const execArgv: string[] = [
    `--max-old-space-size=${o.maxOldSpaceMb}`,
    // The daemon's own setting (service/install.ts): a young generation of 1 MB semi-spaces
    // instead of up to 8 MB; a plugin allocates little, and its process idles most of its life.
    "--max-semi-space-size=1",
  ];
  let mayStartProcesses = true;
  if (o.permissions) {
    const writable = [
      ...(o.storeDir === undefined ? [] : [folder(o.storeDir)]),
      folder(o.tmpDir),
      ...(o.needsBrowser ? (o.browserDirs ?? []).map(folder) : []),
    ];
    mayStartProcesses = typescript || o.needsBrowser;
    // tsx probes paths outside any folder (it tells a case-insensitive file system by
    // stat-ing the upper-cased working folder) and dies on a refusal: TypeScript in the child
    // reads everywhere, as does Chromium's driver.
    const readable =
      o.needsBrowser || typescript ? ["*"] : [...new Set([...pluginFolders(o), DEPENDENCIES, ...writable])];
    execArgv.push(
      "--experimental-permission",
      ...collapse(readable).map((path) => `--allow-fs-read=${path}`),
      // One flag per path: Node 20.20 reads a comma-separated list as one (non-existent) path.
      ...collapse(writable).map((path) => `--allow-fs-write=${path}`),
      "--allow-worker",
      ...(mayStartProcesses ? ["--allow-child-process"] : []),
      // The permission model's start-up warnings would land in the daemon's log on every spawn.
      "--no-warnings",
    );
  }
  if (FROM_SOURCE) execArgv.push("--import", import.meta.resolve("tsx"));
  const env: NodeJS.ProcessEnv = { ...o.env };
  delete env.NODE_OPTIONS;
  env.TMPDIR = o.tmpDir;
  return { entry: CHILD_ENTRY, execArgv, env, mayStartProcesses };
}

/**
 * The temp folder of the plugin at `file`: under `root`, named by a hash of the path (the
 * plugin's id is not known before its first process has imported it).
 */
export function tmpDirOf(root: string, file: string): string {
  return join(root, createHash("sha256").update(file).digest("hex").slice(0, 16));
}

/** A plugin's store folder under the store root, as store.ts lays it out. */
export function storeDirOf(storeRoot: string, pluginId: string): string {
  return join(storeRoot, pluginId);
}
