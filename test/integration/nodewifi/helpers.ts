import { spawnSync } from "node:child_process";
import { Variant } from "@jellybrick/dbus-next";
import type { ScanSource, ScanSourceEvents } from "../../../src/scan/source.ts";
import type { DbusMock } from "../nm/dbusmock.ts";

const MAIN = "/org/freedesktop";
const WIRELESS = "org.freedesktop.NetworkManager.Device.Wireless";
const AP = "org.freedesktop.NetworkManager.AccessPoint";

/** Why nmcli cannot be used here, or undefined when it can. */
export function nmcliUnavailableReason(): string | undefined {
  return spawnSync("nmcli", ["--version"], { stdio: "ignore" }).status === 0
    ? undefined
    : "nmcli is not installed (run the tests as root so scripts/ensure-system-deps.sh installs network-manager)";
}

/**
 * What python3-dbusmock's template lacks for nmcli, added through its Mock API: the
 * device's ActiveAccessPoint (nmcli's IN-USE mark comes from it; the template only sets the
 * active connection's SpecificObject), exact SSID bytes, and a RequestScan that behaves like
 * NetworkManager's (LastScan set to CLOCK_BOOTTIME ms with a PropertiesChanged signal, which
 * is what `nmcli device wifi list --rescan yes` waits for) or refuses like its rate limit.
 */
export class NmcliMockExtras {
  readonly #mock: DbusMock;
  readonly #hasActiveAp = new Set<string>();

  constructor(mock: DbusMock) {
    this.#mock = mock;
  }

  async setActiveAccessPoint(dev: string, ap: string): Promise<void> {
    const value = new Variant("o", ap);
    if (this.#hasActiveAp.has(dev)) {
      await this.#mock.call(MAIN, "SetProperty", "sssv", [dev, WIRELESS, "ActiveAccessPoint", value]);
    } else {
      this.#hasActiveAp.add(dev);
      await this.#mock.call(dev, "AddProperty", "ssv", [WIRELESS, "ActiveAccessPoint", value]);
    }
  }

  async setSsidBytes(ap: string, bytes: readonly number[]): Promise<void> {
    await this.#mock.call(MAIN, "SetProperty", "sssv", [
      ap,
      AP,
      "Ssid",
      new Variant("ay", Buffer.from(bytes)),
    ]);
  }

  async completingRequestScan(dev: string): Promise<void> {
    await this.#mock.call(dev, "AddMethod", "sssss", [
      WIRELESS,
      "RequestScan",
      "a{sv}",
      "",
      "import time; v = dbus.Int64(int(time.clock_gettime(time.CLOCK_BOOTTIME) * 1000)); " +
        `self.Set('${WIRELESS}', 'LastScan', v); ` +
        "self.EmitSignal('org.freedesktop.DBus.Properties', 'PropertiesChanged', 'sa{sv}as', " +
        `['${WIRELESS}', {'LastScan': dbus.Int64(v, variant_level=1)}, []])`,
    ]);
  }

  async refusingRequestScan(dev: string): Promise<void> {
    await this.#mock.call(dev, "AddMethod", "sssss", [
      WIRELESS,
      "RequestScan",
      "a{sv}",
      "",
      "raise dbus.exceptions.DBusException('Scanning not allowed immediately following previous scan', " +
        "name='org.freedesktop.NetworkManager.Device.NotAllowed')",
    ]);
  }
}

type EventArg<E extends keyof ScanSourceEvents> = Parameters<ScanSourceEvents[E]>[0];

/** Resolves with the next `name` event that passes `test` (the source polls; nothing sleeps). */
export function nextEvent<E extends keyof ScanSourceEvents>(
  source: ScanSource,
  name: E,
  test: (arg: EventArg<E>) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<EventArg<E>> {
  return new Promise((resolve, reject) => {
    const listener = (arg: EventArg<E>): void => {
      if (!test(arg)) return;
      clearTimeout(timer);
      source.off(name, listener);
      resolve(arg);
    };
    const timer = setTimeout(() => {
      source.off(name, listener);
      reject(new Error(`no ${String(name)} event within ${timeoutMs} ms`));
    }, timeoutMs);
    source.on(name, listener);
  });
}
