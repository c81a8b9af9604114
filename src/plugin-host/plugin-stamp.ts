import type { Dirent } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { errnoCode } from "../util/errno.ts";

/**
 * A plugin's fingerprint for the descriptor cache: the size, modification time, change
 * time, inode and mode of every file in the plugin's folder, so that editing, replacing,
 * touching or chmod-ing any of them (the entry, a helper module it imports, its
 * package.json) makes the cached descriptor stale. Change time matters because `cp -p`,
 * `touch -d` and `tar x` can set a modification time back; nothing but the kernel sets
 * ctime.
 *
 * The plugin's folder is the nearest folder above the entry, below the root it was found
 * in, that has a package.json; for a plugin without one, the entry's own folder. A root that is a single module file is only that file. `node_modules` and dot
 * entries are not walked (an npm-installed plugin is refreshed by its own package.json
 * changing on update), and the walk stops at MAX_FILES and MAX_DEPTH: a stamp is cheap
 * on every `hotspot list`, and a plugin that large is stamped by its first files only.
 */

const MAX_FILES = 256;
const MAX_DEPTH = 4;

/** One file's identity, as text; "absent" when it does not exist. */
async function fileLine(path: string, name: string): Promise<string> {
  try {
    const s = await stat(path, { bigint: true });
    return `${name}\t${s.size}\t${s.mtimeNs}\t${s.ctimeNs}\t${s.ino}\t${s.mode}`;
  } catch (e) {
    if (errnoCode(e) === "ENOENT" || errnoCode(e) === "ENOTDIR") return `${name}\tabsent`;
    throw e;
  }
}

async function hasPackageJson(dir: string): Promise<boolean> {
  return (await stat(join(dir, "package.json")).catch(() => undefined))?.isFile() ?? false;
}

/** The folder whose files make up the plugin at `entry`, found under `root`. */
async function pluginFolder(entry: string, root: string): Promise<string | undefined> {
  if (entry === root) return undefined;
  const start = dirname(entry);
  // Strictly below the root: a root folder's own package.json (npm installs plugins into a
  // user's folder) belongs to all of its plugins, not to the one being stamped.
  for (let dir = start; dir.startsWith(root + sep); dir = dirname(dir)) {
    if (await hasPackageJson(dir)) return dir;
  }
  return start;
}

async function walk(dir: string, depth: number, files: string[]): Promise<void> {
  if (depth > MAX_DEPTH || files.length >= MAX_FILES) return;
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    if (errnoCode(e) === "ENOENT" || errnoCode(e) === "ENOTDIR") return;
    throw e;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (files.length >= MAX_FILES) return;
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walk(path, depth + 1, files);
    else files.push(path);
  }
}

/**
 * The fingerprint of the plugin whose entry file is `entry`, found in the root folder (or
 * module file) `root`. Equal fingerprints mean no file of the plugin changed in between.
 */
export async function pluginStamp(entry: string, root: string): Promise<string> {
  const folder = await pluginFolder(entry, root);
  const files: string[] = [];
  if (folder !== undefined) await walk(folder, 0, files);
  if (!files.includes(entry)) files.push(entry);
  const base = folder ?? dirname(entry);
  const lines = await Promise.all(files.map((f) => fileLine(f, relative(base, f))));
  return lines.join("\n");
}

/**
 * The identity of one file (config, credentials), which changes whenever the file is
 * written, chmod-ed or replaced; undefined when there is no such file.
 */
export async function fileStamp(path: string): Promise<string | undefined> {
  const line = await fileLine(path, path);
  return line.endsWith("\tabsent") ? undefined : line;
}
