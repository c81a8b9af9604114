import { dbusDaemonAvailable, type PrivateBus, startPrivateBus } from "../../../src/harness/dbus-daemon.ts";
import { SimulatedNetworkManager } from "../../../src/harness/nm/index.ts";
import type {
  NetworkManagerSource,
  NetworkManagerSourceOptions,
} from "../../../src/scan/networkmanager/index.ts";
import { createNetworkManagerSource } from "../../../src/scan/networkmanager/index.ts";
import type { ScanSourceEvents } from "../../../src/scan/source.ts";

/** Why a D-Bus suite cannot run here, or undefined when it can. */
export const noDbusReason: string | undefined = dbusDaemonAvailable()
  ? undefined
  : "dbus-daemon is not installed (run the tests as root so scripts/ensure-system-deps.sh installs it)";

type EventName = keyof ScanSourceEvents;
type EventArg<E extends EventName> = Parameters<ScanSourceEvents[E]>[0];

/** Records every event a source emits, and waits for the next matching one. */
export class Recorder {
  readonly events: { name: EventName; arg: unknown }[] = [];
  readonly #source: NetworkManagerSource;
  readonly #waiters: { name: EventName; test: (a: unknown) => boolean; resolve: (a: unknown) => void }[] = [];

  constructor(source: NetworkManagerSource) {
    this.#source = source;
    for (const name of ["scan", "join", "leave", "roam", "warning"] as const) {
      source.on(name, (arg: unknown) => {
        this.events.push({ name, arg });
        for (const w of [...this.#waiters]) {
          if (w.name === name && w.test(arg)) {
            this.#waiters.splice(this.#waiters.indexOf(w), 1);
            w.resolve(arg);
          }
        }
      });
    }
  }

  of<E extends EventName>(name: E): EventArg<E>[] {
    return this.events.filter((e) => e.name === name).map((e) => e.arg as EventArg<E>);
  }

  /** Resolves with the next `name` event (after this call) that passes `test`. */
  next<E extends EventName>(
    name: E,
    test: (a: EventArg<E>) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<EventArg<E>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${name} event within ${timeoutMs} ms`)), timeoutMs);
      this.#waiters.push({
        name,
        test: (a) => test(a as EventArg<E>),
        resolve: (a) => {
          clearTimeout(timer);
          resolve(a as EventArg<E>);
        },
      });
    });
  }

  get source(): NetworkManagerSource {
    return this.#source;
  }
}

export interface World {
  readonly bus: PrivateBus;
  readonly sim: SimulatedNetworkManager;
  readonly source: NetworkManagerSource;
  readonly rec: Recorder;
  close(): Promise<void>;
}

/** A private bus with a simulated NetworkManager (set up by `script` before the client starts) and a started client. */
export async function world(
  script: (sim: SimulatedNetworkManager) => void | Promise<void> = () => {},
  options: Omit<NetworkManagerSourceOptions, "busAddress"> = {},
): Promise<World> {
  const bus = await startPrivateBus();
  const sim = await SimulatedNetworkManager.start({ busAddress: bus.address });
  await script(sim);
  await sim.flushed();
  const source = createNetworkManagerSource({ busAddress: bus.address, ...options });
  const rec = new Recorder(source);
  await source.start();
  await source.whenReady();
  return {
    bus,
    sim,
    source,
    rec,
    async close() {
      await source.stop();
      await sim.stop();
      await bus.stop();
    },
  };
}

export const text = (b: Uint8Array): string => Buffer.from(b).toString("utf8");
