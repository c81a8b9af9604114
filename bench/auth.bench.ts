import { startPortal } from "../src/harness/index.ts";
import { type LoginRun, loginOnce, median, SSID } from "./login-run.ts";
import type { BenchRow, BenchTable } from "./table.ts";

/**
 * Login cost on a slow link: each scenario's portal delays every response by 50 ms (there
 * is no netem here: latency is injected in user space), the daemon joins a fixture network
 * that the plugin claims with high confidence, and we count the sequential requests from
 * the first probe to verified online (requests that could not start before the previous
 * one was answered: the round trips a link's latency multiplies) and the total time. The
 * daemon's own overhead is the total minus sequential requests × latency. That figure also
 * holds the harness's own time per request, so the time no request was open at the portal
 * (the daemon's share, with loopback transit) is shown beside it.
 */

const LATENCY_MS = 50;
const RUNS = 9;
const account = { username: "bench-user", password: "bench-Secret-42" };
const local = [{ host: "127.0.0.1", allowHttp: true }];

interface Case {
  readonly scenario: string;
  readonly plugin: string;
  /** Sequential-request budget; undefined: shown for information (the portal's own round trips). */
  readonly target?: number;
  readonly pluginSettings: Record<string, unknown>;
  readonly api?: boolean;
}

const cafe = {
  config: { ssid: SSID, portalHost: "127.0.0.1", allowHttp: true },
  credentials: account,
};

const CASES: readonly Case[] = [
  { scenario: "form-login:direct", plugin: "example-cafe", target: 4, pluginSettings: cafe },
  // The two-page flow: its cookie bounce and ticket hop are the portal's own round trips.
  { scenario: "form-login", plugin: "example-cafe", pluginSettings: cafe },
  {
    scenario: "wispr",
    plugin: "wispr",
    target: 3,
    pluginSettings: { config: { ssids: [SSID], hosts: local }, credentials: account },
  },
  {
    scenario: "capport",
    plugin: "capport",
    target: 4,
    pluginSettings: { config: { ssids: [SSID] } },
    api: true,
  },
];

async function once(c: Case): Promise<LoginRun> {
  const portal = await startPortal({ scenario: c.scenario, credentials: account, latencyMs: LATENCY_MS });
  const plugins: Record<string, unknown> = {
    "example-cafe": { enabled: false },
    "click-through": { enabled: false },
    wispr: { enabled: false },
    capport: { enabled: false },
    "uam-chap": { enabled: false },
    [c.plugin]: c.pluginSettings,
  };
  const link = c.api === true && portal.apiUrl ? { captivePortalUri: portal.apiUrl } : {};
  return loginOnce(portal, c.scenario, { plugins, link });
}

export default async function bench(): Promise<readonly BenchTable[]> {
  const rows: BenchRow[] = [];
  for (const c of CASES) {
    await once(c); // warm-up: module loading and TLS set-up are not login cost
    const runs: LoginRun[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await once(c));
    const seq = Math.max(...runs.map((r) => r.seq));
    const ms = median(runs.map((r) => r.ms));
    const overhead = median(runs.map((r) => r.ms - r.seq * LATENCY_MS));
    rows.push(
      {
        metric: `${c.scenario}: sequential requests, first probe to verified online`,
        value: seq,
        unit: "× latency",
        ...(c.target === undefined ? {} : { target: { max: c.target } }),
      },
      {
        metric: `${c.scenario}: total time`,
        value: ms / LATENCY_MS,
        unit: "× latency",
        note: `median ${ms.toFixed(0)} ms of ${RUNS} runs`,
      },
      {
        metric: `${c.scenario}: daemon overhead beyond the latency`,
        value: Math.max(0, overhead),
        unit: "ms",
        target: { max: 30 },
      },
      {
        metric: `${c.scenario}: of that, with no request open at the portal`,
        value: Math.max(0, median(runs.map((r) => r.ownMs))),
        unit: "ms",
      },
    );
  }
  return [
    {
      title: `Login critical path at ${LATENCY_MS} ms injected latency (daemon, fixture join, loopback portal)`,
      rows,
      notes: [
        "form-login:direct: example-cafe claims the SSID with high confidence (evaluate makes no request): probe, login page, POST (302 away from the login: accepted, the welcome page is not fetched), verification probe.",
        "form-login (two-page, no target): the login page bounces through a cookie-setting landing URL (2 extra round trips) and the POST's one-time ticket URL must be fetched to be let in (1 more); those are the portal's, not the client's.",
        "wispr: the gateway's XML arrives with the intercepted probe; one POST logs in.",
        "capport: probe and RFC 8908 API in parallel, portal page, accept POST, API re-query (which is the verification).",
        "Overhead is everything but the injected delays, so it also holds the harness's own time (request parsing, timers firing up to ~1 ms late) as well as the daemon's; \"with no request open at the portal\" is the daemon's own share (plus loopback transit). A hook call's requests share kept-alive connections; probes always connect afresh.",
      ],
    },
  ];
}
