import type { LinkFacts } from "../auth/link.ts";
import { defaultUserConfig } from "../config/schema.ts";
import { hotspotError, isHotspotError, reasonOf } from "../errors.ts";
import { type ParsedArgs, stringOption } from "./args.ts";
import type { Command } from "./command.ts";
import { DAEMON_BUS_OPTION, daemonBusAddress, withDaemon } from "./daemon-bus.ts";
import type { CliIo } from "./io.ts";

const NM_ACTIVATED = 100;

/**
 * The joined Wi-Fi link as NetworkManager reports it: `device`, or the only activated Wi-Fi
 * device. @throws HH_PORTAL_NO_LINK
 */
export async function joinedLink(
  device: string | undefined,
  bus: string,
): Promise<LinkFacts & { interface: string }> {
  const { createNetworkManagerSource } = await import("../scan/networkmanager/index.ts");
  const source = createNetworkManagerSource({ busAddress: bus, whenUnavailable: "fail" });
  try {
    await source.start();
    const wifi = source.links().filter((l) => l.wifi && l.state === NM_ACTIVATED);
    const link = device === undefined ? wifi[0] : wifi.find((l) => l.interface === device);
    if (!link) {
      throw hotspotError("HH_PORTAL_NO_LINK", {
        device: device ?? "any Wi-Fi device",
        reason: "NetworkManager reports no activated Wi-Fi connection there",
      });
    }
    if (device === undefined && wifi.length > 1) {
      throw hotspotError("HH_PORTAL_NO_LINK", {
        device: "(none named)",
        reason: `several Wi-Fi devices are connected (${wifi.map((l) => l.interface).join(", ")}); name one with --device`,
      });
    }
    return link;
  } catch (e) {
    if (isHotspotError(e) && e.code === "HH_PORTAL_NO_LINK") throw e;
    // NetworkManager's own message points at --bus, which this command does not have: it
    // reads NetworkManager on the bus it finds the daemon on.
    if (isHotspotError(e) && e.code === "HH_NM_UNAVAILABLE") {
      throw hotspotError(
        "HH_PORTAL_NO_LINK",
        {
          device: device ?? "any Wi-Fi device",
          reason: `NetworkManager is not reachable on ${String(e.params.bus)}: ${String(e.params.reason)} (is NetworkManager running? set DBUS_SYSTEM_BUS_ADDRESS or --daemon-bus for another bus)`,
        },
        { cause: e },
      );
    }
    throw hotspotError(
      "HH_PORTAL_NO_LINK",
      { device: device ?? "any Wi-Fi device", reason: reasonOf(e) },
      { cause: e },
    );
  } finally {
    await source.stop();
  }
}

/** The page the daemon is waiting on for this device, when it is waiting for a person. */
async function daemonUiUrl(device: string, bus: string): Promise<string | undefined> {
  try {
    const sessions = await withDaemon(bus, (d) => d.sessions());
    return sessions.find((s) => s.device === device && s.state === "PresentingUI")?.uiUrl;
  } catch {
    return undefined;
  }
}

export const command: Command = {
  usage: "hotspot portal [--device DEVICE] [--url URL] [--daemon-bus ADDRESS]",
  description:
    "Opens the captive portal in a browser window of its own, as captive-browser does: Chromium with a " +
    "throwaway profile (never your own browser profile) whose traffic leaves through the Wi-Fi link " +
    "(DEVICE, default the only connected Wi-Fi device) from its address and resolves names through the " +
    "link's DNS servers, so a VPN or DNS-over-HTTPS set-up cannot keep the portal from loading. URL " +
    "defaults to the page the daemon is waiting on (a plugin answered that a person is needed), else " +
    "the probe URL the portal intercepts. Needs a graphical session (exit 2 without DISPLAY or " +
    "WAYLAND_DISPLAY) and Chromium (exit 3). Returns when you close the window.",
  options: {
    ...DAEMON_BUS_OPTION,
    device: { type: "string", valueName: "DEVICE", description: "Wi-Fi interface, e.g. wlan0." },
    url: { type: "string", valueName: "URL", description: "Page to open (http or https)." },
  },
  common: [],
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const { openPortalWindow, requireDisplay } = await import("../browser/portal-window.ts");
    // Before anything else: without a display there is nothing to open, whatever the link.
    requireDisplay(io.env);
    const bus = daemonBusAddress(args, io);
    const link = await joinedLink(stringOption(args, "device"), bus);
    const url =
      stringOption(args, "url") ?? (await daemonUiUrl(link.interface, bus)) ?? defaultUserConfig().probeUrl;
    const window = await openPortalWindow({ url, link, env: io.env });
    io.stderr.write(
      `opened ${url} through ${link.interface}${link.ipv4 ? ` (${link.ipv4}, DNS ${link.dns?.join(" ") || "default"})` : ""}; close the window when you are done\n`,
    );
    await window.closed;
    return 0;
  },
};
