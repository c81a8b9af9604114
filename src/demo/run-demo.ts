import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { annotate, renderTable } from "../annotate/index.ts";
import { probe } from "../auth/probe.ts";
import { userConfigSchema } from "../config/schema.ts";
import { Daemon } from "../daemon/daemon.ts";
import type { LogSink } from "../daemon/log.ts";
import { type Portal, startPortal } from "../harness/portal-server.ts";
import type { ScenarioName } from "../harness/scenarios/index.ts";
import { loadRegistry } from "../helper-api/loader.ts";
import { FixtureScanSource } from "../scan/fixture-source.ts";
import { describeEvents, type Timeline } from "./timeline.ts";
import { waitFor } from "./wait.ts";

/**
 * The demo world: the fixture street scan plus one loopback portal per open network. Each
 * simulated network routes the connectivity probe to its own portal, which is what a real
 * hotspot's DNS and walled garden do for the one well-known probe URL.
 */
const WORLD: Readonly<Record<string, ScenarioName>> = {
  "Cafe Free WiFi": "form-login",
  "Library Guest": "click-through",
};

export const DEMO_SCAN = fileURLToPath(new URL("../../fixtures/scans/demo.json", import.meta.url));

export interface DemoOptions {
  readonly timeline: Timeline;
  /** Daemon and plugin logs (redacted); default: dropped. */
  readonly log?: LogSink;
  /** Maintain interval in the demo, seconds; default 1. */
  readonly maintainSeconds?: number;
  /** Upper bound for each step, ms; default 20 000. */
  readonly stepTimeoutMs?: number;
}

export interface DemoResult {
  readonly ok: boolean;
  /** Steps that did not happen. */
  readonly failures: readonly string[];
  /** The portals' credential records, for leak checks. */
  readonly credentialsSeenBy: readonly { readonly ssid: string; readonly received: number }[];
  /** The demo account's password, so callers can check it never reached their output. */
  readonly password: string;
}

/**
 * Runs scan → claim → join → evaluate → authenticate → verify → maintain → logoff on the
 * best-claimed network, then the same for a click-through network. Real daemon, real
 * plugins, real HTTP; only the radio and NetworkManager are simulated (by the fixture).
 */
export async function runDemo(opts: DemoOptions): Promise<DemoResult> {
  const { timeline } = opts;
  const stepMs = opts.stepTimeoutMs ?? 20_000;
  const failures: string[] = [];
  // A fresh account per run: nothing secret lives in the repository.
  const account = { username: "demo-user", password: `demo-${randomBytes(9).toString("base64url")}` };
  const portals = new Map<string, Portal>();
  let daemon: Daemon | undefined;
  try {
    for (const [ssid, scenario] of Object.entries(WORLD)) {
      portals.set(ssid, await startPortal({ scenario, credentials: account }));
    }
    const config = userConfigSchema.parse({
      maintainIntervalSeconds: opts.maintainSeconds ?? 1,
      plugins: {
        "example-cafe": { config: { portalHost: "127.0.0.1", allowHttp: true }, credentials: account },
        "click-through": { config: { ssids: ["Library Guest"] } },
      },
    });
    const registry = await loadRegistry({ pluginDirs: [], config, strict: false });
    timeline.step(`loaded plugins: ${registry.plugins.map((p) => `${p.id} (${p.displayName})`).join(", ")}`);
    const source = new FixtureScanSource(DEMO_SCAN);
    daemon = new Daemon({
      source,
      registry,
      config,
      log: opts.log ?? (() => {}),
      probeUrlFor: (n) => portals.get(n.ssidText)?.probeUrl ?? config.probeUrl,
      verifyDelayMs: 100,
      retry: { retries: 2, minTimeoutMs: 200, maxTimeoutMs: 1_000 },
    });
    describeEvents(daemon, timeline);

    const scanned = waitFor(daemon, "networks", () => true, stepMs);
    // If start() throws, nobody awaits the scan any more: keep its later timeout quiet.
    scanned.catch(() => {});
    await daemon.start();
    const [, networks, claims] = await scanned;
    timeline.block(renderTable(annotate(networks, claims)));
    const ranked = networks
      .map((network, i) => ({ network, claim: claims[i]?.[0] }))
      .filter((c) => c.claim !== undefined && c.claim.confidence !== "none");
    const order = ["none", "low", "medium", "high"];
    ranked.sort(
      (a, b) =>
        order.indexOf(b.claim?.confidence ?? "none") - order.indexOf(a.claim?.confidence ?? "none") ||
        b.network.strength - a.network.strength,
    );
    if (ranked.length === 0) throw new Error("no network in the scan is claimed by any plugin");

    for (const { network } of ranked) {
      const portal = portals.get(network.ssidText);
      if (!portal) continue;
      timeline.step(`joining "${network.ssidText}" (${network.bssid})`);
      const authenticated = waitFor(
        daemon,
        "state",
        (c) =>
          c.to === "Authenticated" || c.to === "Failure" || (c.to === "Inactive" && c.from === "Evaluating"),
        stepMs,
      );
      source.join(network.bssid, {
        ipv4: "10.23.0.42",
        gateway: "10.23.0.1",
        dns: ["10.23.0.1"],
        autoJoined: true,
      });
      const [change] = await authenticated;
      if (change.to !== "Authenticated") {
        failures.push(`login on "${network.ssidText}" ended in ${change.to}: ${change.reason}`);
        source.leave();
        continue;
      }
      const online = await probe(portal.probeUrl);
      timeline.step(`probe after login: ${online.verdict}`);
      if (online.verdict !== "online") failures.push(`"${network.ssidText}" not online after login`);

      const maintained = await waitFor(daemon, "maintained", () => true, stepMs);
      if (maintained[2] !== "success")
        failures.push(`maintain on "${network.ssidText}" answered ${maintained[2]}`);

      const count = await daemon.logoff(source.joined()?.interface ?? "wlan0");
      if (count !== 1) failures.push(`logoff on "${network.ssidText}" did not run`);
      const after = await probe(portal.probeUrl);
      timeline.step(`probe after logoff: ${after.verdict}`);
      const hasLogoff = registry.get(change.pluginId ?? "")?.definition.logoff !== undefined;
      if (hasLogoff && after.verdict !== "portal")
        failures.push(`"${network.ssidText}" still open after logoff`);
      source.leave();
    }
  } catch (e) {
    failures.push(e instanceof Error ? e.message : String(e));
  } finally {
    await daemon?.stop();
    await Promise.all([...portals.values()].map((p) => p.close()));
  }
  const credentialsSeenBy = [...portals].map(([ssid, p]) => ({
    ssid,
    received: p.receivedCredentials.length,
  }));
  return { ok: failures.length === 0, failures, credentialsSeenBy, password: account.password };
}
