import { hotspotError, reasonOf } from "../../errors.ts";
import { type BusConnection, dbusErrorName } from "../dbus/bus.ts";
import type { ScanList } from "../source.ts";
import { IFACE, NM_ERRORS } from "./constants.ts";

export interface RescanRequest {
  readonly conn: BusConnection;
  /** NetworkManager's unique name. */
  readonly owner: string;
  /** Interface name, as in ScanList.device. */
  readonly device: string;
  readonly path: string;
  readonly timeoutMs: number;
  /** Subscribes to the source's scan events; returns the unsubscribe. */
  readonly onScan: (listener: (list: ScanList) => void) => () => void;
  /** The device's last list, returned when no fresh one comes. */
  readonly fallback: () => ScanList;
  readonly warn: (e: Error) => void;
}

/**
 * NetworkManager answers RequestScan with `Device.NotAllowed` when a scan ran moments ago or
 * the device cannot scan now, and with `PermissionDenied` when polkit refuses the caller:
 * neither is worth failing `hotspot list --rescan` for, since the last scan is still there.
 */
function refusal(e: unknown): string | undefined {
  const name = dbusErrorName(e);
  if (name === NM_ERRORS.notAllowed) return `rate-limited or not allowed right now (${reasonOf(e)})`;
  if (name === NM_ERRORS.permissionDenied || name === NM_ERRORS.accessDenied) {
    return `permission denied: polkit does not let this user request Wi-Fi scans (${reasonOf(e)})`;
  }
  return undefined;
}

/** Requests a scan of one device and resolves with the list of the scan that completes next. */
export async function rescanDevice(r: RescanRequest): Promise<ScanList> {
  let stopListening: () => void = () => {};
  let timer: NodeJS.Timeout | undefined;
  // Listen before asking: the scan can complete before RequestScan's reply is read.
  const next = new Promise<ScanList | undefined>((resolve) => {
    stopListening = r.onScan((list) => {
      if (list.device === r.device) resolve(list);
    });
    timer = setTimeout(() => resolve(undefined), r.timeoutMs);
  });
  try {
    await r.conn.call({
      destination: r.owner,
      path: r.path,
      interface: IFACE.wireless,
      member: "RequestScan",
      signature: "a{sv}",
      body: [{}],
    });
    const list = await next;
    if (list) return list;
    r.warn(
      hotspotError("HH_NM_SCAN_REFUSED", {
        device: r.device,
        reason: `no scan completed within ${r.timeoutMs} ms`,
      }),
    );
  } catch (e) {
    const why = refusal(e);
    r.warn(
      why
        ? hotspotError("HH_NM_SCAN_REFUSED", { device: r.device, reason: why }, { cause: e })
        : hotspotError("HH_NM_CALL_FAILED", { method: "RequestScan", reason: reasonOf(e) }, { cause: e }),
    );
  } finally {
    clearTimeout(timer);
    stopListening();
  }
  return r.fallback();
}
