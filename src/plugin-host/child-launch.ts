import { createHash } from "node:crypto";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * How a plugin's child process is started: which entry, which Node flags, which
 * environment. The rules (docs/plugin-host.md, "Permissions") in one place:
 *
 * - Heap: `--max-old-space-size` caps V8's old space, so a plugin that allocates without
 *   bound dies of its own OOM rather than growing the machine's memory (the supervisor also
 *   watches the resident size, which covers buffers outside the heap).
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
 *   - file-system reads are not restricted: Node's module resolution walks up every
 *     parent folder of a plugin looking for package.json, and a plugin reads its own data.
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

/** With a trailing separator Node 20 grants the folder and everything below it. */
const folder = (path: string): string => (path.endsWith("/") ? path : `${path}/`);

export function childLaunch(o: ChildLaunchOptions): ChildLaunch {
  const typescript = FROM_SOURCE || TYPESCRIPT.has(extname(o.file));
  const execArgv: string[] = [`--max-old-space-size=${o.maxOldSpaceMb}`];
  let mayStartProcesses = true;
  if (o.permissions) {
    const writable = [
      ...(o.storeDir === undefined ? [] : [folder(o.storeDir)]),
      folder(o.tmpDir),
      ...(o.needsBrowser ? (o.browserDirs ?? []).map(folder) : []),
    ];
    mayStartProcesses = typescript || o.needsBrowser;
    execArgv.push(
      "--experimental-permission",
      "--allow-fs-read=*",
      // One flag per path: Node 20.20 reads a comma-separated list as one (non-existent) path.
      ...writable.map((path) => `--allow-fs-write=${path}`),
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
