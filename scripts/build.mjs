#!/usr/bin/env node
// Compiles what the package ships: src/ to dist/ (JavaScript + .d.ts) and the bundled
// plugins to dist/plugins/ (JavaScript, with their harness.config.json next to them).
//
// Why two programs: src/ compiles with rootDir src, so dist/ has the same depth as src/ and
// every `new URL("../../fixtures/…", import.meta.url)` in the sources still reaches the
// package root. The plugins import "hotspot-helper/sdk" like an operator's plugin would, so
// they compile against dist/sdk.d.ts, which the first program has just written.
//
// Then the dependencies the CLI loads at start (zod, htmlparser2, semver, eventemitter3) are bundled
// into one file each under dist/vendor/ and the compiled imports of them point there: Node
// 20's ESM loader pays per module file, and zod alone is some 240 of them, most of
// `hotspot list`'s start-up. The d.ts files keep importing the packages, which stay
// dependencies for their types (and for plugins that import them themselves).
//
// `--optional` (the `prepare` script) skips the build when TypeScript is not installed
// (`npm ci --omit=dev` in a checkout), since a checkout runs its sources through tsx anyway.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import {
  importGraph,
  javascriptFiles,
  joinInto,
  keepMetaHolding,
  libraryModules,
  processPlan,
} from "./join-modules.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DIST = join(ROOT, "dist");
const PLUGINS = join(ROOT, "plugins");

function tscPath() {
  try {
    // typescript's exports hide bin/, but its package.json is exported.
    return join(dirname(createRequire(import.meta.url).resolve("typescript/package.json")), "bin", "tsc");
  } catch {
    return undefined;
  }
}

const tsc = tscPath();
if (tsc === undefined) {
  if (process.argv.includes("--optional")) {
    console.error("build: TypeScript is not installed; skipped (the checkout runs from src/ through tsx)");
    process.exit(0);
  }
  console.error("build: TypeScript is not installed; run `npm ci` first");
  process.exit(1);
}

rmSync(DIST, { recursive: true, force: true });
for (const project of ["tsconfig.build.json", "tsconfig.plugins.json"]) {
  const run = spawnSync(process.execPath, [tsc, "-p", join(ROOT, project)], { cwd: ROOT, stdio: "inherit" });
  if (run.status !== 0) {
    console.error(`build: tsc -p ${project} failed`);
    process.exit(run.status ?? 1);
  }
}
for (const plugin of readdirSync(PLUGINS, { withFileTypes: true })) {
  if (!plugin.isDirectory()) continue;
  const config = join(PLUGINS, plugin.name, "harness.config.json");
  if (existsSync(config)) cpSync(config, join(DIST, "plugins", plugin.name, "harness.config.json"));
}

/** Package → the module esbuild bundles for it (semver and eventemitter3 are CommonJS inside). */
const VENDORED = {
  zod: 'export * from "zod";',
  // Only its Parser, the one name our modules import (checked below); see lazyHtmlParser.
  htmlparser2: 'export { Parser } from "htmlparser2";',
  semver: 'export { default } from "semver";',
  eventemitter3: 'export { default, EventEmitter } from "eventemitter3";',
  // Its XML parser (some 50 files) would load with it, though only introspection uses it.
  "@jellybrick/dbus-next": 'export * from "@jellybrick/dbus-next";',
};

/**
 * zod's `z` namespace re-exports all of its 60-odd locales (`z.locales`), half of the bundle's
 * text: parsing them cost every process ~40 ms of CPU for error messages in languages we never
 * set (zod configures English itself). The bundle gets a stand-in with the same names whose
 * functions load the real locale from the installed zod (a dependency of the package) on
 * first call, so a plugin that does `z.config(z.locales.de())` through the SDK's `z` still
 * gets German messages; a locale only builds an error-message function, so which zod copy it
 * comes from does not matter.
 */
