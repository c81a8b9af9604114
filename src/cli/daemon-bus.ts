import type { DaemonClient } from "../daemon/dbus-api/client.ts";
import { systemBusAddress } from "../scan/dbus/address.ts";
import type { ParsedArgs } from "./args.ts";
import { busAddressOption } from "./bus-address.ts";
import type { OptionSpec } from "./command.ts";
import type { CliIo } from "./io.ts";

/** `--daemon-bus`: where the commands that talk to the running daemon find it. */
export const DAEMON_BUS_OPTION: Readonly<Record<string, OptionSpec>> = {
  "daemon-bus": {
    type: "string",
    valueName: "ADDRESS",
    description: "Bus the daemon serves its API on (default: $DBUS_SYSTEM_BUS_ADDRESS, else the system bus).",
  },
};

export function daemonBusAddress(args: ParsedArgs, io: CliIo): string {
  return busAddressOption(args, "daemon-bus") ?? systemBusAddress(io.env);
}

/** Runs `work` with a client of the running daemon and always closes it. */
export async function withDaemon<T>(address: string, work: (client: DaemonClient) => Promise<T>): Promise<T> {
  // Imported here: `hotspot list --scan FILE` loads this module but never the D-Bus client.
  const { connectDaemon } = await import("../daemon/dbus-api/client.ts");
  const client = await connectDaemon(address);
  try {
    return await work(client);
  } finally {
    client.close();
  }
}
