/**
 * The bus address NetworkManager lives on: `DBUS_SYSTEM_BUS_ADDRESS` or the system socket.
 * Apart from bus.ts so that choosing an address does not load the D-Bus client.
 */
export function systemBusAddress(env: NodeJS.ProcessEnv = process.env): string {
  return env.DBUS_SYSTEM_BUS_ADDRESS || "unix:path=/var/run/dbus/system_bus_socket";
}