const lazyZodLocales = {
  name: "lazy-zod-locales",
  setup(build) {
    build.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${join("node_modules", "zod")}`)
        ? { path: "zod-locales", namespace: "lazy" }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "lazy" }, () => {
      const index = readFileSync(join(ROOT, "node_modules/zod/v4/locales/index.js"), "utf8");
      const names = [...index.matchAll(/export \{ default as (\w+) \}/g)].map((m) => m[1]);
      if (names.length < 10)
        throw new Error(`build: found ${names.length} zod locales; has zod/v4/locales/index.js changed?`);
      const lines = [
        'import { createRequire } from "node:module";',
        'const locales = () => createRequire(import.meta.url)("zod/v4/locales");',
        ...names.map((n) => `export const ${n} = (...args) => locales().${n}(...args);`),
      ];
      return { contents: lines.join("\n"), loader: "js" };
    });
  },
};

/**
 * dbus-next constructs an XML builder for every bus connection and an XML parser for every
 * proxy object, for D-Bus introspection; we use neither (our messages are built by hand and
 * our service writes its own introspection XML), yet the two libraries and their helpers are
 * some 170 kB of the bundle that every D-Bus client paid to parse. They are replaced by
 * stand-ins that load the real library from the installed package (dbus-next's own
 * dependency, resolved from dbus-next's folder) the first time one is actually used.
 */
const lazyXml = {
  name: "lazy-xml",
  setup(build) {
    build.onResolve({ filter: /^fast-xml-(parser|builder)$/ }, (args) => ({
      path: args.path,
      namespace: "lazy",
    }));
    build.onLoad({ filter: /^fast-xml-/, namespace: "lazy" }, (args) => {
      const load = [
        'import { createRequire } from "node:module";',
        'const dbusNext = createRequire(import.meta.url).resolve("@jellybrick/dbus-next");',
        `const load = () => createRequire(dbusNext)(${JSON.stringify(args.path)});`,
      ];
      const builder = [
        "export default class LazyXmlBuilder {",
        "  #options; #real;",
        "  constructor(options) { this.#options = options; }",
        "  build(document) {",
        "    if (!this.#real) { const m = load(); this.#real = new (m.default ?? m)(this.#options); }",
        "    return this.#real.build(document);",
        "  }",
        "}",
      ];
      const parser = [
        "export class XMLParser {",
        "  #options; #real;",
        "  constructor(options) { this.#options = options; }",
        "  parse(xml, validation) {",
        "    this.#real ??= new (load().XMLParser)(this.#options);",
        "    return this.#real.parse(xml, validation);",
        "  }",
        "}",
      ];
      const body = args.path === "fast-xml-builder" ? builder : parser;
      return { contents: [...load, ...body].join("\n"), loader: "js" };
    });
  },
};

/**
 * Node built-ins dbus-next imports for what a unix-socket client never does: child_process
 * (autolaunching a session bus, asking launchctl), crypto (DBUS_COOKIE_SHA1 authentication;
 * a unix socket authenticates with EXTERNAL) and assert (one internal invariant). Loading
 * them cost every D-Bus client some 20 ms, a good part of `hotspot status`. Stand-ins load
 * the real module on first use.
 */
const lazyBuiltins = {
  name: "lazy-builtins",
  setup(build) {
    const stubs = {
      "node:child_process": [
        'import { promisify } from "node:util";',
        'const load = () => createRequire(import.meta.url)("node:child_process");',
        "export function spawn(...args) { return load().spawn(...args); }",
        "export function execFile(...args) { return load().execFile(...args); }",
        "execFile[promisify.custom] = (...args) => promisify(load().execFile)(...args);",
      ],
      "node:crypto": [
        'const load = () => createRequire(import.meta.url)("node:crypto");',
        "export const createHash = (...args) => load().createHash(...args);",
        "export const randomBytes = (...args) => load().randomBytes(...args);",
      ],
      "node:assert": [
        "export default function assert(value, message) {",
        '  if (!value) createRequire(import.meta.url)("node:assert")(value, message);',
        "}",
      ],
    };
    build.onResolve({ filter: /^node:(child_process|crypto|assert)$/ }, (args) =>
      args.namespace === "lazy-builtin"
        ? { path: args.path, external: true }
        : { path: args.path, namespace: "lazy-builtin" },
    );
    build.onLoad({ filter: /.*/, namespace: "lazy-builtin" }, (args) => ({
      contents: ['import { createRequire } from "node:module";', ...stubs[args.path]].join("\n"),
      loader: "js",
    }));
  },
};

const esbuild = await import("esbuild");
for (const [name, contents] of Object.entries(VENDORED)) {
  await esbuild.build({
    stdin: { contents, resolveDir: ROOT, loader: "js" },
    bundle: true,
    // htmlparser2's real bundle is CommonJS so that its stand-in can load it synchronously.
    format: name === "htmlparser2" ? "cjs" : "esm",
    platform: "node",
    target: "node20",
    outfile: join(DIST, "vendor", name === "htmlparser2" ? "htmlparser2-parser.cjs" : `${name}.js`),
    // Whitespace and syntax only (names stay, for stack traces): every process keeps a
    // module's source text in memory, and zod's is 400 kB as written, 300 kB so.
    minifyWhitespace: true,
    minifySyntax: true,
    plugins: { zod: [lazyZodLocales], "@jellybrick/dbus-next": [lazyXml, lazyBuiltins] }[name] ?? [],
    logLevel: "warning",
  });
}

/**
 * htmlparser2 decodes its HTML-entity table when it loads: a hot loop that got V8's optimizing
 * compiler running (some 4 MB more of Node's binary paged in) in every process that loads the
 * forms or page readers, though only a hook that reads a page needs a parser. Our modules only
 * ever construct a `Parser`; its stand-in loads the real bundle on the first construction
 * and returns the real parser, so a process that never reads a page never loads it.
 */
for (const file of javascriptFiles(DIST)) {
  for (const m of readFileSync(file, "utf8").matchAll(/import\s*([^;]*?)\s*from\s*"htmlparser2"/g)) {
    if (!/^\{\s*Parser\s*\}$/.test(m[1]))
      throw new Error(
        `build: ${relative(DIST, file)} imports ${m[1]} from htmlparser2; its stand-in has only Parser`,
      );
  }
}
writeFileSync(
  join(DIST, "vendor", "htmlparser2.js"),
  [
    'import { createRequire } from "node:module";',
    "let real;",
    "export class Parser {",
    "  constructor(callbacks, options) {",
    '    real ??= createRequire(import.meta.url)("./htmlparser2-parser.cjs").Parser;',
    "    return new real(callbacks, options);",
    "  }",
    "}",
    "",
  ].join("\n"),
);

const vendorImport = new RegExp(`(from |import\\()"(${Object.keys(VENDORED).join("|")})"`, "g");
for (const file of javascriptFiles(DIST)) {
  if (file.startsWith(join(DIST, "vendor"))) continue;
  const text = readFileSync(file, "utf8");
  const rewritten = text.replace(vendorImport, (_, lead, name) => {
    const target = relative(dirname(file), join(DIST, "vendor", `${name}.js`));
    return `${lead}"${target.startsWith(".") ? target : `./${target}`}"`;
  });
  if (rewritten !== text) writeFileSync(file, rewritten);
}

// Then `hotspot list`'s own modules (the command, the scan file reader, the descriptor
// cache, the claim index, the renderers: some 30 files) are joined into dist/cli/list.js.
// Node 20's ESM loader costs about a millisecond per module file, a fifth of what the
// command costs beyond Node's own start. What other code also loads stays a module of its
// own, so nothing exists twice in one process: everything the CLI's entry loads (errors.js,
// whose class `instanceof` checks), the vendored packages, and whatever list imports
// dynamically (the plugin loader, zod's scan-file parser, the config loader), which keep
// their relative paths from the bundle's folder. The bundle stays at the command's own
// path, so `import.meta.url`-relative paths in it (the bundled plugins' folder) still hold.
const LIST = join(DIST, "cli", "list.js");
const shared = await esbuild.build({
  entryPoints: [join(DIST, "cli", "main.js")],
  bundle: true,
  write: false,
  metafile: true,
  format: "esm",
  platform: "node",
  logLevel: "warning",
  plugins: [
    {
      name: "static-graph-only",
      setup(build) {
        build.onResolve({ filter: /.*/ }, (args) =>
          args.kind === "dynamic-import" ? { path: args.path, external: true } : undefined,
        );
      },
    },
  ],
});
const entryGraph = new Set(Object.keys(shared.metafile.inputs).map((input) => join(ROOT, input)));
const vendorDir = join(DIST, "vendor");
await esbuild.build({
  entryPoints: [LIST],
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  outfile: LIST,
  allowOverwrite: true,
  logLevel: "warning",
  plugins: [
    {
      name: "list-own-modules",
      setup(build) {
        build.onResolve({ filter: /^\./ }, (args) => {
          if (args.kind === "entry-point") return undefined;
          const target = join(args.resolveDir, args.path);
          const keep =
            args.kind === "dynamic-import" || entryGraph.has(target) || target.startsWith(vendorDir);
          if (!keep) return undefined;
          const fromBundle = relative(dirname(LIST), target);
          return { path: fromBundle.startsWith(".") ? fromBundle : `./${fromBundle}`, external: true };
        });
      },
    },
  ],
});

// The daemon's own modules (some 70 files: the command, the orchestrator and session
// machine, state, the D-Bus API, plugin loading) are joined into dist/cli/daemon.js the same
// way: loading them one file at a time was about 70 ms of the daemon's CPU before READY=1.
// A module is joined only when nothing else in the daemon's process can load it as a file
// of its own: not the CLI entry's graph, not the vendored packages, and nothing in the
// static graph of anything the daemon imports dynamically (the detection engine, the
// NetworkManager source, the browser, the SDK that in-process plugins import), so no module
// exists twice in one process.
const DAEMON = join(DIST, "cli", "daemon.js");
/** The static graph of `file` (dynamic imports and packages left out) and its dynamic imports. */
async function staticGraph(file) {
  const dynamic = new Set();
  const result = await esbuild.build({
    entryPoints: [file],
    bundle: true,
    write: false,
    metafile: true,
    format: "esm",
    platform: "node",
    logLevel: "silent",
    plugins: [
      {
        name: "static-graph",
        setup(build) {
          build.onResolve({ filter: /.*/ }, (args) => {
            if (args.kind === "entry-point") return undefined;
            if (args.kind === "dynamic-import") {
              if (args.path.startsWith(".")) dynamic.add(join(args.resolveDir, args.path));
              return { path: args.path, external: true };
            }
            if (!args.path.startsWith(".") || join(args.resolveDir, args.path).startsWith(vendorDir))
              return { path: args.path, external: true };
            return undefined;
          });
        },
      },
    ],
  });
  return { inputs: Object.keys(result.metafile.inputs).map((input) => join(ROOT, input)), dynamic };
}
const daemonGraph = await staticGraph(DAEMON);
const elsewhere = new Set();
const pending = [...daemonGraph.dynamic, join(DIST, "sdk.js")];
const visited = new Set();
while (pending.length > 0) {
  const file = pending.pop();
  if (visited.has(file)) continue;
  visited.add(file);
  const graph = await staticGraph(file);
  for (const input of graph.inputs) elsewhere.add(input);
  pending.push(...graph.dynamic);
}
const joinable = new Set(
  daemonGraph.inputs.filter((file) => !entryGraph.has(file) && !elsewhere.has(file) && file !== DAEMON),
);
// A module whose import.meta URLs would not hold from the bundle's place stays a file of its
// own, and so does everything it imports, or that would load a second time beside the
// bundle's copy (join-modules.mjs's rule, as for the plugin child).
keepMetaHolding(importGraph(DIST), DIST, DAEMON, joinable);
// Dynamic-import targets are never in `joinable` (each is in `elsewhere`), so they stay files.
await joinInto(esbuild, { entry: DAEMON, joinable });

// Last, the plugin child's world (see join-modules.mjs): the SDK joins the modules only it
// loads (the terms walkers); the child's entry joins everything it reaches but what the
// plugin's SDK loads too, and its link context (HTTP client, forms, WISPr, browser session:
// imported when a hook first needs it) becomes one file beside it. From one graph of the
// files as they are now, so no decision sees another's bundle.
const SDK = join(DIST, "sdk.js");
const CHILD = join(DIST, "plugin-host", "child-main.js");
const graph = importGraph(DIST);
const plans = [
  { entry: SDK, joinable: libraryModules(graph, DIST, SDK) },
  ...processPlan(graph, DIST, CHILD, [SDK], [join(DIST, "plugin-host", "link-context.js")]),
];
for (const plan of plans) await joinInto(esbuild, plan);
