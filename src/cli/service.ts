import { installService, uninstallService } from "../service/install.ts";
import { serviceLayout, serviceRoot } from "../service/layout.ts";
import { type ParsedArgs, stringOption, usageError } from "./args.ts";
import type { Command } from "./command.ts";
import type { CliIo } from "./io.ts";

export const command: Command = {
  usage: "hotspot service install|uninstall [--root DIR]",
  description:
    "install (as root) puts the systemd unit (/etc/systemd/system/hotspot-helper.service, running this " +
    "installation's `hotspot daemon`), the D-Bus policy (/etc/dbus-1/system.d/), the config directory " +
    "/etc/hotspot-helper and the state directory /var/lib/hotspot-helper in place, then enables and starts " +
    "the service where systemd is the running init (elsewhere it says so and does not). uninstall stops " +
    "and removes exactly that; the config directory stays when it holds your config or credentials. " +
    "--root DIR (or $HOTSPOT_SERVICE_ROOT) installs under DIR instead of / and never touches systemd.",
  options: {
    root: {
      type: "string",
      valueName: "DIR",
      description: "Install under DIR instead of / (a staging or test directory).",
    },
  },
  common: [],
  positionals: true,
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const [action, ...rest] = args.positionals;
    if (rest.length > 0 || (action !== "install" && action !== "uninstall")) {
      throw usageError("service", command, "say `install` or `uninstall`");
    }
    const layout = serviceLayout(serviceRoot(stringOption(args, "root"), io.env));
    const report =
      action === "install" ? await installService({ layout }) : await uninstallService({ layout });
    for (const line of report) io.stdout.write(`${line}\n`);
    return 0;
  },
};
