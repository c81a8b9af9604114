import Module, { register } from "node:module";
import { dirname, extname, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/**
 * Importing a plugin's entry file. The host provides the SDK the way VS Code's extension
 * host provides `vscode`: every `import … from "hotspot-helper/sdk"` (or `"hotspot-helper"`)
 * and every `require(...)` of those names, from any plugin and anything it imports,
 * resolves to this host's own SDK module. So:
 * - a plugin folder with no node_modules works, wherever it is;
 * - a plugin that carries its own copy of the package (an npm-installed plugin that listed
 *   it as a dependency) still gets the host's, with one `definePlugin`, one zod and one
 *   SDK version, which is what the host validates against;
 * - the nearest package.json's `type` does not matter: ESM and CommonJS plugins get the
 *   same module. (Resolving the SDK through node_modules from a CommonJS plugin under
 *   `npm link` used to `require()` the host's ESM sources while they were still loading.)
 *
 * ESM imports are redirected by a `module.register()` resolve hook. CommonJS `require`
 * does not pass through those hooks on Node 20, so `Module._load` is wrapped to answer
 * the two names with the SDK namespace the host has already loaded (what VS Code does for
 * `vscode`). Both are installed on the first import of a plugin from outside this package,
 * never for `hotspot --version` and not for the compiled bundled plugins, whose own import
 * of the package resolves to the same file by package self-reference.
 *
 * TypeScript plugins: Node 20 cannot strip types, so importing a `.ts` entry first loads
 * and registers tsx, at that moment and only then. A host running from src/ already has a
 * TypeScript loader (that is how it runs) and imports the file directly.
 */

/** The bare specifiers the host answers with its own SDK. */
const SDK_SPECIFIERS: readonly string[] = ["hotspot-helper", "hotspot-helper/sdk"];

const FROM_SOURCE = import.meta.url.endsWith(".ts");
/** This host's SDK entry, src/sdk.ts or dist/sdk.js, whichever this file sits beside. */
export const HOST_SDK_URL = new URL(FROM_SOURCE ? "../sdk.ts" : "../sdk.js", import.meta.url).href;
/** The package root (the folder holding src/ or dist/). */
const PACKAGE_ROOT = dirname(dirname(dirname(fileURLToPath(import.meta.url))));

const TYPESCRIPT = new Set([".ts", ".mts", ".cts"]);

// Runs in Node's loader thread, so it is plain JavaScript handed over as a data: URL; the
// SDK's URL and the names arrive through `initialize`.
const RESOLVE_HOOK = `
let names = new Set(); let sdk = "";
export function initialize(data) { names = new Set(data.specifiers); sdk = data.sdk; }
export async function resolve(specifier, context, next) {
  if (names.has(specifier)) return { url: sdk, shortCircuit: true };
  return next(specifier, context);
}`;

let sdkProvided: Promise<void> | undefined;

/** Installs the ESM hook and the CommonJS interception, once per process. */
function provideSdk(): Promise<void> {
  sdkProvided ??= (async () => {
    const sdk: unknown = await import(HOST_SDK_URL);
    register(`data:text/javascript,${encodeURIComponent(RESOLVE_HOOK)}`, {
      data: { specifiers: SDK_SPECIFIERS, sdk: HOST_SDK_URL },
    });
    const load: unknown = Reflect.get(Module, "_load");
    if (typeof load !== "function") return;
    const names = new Set(SDK_SPECIFIERS);
    Reflect.set(Module, "_load", function loadWithSdk(this: unknown, request: unknown, ...rest: unknown[]) {
      return typeof request === "string" && names.has(request)
        ? sdk
        : Reflect.apply(load, this, [request, ...rest]);
    });
  })();
  return sdkProvided;
}

/** Whether `file` is part of this package (a compiled bundled plugin). */
function insidePackage(file: string): boolean {
  return file.startsWith(PACKAGE_ROOT + sep);
}

let typescriptEnabled: Promise<void> | undefined;

/**
 * Registers tsx's loaders for the rest of the process, as `node --import tsx` would: the
 * ESM one, and the CommonJS one, which a `.ts` file in a folder without "type": "module"
 * needs (tsx compiles it to CommonJS; with only the ESM loader, Node ends in a require()
 * cycle). Not tsx's namespaced `tsImport`: it would give the plugin, and through it the
 * SDK, a module instance of their own on every import.
 */
function enableTypescript(): Promise<void> {
  typescriptEnabled ??= (async () => {
    const [cjs, esm] = await Promise.all([import("tsx/cjs/api"), import("tsx/esm/api")]);
    cjs.register();
    esm.register({ tsconfig: false });
  })();
  return typescriptEnabled;
}

/**
 * A plugin written with `export default` but compiled to CommonJS (tsx does that to a .ts
 * file in a folder without "type": "module") has `{ __esModule: true, default: plugin }`
 * as its `module.exports`, which ESM sees as the default export; the plugin is inside.
 */
function unwrapCompiledDefault(mod: unknown): unknown {
  if (typeof mod !== "object" || mod === null || !("default" in mod)) return mod;
  const exported: unknown = mod.default;
  if (
    typeof exported === "object" &&
    exported !== null &&
    "__esModule" in exported &&
    "default" in exported
  ) {
    return exported.__esModule === true ? { ...mod, default: exported.default } : mod;
  }
  return mod;
}

/**
 * Imports a plugin's entry file (absolute path) and returns its module namespace, with
 * `default` being the plugin whether the file is ESM, CommonJS (`module.exports =`) or
 * ESM compiled to CommonJS. Errors (syntax, a missing import, a throwing top level) are
 * the caller's to report.
 */
export async function importPluginModule(file: string): Promise<unknown> {
  if (FROM_SOURCE || !insidePackage(file)) await provideSdk();
  if (!FROM_SOURCE && TYPESCRIPT.has(extname(file))) await enableTypescript();
  return unwrapCompiledDefault(await import(pathToFileURL(file).href));
}
