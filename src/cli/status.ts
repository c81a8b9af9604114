import { terminalSafe } from "../annotate/display.ts";
import type { SessionView, StatusView } from "../daemon/dbus-api/views.ts";
import { isHotspotError } from "../errors.ts";
import { type InstalledState, installedState, serviceLayout, serviceRoot } from "../service/layout.ts";
import { type ParsedArgs, stringOption } from "./args.ts";
import type { Command } from "./command.ts";
import { DAEMON_BUS_OPTION, daemonBusAddress, withDaemon } from "./daemon-bus.ts";
import type { CliIo } from "./io.ts";

function ago(ms: number, now: number): string {
  const s = Math.round((now - ms) / 1000);
  if (s < 120) return `${s} s ago`;
  if (s < 7200) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}

function inTime(ms: number, now: number): string {
  const s = Math.round((ms - now) / 1000);
  if (s <= 0) return "expired";
  if (s < 120) return `in ${s} s`;
  if (s < 7200) return `in ${Math.round(s / 60)} min`;
  return `in ${Math.round(s / 3600)} h`;
}

function bytes(n: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let v = n;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v.toFixed(v >= 10 || i === 0 ? 0 : 1)} ${units[i]}`;
}

function sessionLine(s: SessionView, now: number): string {
  const parts = [`${s.device}: ${s.state}`];
  if (s.ssid) parts.push(`on "${s.ssid}"${s.bssid ? ` (${s.bssid})` : ""}`);
  if (s.provider) parts.push(`via ${s.provider}`);
  parts.push(`since ${ago(s.since, now)}`);
  if (s.expiresAt !== undefined) parts.push(`expires ${inTime(s.expiresAt, now)}`);
  if (s.bytesRemaining !== undefined) parts.push(`${bytes(s.bytesRemaining)} left`);
  if (s.nextMaintainAt !== undefined) parts.push(`next check ${inTime(s.nextMaintainAt, now)}`);
  if (s.failedLogins) parts.push(`${s.failedLogins} failed login${s.failedLogins === 1 ? "" : "s"}`);
  const line = parts.join(", ");
  const lines = [s.reason ? `${line} (${s.reason})` : line];
  if (s.uiUrl) lines.push(`    open ${s.uiUrl} to finish logging in`);
  if (s.macChangesOnReconnect) {
    lines.push(
      `    MAC address: ${s.mac ?? "random"}, new on every connect: the portal will forget this session when you reconnect (set cloned-mac-address=stable to keep it)`,
    );
  }
  return lines.map((l) => terminalSafe(l)).join("\n");
}

function installedLines(root: string, st: InstalledState): string[] {
  const yes = (b: boolean) => (b ? "installed" : "not installed");
  const lines = [
    `service: unit ${yes(st.unit)}, bus policy ${yes(st.policy)}${root === "/" ? "" : ` (under ${root})`}`,
  ];
  if (st.execStart) lines.push(`  runs: ${st.execStart}`);
  if (st.active) lines.push(`  systemd: ${st.active}, ${st.enabled ?? "unknown"}`);
  return lines;
}

export const command: Command = {
  usage: "hotspot status [--daemon-bus ADDRESS] [--root DIR] [--json]",
  description:
    "Shows whether the service is installed (unit and bus policy; with systemd, whether it is active and " +
    "enabled) and asks the running daemon over D-Bus for its plugins, devices and portal sessions: " +
    "network, provider, state, expiry and bytes left. Exit 6 when the daemon is not running.",
  options: {
    ...DAEMON_BUS_OPTION,
    root: { type: "string", valueName: "DIR", description: "Look for the installed service under DIR." },
  },
  common: ["json"],
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const root = serviceRoot(stringOption(args, "root"), io.env);
    const installed = await installedState(serviceLayout(root));
    let daemon: { status: StatusView; sessions: SessionView[] } | undefined;
    let why = "";
    try {
      // Both questions in flight at once: one round trip to the daemon instead of two.
      daemon = await withDaemon(daemonBusAddress(args, io), async (c) => {
        const [status, sessions] = await Promise.all([c.status(), c.sessions()]);
        return { status, sessions };
      });
    } catch (e) {
      if (!isHotspotError(e) || e.code !== "HH_DAEMON_NOT_RUNNING") throw e;
      why = e.message;
    }
    if (args.common.format === "json") {
      io.stdout.write(`${JSON.stringify({ installed, daemon: daemon ?? null }, null, 2)}\n`);
      return daemon ? 0 : 6;
    }
    for (const line of installedLines(root, installed)) io.stdout.write(`${line}\n`);
    if (!daemon) {
      io.stdout.write(`daemon: not running (${terminalSafe(why)})\n`);
      return 6;
    }
    const { status, sessions } = daemon;
    const now = Date.now();
    io.stdout.write(
      `daemon: running, pid ${status.pid}, version ${status.version}, up since ${ago(status.startedAt, now)}, source ${status.source}\n`,
    );
    io.stdout.write(`plugins: ${status.plugins.join(", ") || "none"}\n`);
    io.stdout.write(`devices: ${status.devices.join(", ") || "none seen yet"}\n`);
    if (sessions.length === 0) io.stdout.write("sessions: none\n");
    else {
      io.stdout.write("sessions:\n");
      for (const s of sessions) io.stdout.write(`  ${sessionLine(s, now)}\n`);
    }
    return 0;
  },
};
