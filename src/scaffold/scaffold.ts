import { mkdir, readdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { z } from "zod";
import { hotspotError, reasonOf } from "../errors.ts";
import { errnoCode } from "../util/errno.ts";
import { ownPackageJson } from "../util/own-package.ts";
import { invalidIdReason, scaffoldNames } from "./names.ts";
import { pluginSource } from "./plugin-source.ts";
import {
  gitignore,
  harnessConfigJson,
  packageJson,
  pluginTest,
  TEST_FILE,
  tsconfigJson,
} from "./project-files.ts";
import { readme } from "./readme.ts";

export interface ScaffoldOptions {
  /** The plugin id (kebab-case). */
  readonly id: string;
  /** Folder to create; default `./<id>`. It must not exist or be empty. */
  readonly dir?: string;
  /** The hotspot-helper version the plugin asks for (a caret range); default this host's. */
  readonly hostVersion?: string;
}

export interface ScaffoldResult {
  readonly dir: string;
  /** Paths relative to `dir`, in the order written. */
  readonly files: readonly string[];
}

/** This installation's version, from its package.json. */
export async function hostVersion(): Promise<string> {
  return z.object({ version: z.string() }).parse(await ownPackageJson()).version;
}

async function isEmptyOrMissing(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch (e) {
    if (errnoCode(e) === "ENOENT") return true;
    throw hotspotError("HH_FILE_UNREADABLE", { file: dir, reason: reasonOf(e) }, { cause: e });
  }
}

/**
 * Writes a new plugin folder. Refuses a folder that already holds anything: scaffolding
 * over an operator's work would lose it.
 */
export async function scaffoldPlugin(opts: ScaffoldOptions): Promise<ScaffoldResult> {
  const problem = invalidIdReason(opts.id);
  if (problem !== undefined) throw hotspotError("HH_USAGE", { message: problem });
  const dir = resolve(opts.dir ?? opts.id);
  if (!(await isEmptyOrMissing(dir))) throw hotspotError("HH_SCAFFOLD_DIR_NOT_EMPTY", { dir });
  const names = scaffoldNames(opts.id);
  const files: readonly (readonly [string, string])[] = [
    ["package.json", packageJson(names, opts.hostVersion ?? (await hostVersion()))],
    ["tsconfig.json", tsconfigJson()],
    ["index.ts", pluginSource(names)],
    ["harness.config.json", harnessConfigJson()],
    [TEST_FILE, pluginTest(names)],
    ["README.md", readme(names)],
    [".gitignore", gitignore()],
  ];
  for (const [name, text] of files) {
    const path = join(dir, name);
    try {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, text, { flag: "wx" });
    } catch (e) {
      throw hotspotError("HH_FILE_UNWRITABLE", { file: path, reason: reasonOf(e) }, { cause: e });
    }
  }
  return { dir, files: files.map(([name]) => name) };
}
