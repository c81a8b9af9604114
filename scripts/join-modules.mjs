// Joining compiled modules into fewer files, for build.mjs: the plugin child's entry and the SDK.
//
// Why: Node 20's ESM loader pays per module file, in start-up time and in memory. A plugin's
// child process used to load some 90 files (its entry, the SDK its plugin imports, the hooks'
// link context); resolving that many makes the loader's own path functions hot enough for
// V8's optimizing compiler, which alone pages some 4 MB more of Node's binary into every
// child, besides each module's own records.
//
// The one rule: no module may exist twice in one process (errors.js's class is checked with
// `instanceof`, stores are shared per file), so a module is joined into a bundle only where
// nothing else in any process that loads the bundle can load that module as a file.
import { readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";

/** Every .js file under `dir`. */
export function* javascriptFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* javascriptFiles(path);
    else if (entry.name.endsWith(".js")) yield path;
  }
}

// The forms tsc writes: `… from "./x.js"`, `import "./x.js"`, `import("./x.js")`. A match
// inside a string or comment only adds an edge, which can only keep a module out of a bundle.
const STATIC = /\bfrom\s*["'](\.\.?\/[^"']+)["']|\bimport\s*["'](\.\.?\/[^"']+)["']/g;
const DYNAMIC = /\bimport\(\s*["'](\.\.?\/[^"']+)["']\s*\)/g;
/** A relative `.js` path in any other string literal: a file loaded by path (a process entry, the SDK). */
const PATH_LITERAL = /(?<!from |import\(|import )["'](\.\.?\/[^"'\s]+\.js)["']/g;

/** The import graph of every compiled file under `dist` (relative imports only). */
export function importGraph(dist) {
  const statics = new Map();
  const dynamics = new Map();
  const importers = new Map();
  const loadedByPath = new Set();
  const texts = new Map();
  for (const file of javascriptFiles(dist)) {
    const text = readFileSync(file, "utf8");
    texts.set(file, text);
    const at = (m) => resolve(dirname(file), m);
    const deps = [...text.matchAll(STATIC)].map((m) => at(m[1] ?? m[2]));
    const lazy = [...text.matchAll(DYNAMIC)].map((m) => at(m[1]));
    statics.set(file, deps);
    dynamics.set(file, lazy);
    for (const dep of [...deps, ...lazy]) importers.set(dep, [...(importers.get(dep) ?? []), file]);
    for (const m of text.matchAll(PATH_LITERAL)) loadedByPath.add(at(m[1]));
  }
  return { statics, dynamics, importers, loadedByPath, texts };
}

/**
 * Everything `entry` reaches (itself included), following dynamic imports too when asked,
 * but not into `stop`.
 */
function reach(graph, entry, dynamic, stop = new Set()) {
  const seen = new Set([entry]);
  for (const pending = [entry]; pending.length > 0; ) {
    const file = pending.pop();
    for (const dep of [
      ...(graph.statics.get(file) ?? []),
      ...(dynamic ? (graph.dynamics.get(file) ?? []) : []),
    ]) {
      if (seen.has(dep) || stop.has(dep)) continue;
      seen.add(dep);
      pending.push(dep);
    }
  }
  return seen;
}

/**
 * Whether `file`'s `import.meta` URLs would still hold from `entry`'s place: it sits as deep
 * under dist/ as the entry and names nothing relative to its own folder ("./x.js" would
 * resolve from the entry's folder; "../sdk.js" resolves the same from any folder that deep).
 */
function metaHolds(graph, dist, file, entry) {
  const text = graph.texts.get(file) ?? "";
  if (!text.includes("import.meta") || dirname(file) === dirname(entry)) return true;
  const depth = (f) => relative(dist, f).split("/").length;
  return depth(file) === depth(entry) && !/(?<!from |import\()["']\.\//.test(text);
}

/** Drops from `joinable` every module whose URLs would break, with all it imports. */
export function keepMetaHolding(graph, dist, entry, joinable) {
  for (const file of [...joinable]) {
    if (metaHolds(graph, dist, file, entry)) continue;
    for (const dep of reach(graph, file, true)) joinable.delete(dep);
  }
}

/**
 * A library entry loaded in many processes (the SDK): joins the modules of its static graph
 * whose every importer, anywhere in dist/, is the entry or joined into it, so nothing but the
 * entry can ever load them. Dynamic-import targets and files loaded by path stay files.
 */
export function libraryModules(graph, dist, entry) {
  const joinable = new Set(
    [...reach(graph, entry, false)].filter(
      (f) => f !== entry && !f.startsWith(join(dist, "vendor")) && !graph.loadedByPath.has(f),
    ),
  );
  keepMetaHolding(graph, dist, entry, joinable);
  for (let changed = true; changed; ) {
    changed = false;
    for (const f of [...joinable]) {
      if ((graph.importers.get(f) ?? []).every((by) => by === entry || joinable.has(by))) continue;
      joinable.delete(f);
      changed = true;
    }
  }
  return joinable;
}

/**
 * A process's entry (the plugin child's): nothing else starts that process, so it may join
 * everything it reaches, except what the process can also load as a file: through `shared`
 * (the SDK, which the plugin imports by itself), through any file it loads by path, and the
 * vendored packages. Each of `lazy` (a module the entry imports dynamically) gets a bundle
 * of its own beside the entry, named `<entry>-<module>.js`: joined into the entry's, its
 * imports of Node's modules and of shared files would be hoisted to the entry's top and load
 * at start. A module both reach stays a file, so neither bundle holds a copy of the other's.
 */
export function processPlan(graph, dist, entry, shared, lazy) {
  const stop = new Set(lazy);
  const reaches = [
    reach(graph, entry, true, stop),
    ...lazy.map((target) => reach(graph, target, true, new Set(lazy.filter((t) => t !== target)))),
  ];
  const everything = reaches.flatMap((r) => [...r]);
  const byPath = everything.filter((f) => f !== entry && !stop.has(f) && graph.loadedByPath.has(f));
  const elsewhere = new Set([...shared, ...byPath].flatMap((s) => [...reach(graph, s, true)]));
  const owners = new Map();
  for (const [i, r] of reaches.entries()) for (const f of r) owners.set(f, [...(owners.get(f) ?? []), i]);
  const vendor = join(dist, "vendor");
  const own = (i, out) => {
    const joinable = new Set(
      [...owners]
        .filter(([f, by]) => by.length === 1 && by[0] === i && f !== entry && !stop.has(f))
        .map(([f]) => f)
        .filter((f) => !elsewhere.has(f) && !f.startsWith(vendor)),
    );
    keepMetaHolding(graph, dist, out, joinable);
    return joinable;
  };
  const beside = (target) => join(dirname(entry), `${basename(entry, ".js")}-${basename(target)}`);
  const redirect = new Map(lazy.map((target) => [target, beside(target)]));
  return [
    { entry, out: entry, joinable: own(0, entry), redirect },
    ...lazy.map((target, i) => ({
      entry: target,
      out: beside(target),
      joinable: own(i + 1, beside(target)),
      redirect,
    })),
  ];
}

/**
 * Writes `entry` joined with `joinable` to `out` (default: over the entry); everything else
 * is imported from the output's folder, a module in `redirect` from the file it names.
 */
export async function joinInto(esbuild, { entry, out = entry, joinable, redirect = new Map() }) {
  await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    outfile: out,
    allowOverwrite: true,
    packages: "external",
    logLevel: "warning",
    plugins: [
      {
        name: "join-modules",
        setup(build) {
          build.onResolve({ filter: /^\./ }, (args) => {
            if (args.kind === "entry-point") return undefined;
            const target = join(args.resolveDir, args.path);
            if (joinable.has(target)) return undefined;
            const fromEntry = relative(dirname(out), redirect.get(target) ?? target);
            return { path: fromEntry.startsWith(".") ? fromEntry : `./${fromEntry}`, external: true };
          });
        },
      },
    ],
  });
}
