import { z } from "zod";
import { hotspotError, isHotspotError } from "../../errors.ts";
import type { Connectivity } from "../networkmanager/constants.ts";
import { CONNECTIVITY } from "../networkmanager/constants.ts";
import { deviceShowArgs, parseDeviceShow } from "./device-show.ts";
import { type NmcliOptions, runNmcli } from "./nmcli-exec.ts";
import type { ReaderSnapshot, RescanResult, WifiReader } from "./reader.ts";
import { parseWifiList, wifiListArgs } from "./wifi-list.ts";

const connectivitySchema = z.enum(CONNECTIVITY);

/**
 * Reads Wi-Fi through nmcli with our own parser (see wifi-list.ts for why not node-wifi's):
 * exact SSID bytes from `SSID-HEX`, escape-aware splitting, every column checked, the
 * devices' states and link facts from `device show` for joins and leaves.
 */
export class NmcliReader implements WifiReader {
  readonly name = "nmcli";
  readonly #opts: NmcliOptions;

  constructor(options: NmcliOptions = {}) {
    this.#opts = options;
  }

  /** Two nmcli runs, in parallel: the cached scan (`--rescan no` never triggers one) and the devices. */
  async read(): Promise<ReaderSnapshot> {
    return this.#snapshot("no");
  }

  /**
   * `nmcli device wifi rescan` first, because it is the call that reports a refusal
   * (NetworkManager's rate limit, polkit, a device that is activating): a refused scan is
   * HH_NM_SCAN_REFUSED and the cached scan is read instead. When accepted, `--rescan yes`
   * makes nmcli wait until NetworkManager's LastScan is newer than its own request, i.e.
   * until our scan finished (at most nmcli's 15 s).
   */
  async rescan(): Promise<RescanResult> {
    try {
      await runNmcli(["device", "wifi", "rescan"], this.#opts);
    } catch (e) {
      if (!isHotspotError(e, "HH_NM_CALL_FAILED")) throw e;
      const refused = hotspotError(
        "HH_NM_SCAN_REFUSED",
        { device: "every Wi-Fi device", reason: e.params.reason },
        { cause: e },
      );
      return { snapshot: await this.#snapshot("no"), refused };
    }
    return { snapshot: await this.#snapshot("yes") };
  }

  /** `nmcli networking connectivity check`: NetworkManager probes now and answers with the result. */
  async checkConnectivity(): Promise<Connectivity> {
    const out = await runNmcli(["networking", "connectivity", "check"], {
      ...this.#opts,
      timeoutMs: Math.max(this.#opts.timeoutMs ?? 0, 35_000),
    });
    const parsed = connectivitySchema.safeParse(out.trim());
    if (!parsed.success) {
      throw hotspotError("HH_NM_CALL_FAILED", {
        method: "nmcli networking connectivity check",
        reason: `unexpected answer ${JSON.stringify(out.trim().slice(0, 40))}`,
      });
    }
    return parsed.data;
  }

  async #snapshot(rescan: "no" | "yes"): Promise<ReaderSnapshot> {
    const [list, show] = await Promise.all([
      runNmcli(wifiListArgs(rescan), this.#opts),
      runNmcli(deviceShowArgs(), this.#opts),
    ]);
    const { rows, rejected } = parseWifiList(list);
    return { rows, rejected, devices: parseDeviceShow(show) };
  }
}
