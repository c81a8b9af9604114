import { randomBytes } from "node:crypto";
import { renderTable } from "../annotate/index.ts";
import { probe } from "../auth/probe.ts";
import { userConfigSchema } from "../config/schema.ts";
import { Daemon } from "../daemon/daemon.ts";
import { connectDaemon, type DaemonClient } from "../daemon/dbus-api/client.ts";
import { type ApiService, startApiService } from "../daemon/dbus-api/service.ts";
import { createDaemonSurface, type DaemonSurface } from "../daemon/dbus-api/surface.ts";
import type { SessionView } from "../daemon/dbus-api/views.ts";
import type { LogSink } from "../daemon/log.ts";
import { loadRegistry } from "../helper-api/loader.ts";
import { createNetworkManagerSource } from "../scan/networkmanager/index.ts";
import { describeEvents, type Timeline } from "./timeline.ts";
import { waitFor } from "./wait.ts";
import { type DemoWorld, HOTSPOTS, METRO_SESSION_SECONDS, startDemoWorld } from "./world.ts";

export interface DemoOptions {
  readonly timeline: Timeline;
  /** Daemon and plugin logs (redacted); default: dropped. */
  readonly log?: LogSink;
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

/** Plugins' settings for the street: each hotspot's plugin knows its network and account. */
function demoConfig(account: { username: string; password: string }) {
  const loopback = [{ host: "127.0.0.1", allowHttp: true }];
  return userConfigSchema.parse({
    plugins: {
      "example-cafe": { config: { portalHost: "127.0.0.1", allowHttp: true }, credentials: account },
      wispr: { config: { ssids: [HOTSPOTS.airport.ssid], hosts: loopback }, credentials: account },
      // Renew when 30 s are left: a 33 s session is due for renewal 3 s after the login.
      capport: { config: { ssids: [HOTSPOTS.metro.ssid], renewBelowSeconds: METRO_SESSION_SECONDS - 3 } },
    },
  });
}

function sessionLine(s: SessionView | undefined): string {
  if (!s) return "no session";
  const parts = [`${s.device}: ${s.state}`];
  if (s.ssid) parts.push(`"${s.ssid}" ${s.bssid}`);
  if (s.provider) parts.push(`via ${s.provider}`);
  if (s.expiresAt !== undefined) parts.push(`ends in ${Math.round((s.expiresAt - Date.now()) / 1000)} s`);
  if (s.bytesRemaining !== undefined) parts.push(`${(s.bytesRemaining / 1e6).toFixed(0)} MB left`);
  return parts.join(", ");
}

/**
 * The whole product on a simulated street, without root: the real daemon following a
 * simulated NetworkManager over D-Bus on a private bus, serving its own D-Bus API there,
 * real plugins logging in to loopback portals over real HTTP(S). A form login at a café, a
 * WISPr login at an airport with a roam to the airport's second access point (the session
 * carries over) and a logoff asked for over the D-Bus API, and an RFC 8908 session on the
 * metro renewed before it ends. Every step is checked against the portals' own records.
 */
export async function runDemo(opts: DemoOptions): Promise<DemoResult> {
  const { timeline } = opts;
  const stepMs = opts.stepTimeoutMs ?? 20_000;
  const failures: string[] = [];
  const check = (ok: boolean, failure: string): void => {
    if (!ok) failures.push(failure);
  };
  // A fresh account per run: nothing secret lives in the repository.
  const account = { username: "demo-user", password: `demo-${randomBytes(9).toString("base64url")}` };
  let world: DemoWorld | undefined;
  let daemon: Daemon | undefined;
  let surface: DaemonSurface | undefined;
  let api: ApiService | undefined;
  let client: DaemonClient | undefined;
  try {
    world = await startDemoWorld(account);
    const w = world;
    timeline.step(
      `simulated NetworkManager on a private bus, ${w.aps.size} access points; portals on loopback`,
    );
    const config = demoConfig(account);
    const registry = await loadRegistry({ pluginDirs: [], config, strict: false });
    timeline.step(`loaded plugins: ${registry.plugins.map((p) => `${p.id} (${p.displayName})`).join(", ")}`);
    const cas = Object.values(w.portals).flatMap((p) => (p.ca ? [p.ca] : []));
    const source = createNetworkManagerSource({ busAddress: w.bus.address });
    daemon = new Daemon({
      source,
      registry,
      config,
      log: opts.log ?? (() => {}),
      probeUrlFor: (n) => w.portalFor(n.ssidText)?.probeUrl ?? config.probeUrl,
      verifyDelayMs: 100,
      retry: { retries: 2, minTimeoutMs: 200, maxTimeoutMs: 1_000 },
      ca: cas,
      testNetwork: true,
    });
    const d = daemon;
    describeEvents(d, timeline);
    surface = createDaemonSurface(d, { version: "demo", sourceName: source.name });
    const scanned = waitFor(d, "networks", () => true, stepMs);
    scanned.catch(() => {});
    await d.start();
    await scanned;
    api = await startApiService({ busAddress: w.bus.address, surface, log: opts.log ?? (() => {}) });
    client = await connectDaemon(w.bus.address);
    const c = client;
    timeline.step("the daemon serves io.github.hotspot_helper.Daemon1; `hotspot list` asks it:");
    timeline.block(renderTable(await c.networks()));

    const join = async (ssid: string, bssid: string, extra: { captivePortalUri?: string } = {}) => {
      const ap = w.aps.get(bssid);
      if (!ap) throw new Error(`no access point ${bssid}`);
      timeline.step(`joining "${ssid}" at ${bssid}`);
      const done = waitFor(
        d,
        "state",
        (s) => s.to === "Authenticated" || s.to === "Failure" || s.to === "PresentingUI",
        stepMs,
      );
      await w.nm.join(w.device, ap, {
        ipv4: "10.23.0.42",
        gateway: "10.23.0.1",
        dns: ["10.23.0.1"],
        ...extra,
      });
      const [change] = await done;
      check(change.to === "Authenticated", `login on "${ssid}" ended in ${change.to}: ${change.reason}`);
      return change;
    };
    const leave = async (ssid: string) => {
      const left = new Promise<void>((resolve) => source.once("leave", () => resolve()));
      await w.nm.leave(w.device);
      await left;
      timeline.step(`left "${ssid}"`);
    };

    // The café: a form login by the café chain's own plugin.
    const cafe = await join(HOTSPOTS.cafe.ssid, HOTSPOTS.cafe.bssids[0]);
    check(cafe.pluginId === "example-cafe", `the café was logged in by ${cafe.pluginId}, not example-cafe`);
    const cafeOnline = await probe(w.portals.cafe.probeUrl);
    timeline.step(`probe after the form login: ${cafeOnline.verdict}`);
    check(cafeOnline.verdict === "online", "the café's portal did not let us through");
    await leave(HOTSPOTS.cafe.ssid);

    // The airport: WISPr, then a roam to the second access point, then a logoff over D-Bus.
    const [first, second] = HOTSPOTS.airport.bssids;
    const airport = await join(HOTSPOTS.airport.ssid, first);
    check(airport.pluginId === "wispr", `the airport was logged in by ${airport.pluginId}, not wispr`);
    check(w.portals.airport.authorized(), "the WISPr gateway did not authorise us");
    let relogins = 0;
    const countLogins = (s: { to: string }) => {
      if (s.to === "Authenticating" || s.to === "Evaluating") relogins++;
    };
    d.on("state", countLogins);
    const ap2 = w.aps.get(second);
    if (!ap2) throw new Error("no second airport access point");
    timeline.step(`roaming to the airport's other access point ${second}`);
    const roamed = new Promise<void>((resolve) => source.once("roam", () => resolve()));
    w.nm.roam(w.device, ap2);
    await roamed;
    const sessions = await c.sessions();
    d.off("state", countLogins);
    check(sessions[0]?.bssid === second, "the daemon did not follow the roam");
    check(relogins === 0 && sessions[0]?.state === "Authenticated", "the roam cost a new login");
    check(w.portals.airport.authorized(), "the session did not survive the roam");
    timeline.step(`after the roam, \`hotspot status\` says: ${sessionLine(sessions[0])}`);
    timeline.step("`hotspot logoff wlan0` (D-Bus Logoff)");
    const loggedOff = await c.logoff(w.device);
    check(loggedOff === 1, `Logoff answered ${loggedOff}`);
    check(!w.portals.airport.authorized(), "the WISPr gateway still lets us through after the logoff");
    timeline.step(`the gateway after the logoff: ${w.portals.airport.authorized() ? "open" : "closed"}`);
    await leave(HOTSPOTS.airport.ssid);

    // The metro: RFC 8908 with a short session, renewed before it ends.
    const metroPortal = w.portals.metro;
    const metro = await join(HOTSPOTS.metro.ssid, HOTSPOTS.metro.bssids[0], {
      ...(metroPortal.apiUrl ? { captivePortalUri: metroPortal.apiUrl } : {}),
    });
    check(metro.pluginId === "capport", `the metro was logged in by ${metro.pluginId}, not capport`);
    const before = metroPortal.session()?.expiresAt;
    const [metroSession] = await c.sessions();
    timeline.step(`\`hotspot status\`: ${sessionLine(metroSession)}`);
    // Maintain runs until the plugin finds the session due for renewal and extends it.
    let after = before;
    for (let i = 0; i < 10 && after === before && before !== undefined && Date.now() < before; i++) {
      const [, , result] = await waitFor(d, "maintained", () => true, (METRO_SESSION_SECONDS + 5) * 1000);
      check(result === "success", `maintain on the metro answered ${result}`);
      after = metroPortal.session()?.expiresAt;
    }
    check(
      before !== undefined && after !== undefined && after > before && Date.now() < before,
      "the RFC 8908 session was not renewed before it ended",
    );
    const [renewed] = await c.sessions();
    const moved = before !== undefined && after !== undefined ? ((after - before) / 1000).toFixed(1) : "?";
    // The renewal comes a few seconds into a 33 s session and restarts it, so "ends in 33 s"
    // reads the same before and after: say what the daemon's end was due to be without it.
    const oldEnd = metroSession?.expiresAt;
    const newEnd = renewed?.expiresAt;
    check(
      oldEnd !== undefined && newEnd !== undefined && newEnd > oldEnd,
      "the daemon's session end did not move with the RFC 8908 renewal",
    );
    const daemonMoved =
      oldEnd !== undefined && newEnd !== undefined ? ((newEnd - oldEnd) / 1000).toFixed(1) : "?";
    const wouldEnd = oldEnd === undefined ? "?" : Math.round((oldEnd - Date.now()) / 1000);
    timeline.step(
      `the portal moved the session's end ${moved} s later, the daemon's ${daemonMoved} s (without the renewal it would end in ${wouldEnd} s); \`hotspot status\`: ${sessionLine(renewed)}`,
    );
    await leave(HOTSPOTS.metro.ssid);
  } catch (e) {
    failures.push(e instanceof Error ? e.message : String(e));
  } finally {
    client?.close();
    await api?.close();
    surface?.dispose();
    await daemon?.stop();
    await world?.close();
  }
  const credentialsSeenBy = world
    ? Object.values(HOTSPOTS).map((h) => ({
        ssid: h.ssid,
        received: world?.portalFor(h.ssid)?.receivedCredentials.length ?? 0,
      }))
    : [];
  return { ok: failures.length === 0, failures, credentialsSeenBy, password: account.password };
}
