import { createRequire } from "node:module";
import { hotspotError, isHotspotError, reasonOf } from "../../errors.ts";
import { NMCLI_LOCALE, withEnvGuard } from "./env-guard.ts";
import { type NmcliOptions, nmcliFailure, runNmcli } from "./nmcli-exec.ts";
import { guardNodeWifiRows, verifyRows } from "./node-wifi-rows.ts";
import type { ReaderSnapshot, RescanResult, WifiReader } from "./reader.ts";
import { parseWifiList, wifiListArgs } from "./wifi-list.ts";

/** The part of node-wifi we use: scanning. Its connect() puts the Wi-Fi password on nmcli's argv; we never call it. */
interface NodeWifi {
  init(options: { readonly iface: string | null; readonly debug: boolean }): void;
  scan(): Promise<unknown>;
}

/** node-wifi's fixed nmcli command line, for error messages. */
const NODE_WIFI_ARGS = [
  "--terse",
  "--fields",
  "active,ssid,bssid,mode,chan,freq,signal,security,wpa-flags,rsn-flags",
  "device",
  "wifi",
  "list",
];

let cached: NodeWifi | undefined;

/**
 * Loads node-wifi (CommonJS) synchronously inside the env guard: its env.js rewrites
 * process.env's locale as a side effect of being required.
 */
export function loadNodeWifi(): NodeWifi {
  if (cached) return cached;
  const mod: unknown = withEnvGuard({}, () => createRequire(import.meta.url)("node-wifi"));
  const fn = (name: string): ((...args: unknown[]) => unknown) => {
    const f: unknown = typeof mod === "object" && mod !== null ? Reflect.get(mod, name) : undefined;
    if (typeof f !== "function") {
      throw hotspotError("HH_NMCLI_UNAVAILABLE", {
        reason: `node-wifi has no ${name}() (unexpected version)`,
      });
    }
    return (...args) => Reflect.apply(f, mod, args);
  };
  const init = fn("init");
  fn("scan");
  cached = {
    init: (options) => void init(options),
    // node-wifi replaces its exported scan() in init(), so look it up on every call.
    scan: () => Promise.resolve(fn("scan")()),
  };
  return cached;
}

export interface NodeWifiReaderOptions extends NmcliOptions {
  /** Scan only this interface (node-wifi's `iface`). */
  readonly iface?: string;
}

/**
 * Scans through node-wifi (which runs nmcli on Linux), guarded: the process environment is
 * restored around every call (see env-guard.ts), untrustworthy rows are dropped, and every
 * remaining row is verified against the exact SSID bytes (see node-wifi-rows.ts). node-wifi
 * reports no device states, so this reader gives scans only, no joins. Kept for completeness
 * and as the cross-check of node-wifi's known defects; the nmcli backend is the better choice.
 */
export class NodeWifiReader implements WifiReader {
  readonly name = "node-wifi";
  readonly #opts: NodeWifiReaderOptions;

  constructor(options: NodeWifiReaderOptions = {}) {
    this.#opts = options;
  }

  async read(): Promise<ReaderSnapshot> {
    const raw = await this.#scan();
    const { guarded, rejected } = guardNodeWifiRows(raw);
    const exact = parseWifiList(await runNmcli(wifiListArgs("no"), this.#opts));
    const verified = verifyRows(guarded, exact.rows);
    const wanted = this.#opts.iface;
    const rows = wanted === undefined ? verified.rows : verified.rows.filter((r) => r.device === wanted);
    return { rows, rejected: [...rejected, ...verified.rejected] };
  }

  /** node-wifi cannot ask for a scan; its nmcli call rescans by itself when the last scan is 30 s old. */
  async rescan(): Promise<RescanResult> {
    return { snapshot: await this.read() };
  }

  async #scan(): Promise<unknown> {
    const nodeWifi = loadNodeWifi();
    const overrides = {
      ...NMCLI_LOCALE,
      ...(this.#opts.busAddress === undefined ? {} : { DBUS_SYSTEM_BUS_ADDRESS: this.#opts.busAddress }),
    };
    // node-wifi's execFile copies the environment synchronously inside scan(): the overrides
    // reach nmcli, and process.env is restored before anything else runs.
    const pending = withEnvGuard(overrides, () => {
      nodeWifi.init({ iface: this.#opts.iface ?? null, debug: false });
      return nodeWifi.scan();
    });
    const timeoutMs = this.#opts.timeoutMs ?? 20_000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(nmcliFailure(NODE_WIFI_ARGS, { killed: true }, "", { ...this.#opts, timeoutMs })),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([pending, deadline]);
    } catch (e) {
      if (isHotspotError(e)) throw e;
      // node-wifi rejects with execFile's error, whose message carries nmcli's stderr.
      const code: unknown = e instanceof Error ? Reflect.get(e, "code") : undefined;
      throw nmcliFailure(NODE_WIFI_ARGS, { code }, reasonOf(e).split("\n").slice(1).join("\n"), this.#opts);
    } finally {
      clearTimeout(timer);
    }
  }
}
