import { fileURLToPath } from "node:url";
import { userConfigSchema } from "../src/config/schema.ts";
import { Daemon } from "../src/daemon/daemon.ts";
import type { Portal, RequestLogEntry } from "../src/harness/index.ts";
import { loadRegistry } from "../src/helper-api/loader.ts";
import { type FixtureLink, FixtureScanSource } from "../src/scan/fixture-source.ts";

/** Shared by the login benches (auth, detect, walker): one daemon run against a started portal. */

const SCAN = fileURLToPath(new URL("../fixtures/scans/demo.json", import.meta.url));
const BSSID = "02:ca:fe:00:00:01";
export const SSID = "Cafe Free WiFi";

/** What the portal recorded of a run's requests (a Portal, or a copy of its log taken at a moment). */
export interface RequestRecord {
  readonly log: readonly RequestLogEntry[];
}

/** Requests that arrived only after every earlier one was answered. */
export function sequential(portal: RequestRecord, untilMs: number): number {
  const entries = [...portal.log].filter((e) => e.atMs <= untilMs).sort((a, b) => a.atMs - b.atMs);
  let frontier = Number.NEGATIVE_INFINITY;
  let count = 0;
  for (const e of entries) {
    if (e.atMs >= frontier - 1) count++;
    frontier = Math.max(frontier, e.atMs + e.durationMs);
  }
  return count;
}

/** How long at least one request was open at the portal (arrival to answer sent). */
export function portalBusy(portal: RequestRecord, untilMs: number): number {
  const spans = [...portal.log]
    .filter((e) => e.atMs <= untilMs)
    .map((e) => [e.atMs, Math.min(untilMs, e.atMs + e.durationMs)] as const)
    .sort((a, b) => a[0] - b[0]);
  let busy = 0;
  let end = Number.NEGATIVE_INFINITY;
  for (const [from, to] of spans) {
    if (to <= end) continue;
    busy += to - Math.max(from, end);
    end = to;
  }
  return busy;
}

export const median = (xs: readonly number[]) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

export interface LoginRun {
  readonly seq: number;
  readonly ms: number;
  /** Total minus the time a request was open at the portal. */
  readonly ownMs: number;
}

export interface LoginOptions {
  /** Plugin settings by id (config.plugins). */
  readonly plugins: Record<string, unknown>;
  /** What the fixture link advertises on join (e.g. a CAPPORT API URI). */
  readonly link?: FixtureLink;
  /** States that end the run; anything but Authenticated throws. */
  readonly ends?: readonly string[];
}

const DEFAULT_ENDS = ["Authenticated", "Failure", "PresentingUI"];

/**
 * Starts a daemon on the fixture scan with `plugins`, joins the cafe network and waits for
 * one of `ends`; counts sequential requests from the first probe to that point. Stops the
 * daemon and closes `portal` either way.
 */
export async function loginOnce(portal: Portal, label: string, opts: LoginOptions): Promise<LoginRun> {
  const ends = opts.ends ?? DEFAULT_ENDS;
  const config = userConfigSchema.parse({ probeUrl: portal.probeUrl, plugins: opts.plugins });
  const registry = await loadRegistry({ pluginDirs: [], config, strict: true });
  const source = new FixtureScanSource(SCAN);
  const daemon = new Daemon({
    source,
    registry,
    config,
    log: () => {},
    retry: { retries: 0, minTimeoutMs: 1, maxTimeoutMs: 1 },
    verifyDelayMs: 10,
    ...(portal.ca === undefined ? {} : { ca: portal.ca }),
  });
  try {
    await daemon.start();
    const done = new Promise<string>((resolve) => {
      daemon.on("state", (s) => {
        if (ends.includes(s.to)) resolve(`${s.to}: ${s.reason}`);
      });
    });
    const started = performance.now();
    source.join(BSSID, opts.link ?? {});
    const state = await done;
    const ms = performance.now() - started;
    if (!state.startsWith("Authenticated")) throw new Error(`${label}: ${state}`);
    const until = (portal.log[0]?.atMs ?? 0) + (performance.now() - started);
    return { seq: sequential(portal, until), ms, ownMs: ms - portalBusy(portal, until) };
  } finally {
    await daemon.stop();
    await portal.close();
  }
}
