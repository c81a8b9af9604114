import { DBusError, Message, MessageType, type Variant } from "@jellybrick/dbus-next";
import { IFACE, NM_OBJECT_MANAGER_PATH, NM_PATH } from "../../scan/networkmanager/constants.ts";
import {
  INTERFACES,
  type InterfaceSpec,
  introspectionXml,
  OBJECT_MANAGER,
  PROPERTIES,
} from "../../scan/networkmanager/introspection.ts";
import type { SimObjects } from "./objects.ts";

/**
 * Method calls to the simulated NetworkManager: the standard Properties / Introspectable /
 * Peer / ObjectManager interfaces over the object table, and the few NetworkManager methods
 * the client uses, delegated to the scripting layer.
 */

export interface SimMethods {
  getDevices(): string[];
  /** Throws a DBusError to refuse (rate limit, polkit). */
  requestScan(devicePath: string): void;
  checkConnectivity(): Promise<number>;
  disconnect(devicePath: string): Promise<void>;
  /** GetSettings of a connection profile, or undefined when there is none at that path. */
  settings(profilePath: string): Record<string, Record<string, Variant>> | undefined;
  /** Counts every call by "Interface.Member", for assertions. */
  called(member: string): void;
}

const ERR = {
  unknownMethod: "org.freedesktop.DBus.Error.UnknownMethod",
  unknownObject: "org.freedesktop.DBus.Error.UnknownObject",
  unknownInterface: "org.freedesktop.DBus.Error.UnknownInterface",
  unknownProperty: "org.freedesktop.DBus.Error.UnknownProperty",
  propertyReadOnly: "org.freedesktop.DBus.Error.PropertyReadOnly",
} as const;

function childNodes(paths: readonly string[], path: string): string[] {
  const prefix = path === "/" ? "/" : `${path}/`;
  const kids = new Set<string>();
  for (const p of paths) {
    if (p.startsWith(prefix) && p !== path) {
      const first = p.slice(prefix.length).split("/")[0];
      if (first) kids.add(first);
    }
  }
  return [...kids];
}

export function createMethodHandler(
  objects: SimObjects,
  methods: SimMethods,
  send: (msg: Message) => void,
): (msg: Message) => boolean {
  const handle = async (msg: Message): Promise<[string, unknown[]]> => {
    const { path, member } = msg;
    const body = msg.body;
    methods.called(`${msg.interface}.${member}`);
    switch (msg.interface) {
      case IFACE.properties: {
        const [iface, name] = body;
        if (typeof iface !== "string") throw new DBusError(ERR.unknownInterface, "no interface name");
        const all = objects.getAll(path, iface);
        if (!objects.has(path)) throw new DBusError(ERR.unknownObject, `no object ${path}`);
        if (!all) throw new DBusError(ERR.unknownInterface, `no interface ${iface} on ${path}`);
        if (member === "GetAll") return ["a{sv}", [all]];
        if (member === "Get" && typeof name === "string") {
          const v = all[name];
          if (!v) throw new DBusError(ERR.unknownProperty, `no property ${iface}.${name}`);
          return ["v", [v]];
        }
        if (member === "Set")
          throw new DBusError(ERR.propertyReadOnly, "the simulated NetworkManager is read-only");
        break;
      }
      case IFACE.introspectable: {
        if (member !== "Introspect") break;
        const specs: InterfaceSpec[] = [PROPERTIES];
        for (const i of objects.interfacesOf(path)) {
          const spec = INTERFACES.get(i);
          if (spec) specs.push(spec);
        }
        if (path === NM_OBJECT_MANAGER_PATH) specs.push(OBJECT_MANAGER);
        return ["s", [introspectionXml(specs, childNodes(objects.paths(), path))]];
      }
      case IFACE.peer:
        if (member === "Ping") return ["", []];
        break;
      case IFACE.objectManager:
        if (member === "GetManagedObjects" && path === NM_OBJECT_MANAGER_PATH)
          return ["a{oa{sa{sv}}}", [objects.managed()]];
        break;
      case IFACE.manager:
        if (path !== NM_PATH) break;
        if (member === "GetDevices" || member === "GetAllDevices") return ["ao", [methods.getDevices()]];
        if (member === "CheckConnectivity") return ["u", [await methods.checkConnectivity()]];
        break;
      case IFACE.wireless:
        if (!objects.getAll(path, IFACE.wireless))
          throw new DBusError(ERR.unknownObject, `no Wi-Fi device ${path}`);
        if (member === "GetAccessPoints" || member === "GetAllAccessPoints") {
          return ["ao", [objects.get(path, IFACE.wireless, "AccessPoints") ?? []]];
        }
        if (member === "RequestScan") {
          methods.requestScan(path);
          return ["", []];
        }
        break;
      case IFACE.settingsConnection: {
        const settings = methods.settings(path);
        if (!settings) throw new DBusError(ERR.unknownObject, `no connection profile ${path}`);
        if (member === "GetSettings") return ["a{sa{sv}}", [settings]];
        break;
      }
      case IFACE.device:
        if (member === "Disconnect") {
          await methods.disconnect(path);
          return ["", []];
        }
        break;
    }
    throw new DBusError(ERR.unknownMethod, `no method ${msg.interface}.${member} on ${path}`);
  };

  return (msg: Message): boolean => {
    if (msg.type !== MessageType.METHOD_CALL) return false;
    // NetworkManager has sent whatever it had queued before it reads a call (see
    // SimulatedNetworkManager.holdPropertiesChanged), and the reply follows those signals.
    objects.releaseHeld();
    handle(msg).then(
      ([signature, body]) => send(Message.newMethodReturn(msg, signature, body)),
      (e: unknown) => {
        const name = e instanceof DBusError ? e.type : "org.freedesktop.DBus.Error.Failed";
        const text = e instanceof DBusError ? e.text : String(e);
        send(Message.newError(msg, name, text));
      },
    );
    return true;
  };
}
