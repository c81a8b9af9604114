import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { Variant } from "@jellybrick/dbus-next";
import { type BusConnection, openBus } from "../../../src/scan/dbus/bus.ts";
import { IFACE, NM_BUS_NAME, NM_PATH } from "../../../src/scan/networkmanager/constants.ts";

const PYTHON = "/usr/bin/python3";
const MOCK = "org.freedesktop.DBus.Mock";
const MAIN = "/org/freedesktop";

/** Why python3-dbusmock cannot be used here, or undefined when it can. */
export function dbusmockUnavailableReason(): string | undefined {
  const r = spawnSync(PYTHON, ["-c", "import dbusmock.templates.networkmanager"], { stdio: "ignore" });
  return r.status === 0
    ? undefined
    : "python3-dbusmock is not installed (run the tests as root so scripts/ensure-system-deps.sh installs it)";
}

/**
 * python3-dbusmock's `networkmanager` template on a private bus, driven through its Mock
 * API, and extended where it lacks what NetworkManager has: LastScan and a RequestScan that
 * completes a scan, Ip4Config and Dhcp4Config objects. Its helpers are called as raw
 * messages because its introspection does not list them.
 */
export class DbusMock {
  readonly #child: ChildProcess;
  readonly #conn: BusConnection;
  #lastScan = 1000;
  #n = 0;

  private constructor(child: ChildProcess, conn: BusConnection) {
    this.#child = child;
    this.#conn = conn;
  }

  static async start(busAddress: string): Promise<DbusMock> {
    const child = spawn(PYTHON, ["-m", "dbusmock", "--template", "networkmanager"], {
      env: { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: busAddress },
      stdio: ["ignore", "ignore", "pipe"],
    });
    const conn = await openBus(busAddress);
    const mock = new DbusMock(child, conn);
    // The bus name appears before the template has loaded: wait until the Manager answers.
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        await conn.call({
          destination: NM_BUS_NAME,
          path: NM_PATH,
          interface: IFACE.properties,
          member: "GetAll",
          signature: "s",
          body: [IFACE.manager],
        });
        return mock;
      } catch (e) {
        if (Date.now() > deadline || child.exitCode !== null) {
          await mock.stop();
          throw e;
        }
        await new Promise((r) => setTimeout(r, 25));
      }
    }
  }

  async stop(): Promise<void> {
    this.#conn.close();
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      const exited = new Promise((r) => this.#child.once("exit", r));
      this.#child.kill("SIGTERM");
      await exited;
    }
  }

  call(path: string, member: string, signature: string, body: unknown[]): Promise<unknown[]> {
    return this.#conn.call({ destination: NM_BUS_NAME, path, interface: MOCK, member, signature, body });
  }

  async #path(member: string, signature: string, body: unknown[]): Promise<string> {
    const [p] = await this.call(MAIN, member, signature, body);
    if (typeof p !== "string") throw new Error(`${member} returned no path`);
    return p;
  }

  /** AddWiFiDevice plus the LastScan property and a RequestScan that completes a scan. */
  async addWifiDevice(iface: string): Promise<string> {
    const dev = await this.#path("AddWiFiDevice", "ssi", [`dev_${iface}`, iface, 30]);
    await this.call(dev, "AddProperty", "ssv", [IFACE.wireless, "LastScan", new Variant("x", -1)]);
    await this.call(dev, "AddProperty", "ssv", [IFACE.device, "Ip4Config", new Variant("o", "/")]);
    await this.call(dev, "AddProperty", "ssv", [IFACE.device, "Dhcp4Config", new Variant("o", "/")]);
    await this.call(dev, "AddMethod", "sssss", [
      IFACE.wireless,
      "RequestScan",
      "a{sv}",
      "",
      `self.Set('${IFACE.wireless}', 'LastScan', dbus.Int64(self.Get('${IFACE.wireless}', 'LastScan') + 5000))`,
    ]);
    return dev;
  }

  /** AddAccessPoint with NetworkManager's security flags for the given key management (0 = open, 0x100 = PSK). */
  addAccessPoint(dev: string, ssid: string, bssid: string, strength: number, security = 0): Promise<string> {
    return this.#path("AddAccessPoint", "ssssuuuyu", [
      dev,
      `ap${++this.#n}`,
      ssid,
      bssid,
      2,
      2412,
      54_000,
      strength,
      security,
    ]);
  }

  removeAccessPoint(dev: string, ap: string): Promise<unknown[]> {
    return this.call(MAIN, "RemoveAccessPoint", "ss", [dev, ap]);
  }

  /** Sets LastScan the way NetworkManager does when a scan completes. */
  completeScan(dev: string): Promise<unknown[]> {
    this.#lastScan += 5000;
    return this.call(MAIN, "SetProperty", "sssv", [
      dev,
      IFACE.wireless,
      "LastScan",
      new Variant("x", this.#lastScan),
    ]);
  }

  /**
   * Gives the device Ip4Config/Dhcp4Config objects, then activates a connection on the AP
   * (the template jumps straight to ACTIVATED and sets only the active connection's
   * SpecificObject, not ActiveAccessPoint).
   */
  async join(
    dev: string,
    ap: string,
    ssid: string,
    link: { ipv4: string; gateway: string; dns: string[]; uri?: string },
  ): Promise<string> {
    const n = ++this.#n;
    const ip4 = `${NM_PATH}/IP4Config/${n}`;
    const dhcp4 = `${NM_PATH}/DHCP4Config/${n}`;
    await this.call(MAIN, "AddObject", "ssa{sv}a(ssss)", [
      ip4,
      IFACE.ip4Config,
      {
        AddressData: new Variant("aa{sv}", [
          { address: new Variant("s", link.ipv4), prefix: new Variant("u", 24) },
        ]),
        Gateway: new Variant("s", link.gateway),
        NameserverData: new Variant(
          "aa{sv}",
          link.dns.map((a) => ({ address: new Variant("s", a) })),
        ),
      },
      [],
    ]);
    const options: Record<string, Variant> = { ip_address: new Variant("s", link.ipv4) };
    if (link.uri) options.captive_portal = new Variant("s", link.uri);
    await this.call(MAIN, "AddObject", "ssa{sv}a(ssss)", [
      dhcp4,
      IFACE.dhcp4Config,
      { Options: new Variant("a{sv}", options) },
      [],
    ]);
    await this.call(MAIN, "SetProperty", "sssv", [dev, IFACE.device, "Ip4Config", new Variant("o", ip4)]);
    await this.call(MAIN, "SetProperty", "sssv", [dev, IFACE.device, "Dhcp4Config", new Variant("o", dhcp4)]);
    const conn = await this.#path("AddWiFiConnection", "ssss", [dev, `conn${n}`, ssid, "wpa-psk"]);
    return this.#path("AddActiveConnection", "assssu", [[dev], conn, ap, `ac${n}`, 2]);
  }

  leave(dev: string, activeConnection: string): Promise<unknown[]> {
    return this.call(MAIN, "RemoveActiveConnection", "ss", [dev, activeConnection]);
  }

  setConnectivity(n: number): Promise<unknown[]> {
    return this.call(MAIN, "SetConnectivity", "u", [n]);
  }

  /** How often the client called a method, from the mock's own call log. */
  async callCount(path: string, method: string): Promise<number> {
    const [calls] = await this.call(path, "GetMethodCalls", "s", [method]);
    return Array.isArray(calls) ? calls.length : 0;
  }
}
