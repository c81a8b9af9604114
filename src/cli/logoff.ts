import { hotspotError } from "../errors.ts";
import { type ParsedArgs, usageError } from "./args.ts";
import type { Command } from "./command.ts";
import { DAEMON_BUS_OPTION, daemonBusAddress, withDaemon } from "./daemon-bus.ts";
import type { CliIo } from "./io.ts";

export const command: Command = {
  usage: "hotspot logoff [DEVICE] [--daemon-bus ADDRESS]",
  description:
    "Asks the running daemon to log off the portal session on DEVICE (e.g. wlan0), or on every Wi-Fi " +
    "device when none is named: the plugin's logoff runs and the session ends. Allowed to root and to " +
    "users with an active local session. Exit 1 when there was no session to log off, 5 when not " +
    "permitted, 6 when the daemon is not running.",
  options: { ...DAEMON_BUS_OPTION },
  common: [],
  positionals: true,
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    if (args.positionals.length > 1) throw usageError("logoff", command, "give at most one device");
    const device = args.positionals[0];
    const count = await withDaemon(daemonBusAddress(args, io), (daemon) => daemon.logoff(device));
    if (count === 0) throw hotspotError("HH_NO_SESSION", { device });
    io.stdout.write(`logged off ${count} session${count === 1 ? "" : "s"}${device ? ` on ${device}` : ""}\n`);
    return 0;
  },
};
