import { join } from "node:path";
import { userConfigSchema } from "../../../src/config/schema.ts";

/** Where the fixture plugins live: folders as an operator would write them. */
export const FIXTURES = join(import.meta.dirname, "../../fixtures/fault-plugins");

/** The two well-behaved plugins that run beside every fault. */
export const HEALTHY = [
  { id: "healthy-a", dir: "healthy-a", ssid: "Healthy A" },
  { id: "healthy-b", dir: "healthy-b", ssid: "Healthy B" },
] as const;

/**
 * When the fault strikes: `hook` when its network is joined (in authenticate), `import` when
 * the daemon loads the plugin.
 */
export type FaultPhase = "hook" | "import";

export interface Fault {
  /** Short name, the table's first column. */
  readonly name: string;
  readonly pluginId: string;
  readonly dir: string;
  readonly ssid: string;
  readonly phase: FaultPhase;
  readonly description: string;
}

const fault = (name: string, phase: FaultPhase, description: string, ssid = `Fault ${name}`): Fault => ({
  name,
  pluginId: `fault-${name}`,
  dir: name,
  ssid,
  phase,
  description,
});

export const FAULTS: readonly Fault[] = [
  fault("throws", "hook", "authenticate throws"),
  fault("hangs", "hook", "authenticate never answers and ignores its signal"),
  fault("spins", "hook", "authenticate spins the CPU (for (;;) {})"),
  fault("allocates", "hook", "authenticate allocates without bound"),
  fault("exits", "hook", "authenticate calls process.exit(3)"),
  fault("garbage", "hook", "authenticate returns garbage (unknown result, a function, a BigInt)"),
  fault("floods", "hook", "authenticate floods its logger until its deadline"),
  fault("import-throws", "import", "the module throws at import", "Fault import throws"),
  fault("import-spins", "import", "the module's top level is an endless loop", "Fault import spins"),
];

/**
 * How the daemon runs plugin code: `in-process` (config `pluginIsolation: "none"`, and the
 * only host before that key existed) or `isolated` (`"process"`: a child process per plugin).
 */
export type HostMode = "in-process" | "isolated";

/** Whether this build's config has the isolation switch (read from its schema, not assumed). */
const HAS_ISOLATION = "pluginIsolation" in userConfigSchema.shape;

export const HOST_MODES: readonly HostMode[] = HAS_ISOLATION ? ["in-process", "isolated"] : ["in-process"];

/**
 * The daemon's default host, as a config file that says nothing gets it: the mode the suite
 * holds to its promise that every fault is survived.
 */
export const DEFAULT_MODE: HostMode =
  Reflect.get(userConfigSchema.parse({}), "pluginIsolation") === "process" ? "isolated" : "in-process";

/** The config fragment that selects `mode`. */
export function hostModeConfig(mode: HostMode): Record<string, unknown> {
  if (!HAS_ISOLATION) return {};
  return { pluginIsolation: mode === "isolated" ? "process" : "none" };
}
