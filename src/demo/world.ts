import { type PrivateBus, startPrivateBus } from "../harness/dbus-daemon.ts";
import { SimulatedNetworkManager } from "../harness/nm/index.ts";
import { type Portal, startPortal } from "../harness/portal-server.ts";
import type { ScenarioName } from "../harness/scenarios/index.ts";
import type { Security } from "../helper-api/network.ts";

/**
 * The demo's street: a simulated NetworkManager on a private bus with one Wi-Fi device and
 * the access points below, and one loopback captive portal per hotspot. Each hotspot is a
 * different kind of portal, claimed by a different plugin: a café's form (its operator's
 * plugin), an airport's WISPr gateway with two access points (the generic WISPr plugin), a
 * metro network announcing an RFC 8908 API with a short session (the generic capport
 * plugin). Two networks nobody claims complete the list. No root and no radio needed.
 */

export interface DemoHotspot {
  readonly ssid: string;
  readonly scenario: ScenarioName;
  /** BSSIDs of its access points; the first is where the demo joins. */
  readonly bssids: readonly string[];
  readonly strength: number;
  readonly params?: Readonly<Record<string, unknown>>;
}

/** The RFC 8908 session is this long, so its renewal happens while the demo watches. */
export const METRO_SESSION_SECONDS = 33;

export const HOTSPOTS = {
  cafe: { ssid: "Cafe Free WiFi", scenario: "form-login", bssids: ["02:ca:fe:00:00:01"], strength: 82 },
  airport: {
    ssid: "Airport WiFi",
    scenario: "wispr",
    bssids: ["02:a1:00:00:00:01", "02:a1:00:00:00:02"],
    strength: 74,
  },
  metro: {
    ssid: "Metro Connect",
    scenario: "capport",
    bssids: ["02:3e:00:00:00:01"],
    strength: 66,
    params: { sessionSeconds: METRO_SESSION_SECONDS, venueName: "Metro Central" },
  },
} as const satisfies Readonly<Record<string, DemoHotspot>>;

export type HotspotKey = keyof typeof HOTSPOTS;
const KEYS: readonly HotspotKey[] = ["cafe", "airport", "metro"];

const UNCLAIMED: readonly { ssid: string; bssid: string; strength: number; security: Security }[] = [
  { ssid: "HomeNet-5G", bssid: "02:00:00:00:be:ef", strength: 91, security: "wpa2-psk" },
  { ssid: "PrinterDirect", bssid: "02:00:00:00:0f:0f", strength: 35, security: "open" },
];

export interface DemoWorld {
  readonly bus: PrivateBus;
  readonly nm: SimulatedNetworkManager;
  readonly device: string;
  readonly portals: Readonly<Record<HotspotKey, Portal>>;
  /** NetworkManager object path of each access point, by BSSID. */
  readonly aps: ReadonlyMap<string, string>;
  /** The portal serving an SSID, for the daemon's probe routing. */
  portalFor(ssid: string): Portal | undefined;
  close(): Promise<void>;
}

export async function startDemoWorld(account: { username: string; password: string }): Promise<DemoWorld> {
  const bus = await startPrivateBus();
  const opened: { close(): Promise<void> }[] = [];
  try {
    const nm = await SimulatedNetworkManager.start({ busAddress: bus.address, connectivity: "portal" });
    opened.push({ close: () => nm.stop() });
    const device = "wlan0";
    nm.addWifiDevice(device);
    // After a login the daemon asks NetworkManager to re-check; the street's answer is "online".
    nm.onCheckConnectivity(() => "full");
    const aps = new Map<string, string>();
    const portals: Partial<Record<HotspotKey, Portal>> = {};
    for (const key of KEYS) {
      const h: DemoHotspot = HOTSPOTS[key];
      const portal = await startPortal({
        scenario: h.scenario,
        credentials: account,
        ...(h.params ? { params: h.params } : {}),
      });
      opened.push(portal);
      portals[key] = portal;
      h.bssids.forEach((bssid, i) => {
        aps.set(bssid, nm.addAccessPoint(device, { ssid: h.ssid, bssid, strength: h.strength - i * 12 }));
      });
    }
    for (const u of UNCLAIMED) aps.set(u.bssid, nm.addAccessPoint(device, u));
    nm.completeScan(device);
    await nm.flushed();
    const { cafe, airport, metro } = portals;
    if (!cafe || !airport || !metro) throw new Error("a demo portal did not start");
    const all = { cafe, airport, metro };
    return {
      bus,
      nm,
      device,
      portals: all,
      aps,
      portalFor: (ssid) => {
        const key = KEYS.find((k) => HOTSPOTS[k].ssid === ssid);
        return key === undefined ? undefined : all[key];
      },
      async close() {
        for (const o of opened.reverse()) await o.close().catch(() => {});
        await bus.stop();
      },
    };
  } catch (e) {
    for (const o of opened.reverse()) await o.close().catch(() => {});
    await bus.stop();
    throw e;
  }
}
