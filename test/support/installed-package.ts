import { execFile, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { cp, mkdir, mkdtemp, readdir, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

/**
 * The product as a stranger gets it: this checkout built and packed (what `npm pack`'s
 * `prepack` does), installed with `npm install --prefer-offline` into an empty folder under
 * the system temp dir, outside the checkout, so nothing resolves through the repository's
 * own node_modules or the package's self-reference. Packed and installed once per test
 * process (`installedPackage()` is memoized); `installInto` adds more packages (a plugin
 * packed as a tarball, a plugin folder) to that same folder or to another one.
 *
 * The build runs in a staging copy of the package's sources, never in the checkout's own
 * dist/: two test files (or a test and a developer's build) packing at once would
 * otherwise delete and rewrite one dist/ under each other.
 */

const exec = promisify(execFile);
const ROOT = join(import.meta.dirname, "../..");

export interface CommandRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface InstalledPackage {
  /** The temp folder holding everything; removed by `remove()`. */
  readonly tempDir: string;
  /** The folder the tarball was installed into (has package.json and node_modules/). */
  readonly appDir: string;
  /** `<appDir>/node_modules/hotspot-helper`. */
  readonly packageDir: string;
  /** `<appDir>/node_modules/.bin/hotspot`. */
  readonly bin: string;
  readonly tarball: string;
  readonly tarballBytes: number;
  /** Building and packing, ms. */
  readonly packMs: number;
  readonly installMs: number;
  /** Environment for commands run against the install: no NODE_OPTIONS, no user config. */
  readonly env: NodeJS.ProcessEnv;
  /** Runs the installed `hotspot` with node, in `cwd` (default: appDir). */
  hotspot(args: readonly string[], cwd?: string): Promise<CommandRun>;
  /** Runs `node args` in `cwd` with the install's environment. */
  node(args: readonly string[], cwd: string): Promise<CommandRun>;
  remove(): Promise<void>;
}

/**
 * A clean environment for the installed product: the test runner's own loader flags
 * (NODE_OPTIONS) must not leak in, and no user config, credentials or cache either.
 */
function cleanEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_OPTIONS;
  return {
    ...env,
    XDG_CONFIG_HOME: join(home, "config"),
    XDG_DATA_HOME: join(home, "data"),
    XDG_CACHE_HOME: join(home, "cache"),
    npm_config_audit: "false",
    npm_config_fund: "false",
    npm_config_update_notifier: "false",
  };
}

export function run(
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<CommandRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** `npm pack` of `dir` into `dest`; returns the tarball's path. */
export async function packInto(dir: string, dest: string, env: NodeJS.ProcessEnv): Promise<string> {
  const before = new Set(await readdir(dest));
  await exec("npm", ["pack", "--pack-destination", dest], { cwd: dir, env, maxBuffer: 16 * 1024 * 1024 });
  const made = (await readdir(dest)).filter((f) => f.endsWith(".tgz") && !before.has(f));
  if (made.length !== 1 || made[0] === undefined)
    throw new Error(`npm pack made ${made.join(", ") || "nothing"}`);
  return join(dest, made[0]);
}

/**
 * `npm install --prefer-offline specs…` into `dir` (created with a private package.json if
 * it has none). `--prefer-offline` still asks the registry for metadata it has not cached;
 * `--offline` would fail (npm ci caches tarballs, not that metadata).
 */
export async function installInto(
  dir: string,
  specs: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const manifest = join(dir, "package.json");
  if (!(await stat(manifest).catch(() => undefined))) {
    await writeFile(manifest, `${JSON.stringify({ name: "stranger-app", private: true }, null, 2)}\n`);
  }
  await exec("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", ...specs], {
    cwd: dir,
    env,
    maxBuffer: 16 * 1024 * 1024,
  });
}

/** What scripts/build.mjs reads and `files` ships, copied from the checkout. */
const STAGED = [
  "package.json",
  "README.md",
  "tsconfig.json",
  "tsconfig.build.json",
  "tsconfig.plugins.json",
  "scripts/build.mjs",
  "scripts/join-modules.mjs",
  "bin",
  "src",
  "plugins",
  "fixtures/portals",
  "fixtures/scans",
  "systemd",
  "dbus",
  "xdg",
];

/** Builds a staging copy of the package and packs it; returns the tarball's path. */
async function buildAndPack(tempDir: string, env: NodeJS.ProcessEnv): Promise<string> {
  const stage = join(tempDir, "stage");
  for (const path of STAGED) await cp(join(ROOT, path), join(stage, path), { recursive: true });
  // The build's tools (tsc) and the types it compiles against come from the checkout.
  await symlink(join(ROOT, "node_modules"), join(stage, "node_modules"), "dir");
  await exec(process.execPath, [join(stage, "scripts/build.mjs")], { cwd: stage, env });
  const before = new Set(await readdir(tempDir));
  await exec("npm", ["pack", "--ignore-scripts", "--pack-destination", tempDir], {
    cwd: stage,
    env,
    maxBuffer: 16 * 1024 * 1024,
  });
  const made = (await readdir(tempDir)).filter((f) => f.endsWith(".tgz") && !before.has(f));
  if (made.length !== 1 || made[0] === undefined)
    throw new Error(`npm pack made ${made.join(", ") || "nothing"}`);
  await rm(stage, { recursive: true, force: true });
  return join(tempDir, made[0]);
}

async function packAndInstall(): Promise<InstalledPackage> {
  const tempDir = await mkdtemp(join(tmpdir(), "hotspot-helper-installed-"));
  // Removed when the process exits even if no test calls remove(): a cancelled or failed
  // run must not leave a tarball and an installed node_modules behind in the temp dir.
  process.once("exit", () => rmSync(tempDir, { recursive: true, force: true }));
  const env = cleanEnv(tempDir);
  const appDir = join(tempDir, "app");
  const packStarted = performance.now();
  const tarball = await buildAndPack(tempDir, env);
  const packMs = performance.now() - packStarted;
  const installStarted = performance.now();
  await installInto(appDir, [tarball], env);
  const installMs = performance.now() - installStarted;
  const packageDir = join(appDir, "node_modules", "hotspot-helper");
  const bin = join(appDir, "node_modules", ".bin", "hotspot");
  return {
    tempDir,
    appDir,
    packageDir,
    bin,
    tarball,
    tarballBytes: (await stat(tarball)).size,
    packMs,
    installMs,
    env,
    hotspot: (args, cwd = appDir) => run(process.execPath, [bin, ...args], cwd, env),
    node: (args, cwd) => run(process.execPath, args, cwd, env),
    remove: () => rm(tempDir, { recursive: true, force: true }),
  };
}

let installed: Promise<InstalledPackage> | undefined;

/** The packed and installed product, made on first call and shared by the process's tests. */
export function installedPackage(): Promise<InstalledPackage> {
  installed ??= packAndInstall();
  return installed;
}
