import { validateDefinition } from "../helper-api/definition-schema.ts";
import type { Plugin } from "../helper-api/plugin.ts";
import { importDefault } from "../helper-api/plugin-entry.ts";
import { resolvePlugin } from "../helper-api/plugin-settings.ts";
import type { LoadedPlugin } from "../helper-api/registry-types.ts";
import { serializeError } from "./child-errors.ts";
import { childLeases } from "./child-lease.ts";
import { describePlugin } from "./descriptor.ts";
import { createPluginSide, type PluginSide } from "./plugin-side.ts";
import type { ChildSideOptions, FromChild, ToChild } from "./protocol.ts";

/**
 * The entry of a plugin's child process (see supervisor.ts and docs/plugin-host.md). It
 * imports ONE plugin, so whatever the plugin's module does at its top level happens here and
 * not in the daemon; validates it and applies the settings the daemon sends for its id; sends
 * back the descriptor; then serves hook calls with the same plugin side (plugin-side.ts) the
 * daemon uses in process. Log lines and HTTP records go back as messages. The daemon parses
 * everything this process sends (protocol.ts): nothing here is trusted there.
 *
 * The process ends when the daemon goes away (the IPC channel closes) or kills it.
 */

const send = (message: FromChild): void => {
  try {
    process.send?.(message);
  } catch (e) {
    // A value that cannot be cloned (a function in a hook's result, a log field holding a
    // socket): report the call as failed instead of dying on it.
    if (message.t === "answer") {
      process.send?.({
        t: "threw",
        id: message.id,
        reason: `returned a value that cannot leave the plugin's process: ${String(e)}`,
      } satisfies FromChild);
    }
  }
};

let definition: Plugin<unknown, unknown> | undefined;
let load: Extract<ToChild, { t: "load" }> | undefined;
let plugin: LoadedPlugin | undefined;
let side: PluginSide | undefined;
const calls = new Map<number, AbortController>();
// A hook's ctx.browser() first asks the daemon for its warm browser (child-lease.ts).
const leases = childLeases(send, (message) => send({ t: "log", level: "warn", message }));

function sideFor(opts: ChildSideOptions): PluginSide {
  return createPluginSide({
    storeRoot: opts.storeRoot,
    storeMaxBytes: opts.storeMaxBytes,
    ca: opts.ca === undefined ? undefined : [...opts.ca],
    testNetwork: opts.testNetwork,
    userAgent: opts.userAgent,
    browser: {
      ...opts.browser,
      acquire: (signal) => leases.acquire(signal),
      // Under the permission model this process got a browser's grants only if the plugin
      // declared needsBrowser (child-launch.ts); an undeclared call would fail as "no Chromium".
      declaredOnly: process.permission !== undefined,
    },
    log: (e) =>
      send({ t: "log", level: e.level, message: e.message, ...(e.fields ? { fields: e.fields } : {}) }),
    onHttp: (entry) => send({ t: "http", entry }),
  });
}

async function onLoad(message: Extract<ToChild, { t: "load" }>): Promise<void> {
  load = message;
  try {
    definition = validateDefinition(
      await importDefault(message.file, message.importTimeoutMs),
      message.source,
    );
    send({ t: "defined", id: definition.id });
  } catch (e) {
    send({ t: "failed", error: serializeError(e) });
  }
}

async function onSettings(message: Extract<ToChild, { t: "settings" }>): Promise<void> {
  if (!definition || !load) return;
  let ready: { plugin: LoadedPlugin; side: PluginSide; descriptor: ReturnType<typeof describePlugin> };
  try {
    const resolved = resolvePlugin(definition, load.source, message.settings, message.files);
    const loaded = Object.freeze({ ...resolved, ...(load.origin ? { origin: load.origin } : {}) });
    ready = { plugin: loaded, side: sideFor(load.side), descriptor: describePlugin(loaded) };
  } catch (e) {
    send({ t: "failed", error: serializeError(e) });
    return;
  }
  // A process that will serve calls loads the link context (HTTP client, forms, WISPr...) and
  // a browser plugin's driver BEFORE it says it is loaded: the daemon starts a hook's deadline
  // once the process is ready, so the daemon's own module loading (seconds from a checkout on
  // a busy machine) must not be spent from the plugin's time. A process that only describes
  // its plugin is ended right after and loads none of it. A failure here is the first call's
  // to report, as it would be without preloading.
  const { descriptor } = ready;
  if (message.prepare && descriptor.hooks.some((h) => h !== "filterScanList")) {
    await ready.side.preload();
    if (descriptor.needsBrowser) await leases.preload().catch(() => undefined);
  }
  plugin = ready.plugin;
  side = ready.side;
  send({ t: "loaded", descriptor });
}

async function onCall(message: Extract<ToChild, { t: "call" }>): Promise<void> {
  if (!plugin || !side) {
    send({ t: "threw", id: message.id, reason: "the plugin is not loaded in this process" });
    return;
  }
  const controller = new AbortController();
  calls.set(message.id, controller);
  leases.track(controller.signal, message.id);
  try {
    const answer = await side.call(plugin, message.request, controller.signal);
    send({ t: "answer", id: message.id, ...answer });
  } catch (e) {
    send({ t: "threw", id: message.id, reason: e instanceof Error ? e.message : String(e) });
  } finally {
    calls.delete(message.id);
  }
}

process.on("message", (raw: unknown) => {
  // Messages come from the daemon that forked this process; their shape is its own.
  const message = raw as ToChild;
  switch (message.t) {
    case "load":
      void onLoad(message);
      break;
    case "settings":
      void onSettings(message);
      break;
    case "call":
      void onCall(message);
      break;
    case "abort":
      calls.get(message.id)?.abort(new Error(message.reason));
      break;
    case "leased":
      leases.answered(message);
      break;
  }
});
// The daemon is gone (or gave up on this process): nothing left to serve. It may have gone
// while this process was still starting, before the handler existed.
process.on("disconnect", () => process.exit(0));
if (!process.connected) process.exit(0);
send({ t: "hello" });
