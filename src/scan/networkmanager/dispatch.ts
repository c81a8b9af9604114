import type { Message } from "@jellybrick/dbus-next";
import { IFACE, NM_PATH } from "./constants.ts";
import type { PropertyProblem } from "./decode.ts";
import { signalSignature } from "./introspection.ts";
import type { Reader } from "./reader.ts";
import { type ObjectStore, TRACKED_INTERFACES } from "./store.ts";
import type { Tracker } from "./tracker.ts";

/**
 * Applies one NetworkManager signal to the store and tells the tracker what changed.
 * Signal bodies are checked against our own introspection table first: a peer that sends a
 * signal with another signature is reported, not trusted.
 */

/** Properties that name other objects: a change may mean there is something new to read. */
const REFERENCE_KEYS = new Set([
  "Devices",
  "ActiveConnections",
  "AccessPoints",
  "ActiveAccessPoint",
  "ActiveConnection",
  "Ip4Config",
  "Dhcp4Config",
  "DeviceType",
  "SpecificObject",
]);

export interface DispatchContext {
  readonly store: ObjectStore;
  readonly reader: Reader;
  readonly tracker: Tracker;
  readonly problem: (path: string, iface: string, problem: PropertyProblem) => void;
  /** Manager or device connectivity may have changed. */
  readonly connectivityChanged: () => void;
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === "string");
}

export function dispatchSignal(ctx: DispatchContext, msg: Message): void {
  const { store, reader, tracker } = ctx;
  const expected = signalSignature(msg.interface, msg.member);
  if (expected === undefined) return;
  if (expected !== msg.signature) {
    ctx.problem(msg.path, msg.interface, {
      property: msg.member,
      reason: `signal with signature "${msg.signature}", expected "${expected}"`,
    });
    return;
  }
  const body = msg.body;
  const changed = (path: string, iface: string, keys: readonly string[]): void => {
    tracker.changed(path, iface, keys);
    if (keys.some((k) => REFERENCE_KEYS.has(k))) {
      void reader.ensureReferenced().then(() => tracker.changed(path, iface, keys));
    }
    if (keys.includes("Connectivity") || keys.includes("Ip4Connectivity") || keys.includes("Devices")) {
      ctx.connectivityChanged();
    }
  };

  switch (`${msg.interface}.${msg.member}`) {
    case `${IFACE.properties}.PropertiesChanged`: {
      const [iface, props, invalidated] = body;
      if (typeof iface !== "string" || !TRACKED_INTERFACES.has(iface)) return;
      // A delta for an object we have not read is no picture of it: the full read that its
      // announcement triggers will include this value (D-Bus keeps one sender's messages in order).
      if (!store.has(msg.path, iface)) return;
      const inv = isStringArray(invalidated) ? invalidated : [];
      const r = store.apply(msg.path, iface, props, { replace: false, invalidated: inv });
      for (const p of r.problems) ctx.problem(msg.path, iface, p);
      if (r.keys.length > 0) changed(msg.path, iface, r.keys);
      return;
    }
    case `${IFACE.objectManager}.InterfacesAdded`: {
      const [path, ifaces] = body;
      if (typeof path !== "string" || typeof ifaces !== "object" || ifaces === null) return;
      reader.forgetFailure(path);
      for (const [iface, props] of Object.entries(ifaces)) {
        if (!TRACKED_INTERFACES.has(iface)) continue;
        const r = store.apply(path, iface, props, { replace: true });
        for (const p of r.problems) ctx.problem(path, iface, p);
        changed(path, iface, r.keys);
      }
      return;
    }
    case `${IFACE.objectManager}.InterfacesRemoved`: {
      const [path, ifaces] = body;
      if (typeof path !== "string" || !isStringArray(ifaces)) return;
      store.remove(path, ifaces);
      for (const iface of ifaces) if (TRACKED_INTERFACES.has(iface)) changed(path, iface, ["(removed)"]);
      return;
    }
    case `${IFACE.device}.StateChanged`: {
      const [state] = body;
      if (typeof state !== "number") return;
      store.setDeviceState(msg.path, state);
      changed(msg.path, IFACE.device, ["State"]);
      return;
    }
    case `${IFACE.wireless}.AccessPointAdded`:
    case `${IFACE.wireless}.AccessPointRemoved`: {
      const [ap] = body;
      if (typeof ap !== "string") return;
      const added = msg.member === "AccessPointAdded";
      if (added) reader.forgetFailure(ap);
      // Each AP object belongs to one device; without this a peer that sends no
      // InterfacesRemoved would leave every vanished AP in memory.
      else store.remove(ap, [IFACE.accessPoint]);
      if (store.setAccessPointListed(msg.path, ap, added))
        changed(msg.path, IFACE.wireless, ["AccessPoints"]);
      return;
    }
    case `${IFACE.manager}.DeviceAdded`:
    case `${IFACE.manager}.DeviceRemoved`: {
      const [dev] = body;
      if (typeof dev !== "string") return;
      const added = msg.member === "DeviceAdded";
      if (added) reader.forgetFailure(dev);
      else store.remove(dev);
      if (store.setDeviceListed(dev, added)) changed(NM_PATH, IFACE.manager, ["Devices"]);
      return;
    }
  }
}
