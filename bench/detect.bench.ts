import { startPortal } from "../src/harness/index.ts";
import { type LoginRun, loginOnce, median, SSID } from "./login-run.ts";
import type { BenchRow, BenchTable } from "./table.ts";

/**
 * The portal shapes detection learned (strict header names, 511, page moves, redirect
 * chains through two hosts), each from the daemon's first probe to verified online at 50 ms
 * injected latency, as auth.bench.ts measures the older ones. The floor is what the portal
 * itself makes any client do (a browser included: each page it must load, each form it must
 * send) plus one verification; the row shows how many sequential requests we spend beyond it.
 */

const LATENCY_MS = 50;
const RUNS = 5;

interface Case {
  readonly scenario: string;
  readonly plugin: string;
  /** The portal's own round trips plus one verification. */
  readonly floor: number;
  readonly why: string;
}

const CASES: readonly Case[] = [
  {
    scenario: "strict-headers",
    plugin: "click-through",
    floor: 4,
    why: "probe (302), splash page, /nodogsplash_auth/ GET, verification",
  },
  {
    scenario: "status-511",
    plugin: "capport",
    floor: 5,
    why: "probe (511 + Link), the API it names, portal page, accept POST, verification (API re-query)",
  },
  {
    scenario: "status-511:no-link",
    plugin: "click-through",
    floor: 4,
    why: "probe (511, body names the page), terms page, accept POST, verification",
  },
  {
    scenario: "meta-refresh",
    plugin: "click-through",
    floor: 5,
    why: "probe (200 + meta refresh), cookie page (refresh), terms page, accept POST, verification",
  },
  {
    scenario: "meta-refresh:script",
    plugin: "click-through",
    floor: 5,
    why: "probe (200 script), cookie page (refresh), terms page, accept POST, verification",
  },
  {
    scenario: "redirect-chain",
    plugin: "click-through",
    floor: 7,
    why: "probe (302), gateway redirect (302), controller (302), login page, accept POST (302), gateway authorize, verification",
  },
];

async function once(c: Case): Promise<LoginRun> {
  const portal = await startPortal({ scenario: c.scenario, latencyMs: LATENCY_MS });
  const plugins: Record<string, unknown> = {
    "example-cafe": { enabled: false },
    "click-through": { enabled: false },
    wispr: { enabled: false },
    capport: { enabled: false },
    "uam-chap": { enabled: false },
    [c.plugin]: { config: { ssids: [SSID] } },
  };
  return loginOnce(portal, c.scenario, { plugins });
}

export default async function bench(): Promise<readonly BenchTable[]> {
  const rows: BenchRow[] = [];
  for (const c of CASES) {
    await once(c);
    const runs: { seq: number; ms: number }[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await once(c));
    const seq = Math.max(...runs.map((r) => r.seq));
    const ms = median(runs.map((r) => r.ms));
    rows.push(
      {
        metric: `${c.scenario} (${c.plugin}): sequential requests, first probe to verified online`,
        value: seq,
        unit: "× latency",
        note: `floor ${c.floor}: ${c.why}`,
      },
      { metric: `${c.scenario}: beyond the floor`, value: seq - c.floor, unit: "requests" },
      { metric: `${c.scenario}: total time`, value: ms, unit: "ms", note: `median of ${RUNS} runs` },
    );
  }
  return [
    {
      title: `New portal shapes: first probe to verified online at ${LATENCY_MS} ms injected latency (daemon, fixture join)`,
      rows,
      notes: [
        "Floor: the portal's own round trips (every page and form a browser would also have to load or send) plus one verification.",
        "Detection walks meta-refresh and script moves itself (a plugin's HTTP client follows 30x but not page moves), so the login page it hands over is the real one and its cookies are in the plugin's jar; the plugin then loads that page again.",
        "click-through's evaluate loads the login page once more before authenticate does (it decides whether there is a terms action at all).",
      ],
    },
  ];
}
