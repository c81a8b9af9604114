import { hotspotError } from "../errors.ts";
import { type ParsedArgs, stringOption } from "./args.ts";

/**
 * One address of the D-Bus address syntax: `transport:key=value[,key=value...]`. Several may
 * be given, separated by `;` (tried in turn). Values stay as written: the bus library
 * unescapes them, and what a transport accepts is its to say when it connects.
 */
const ONE_ADDRESS = /^[A-Za-z][A-Za-z0-9-]*:[^=,;:]+=[^,;]*(,[^=,;]+=[^,;]*)*$/;

export function isBusAddress(text: string): boolean {
  const parts = text.split(";");
  if (parts.at(-1) === "") parts.pop();
  return parts.length > 0 && parts.every((p) => ONE_ADDRESS.test(p));
}

/**
 * The value of a bus address option (`--bus`, `--api-bus`, `--daemon-bus`, `--session-bus`),
 * checked: a value that is no D-Bus address is bad input (exit 2). Without the check it
 * reached the bus library, whose refusal looked like a bus nobody answers on: the daemon
 * waited for NetworkManager there for ever, and `status` and `logoff` said the daemon was
 * not running.
 */
export function busAddressOption(args: ParsedArgs, option: string): string | undefined {
  const value = stringOption(args, option);
  if (value === undefined || isBusAddress(value)) return value;
  throw hotspotError("HH_USAGE", {
    message:
      `--${option} '${value}' is not a D-Bus address: it is transport:key=value[,key=value], ` +
      "e.g. unix:path=/run/dbus/system_bus_socket",
  });
}
