import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { hotspotError, reasonOf } from "../errors.ts";
import { firstIssue } from "../util/zod.ts";
import { faultsSchema, latencySchema, type ScenarioFile, scenarioFileSchema } from "./fixture-schema.ts";
import { behaviours } from "./scenarios/behaviours.ts";
import type { Scenario } from "./types.ts";

/**
 * The scenario catalogue: the built-in scenario files in fixtures/portals/, validated and
 * turned into Scenarios by their behaviours. A scenario is addressed by name, optionally
 * with a variant: `wispr` or `wispr:pending`. Operators can load their own files with
 * `loadScenarioFile` and pass the result to `buildScenario`.
 */

export const FIXTURES_DIR = fileURLToPath(new URL("../../fixtures/portals/", import.meta.url));

/** The built-in scenarios, in the order `hotspot harness list` shows them. */
export const BUILTIN_SCENARIO_NAMES = [
  "not-captive",
  "broken-proxy",
  "click-through",
  "form-login",
  "wispr",
  "wispr2",
  "capport",
  "js-only",
  "uam-chap",
  "expiring",
  "flaky",
  "hostile",
  "strict-headers",
  "status-511",
  "meta-refresh",
  "redirect-chain",
  "tls-intercept",
] as const;

export type ScenarioName = (typeof BUILTIN_SCENARIO_NAMES)[number];

export function isScenarioName(name: string): name is ScenarioName {
  return (BUILTIN_SCENARIO_NAMES as readonly string[]).includes(name);
}

export const SCENARIO_NAMES: readonly ScenarioName[] = BUILTIN_SCENARIO_NAMES;

function invalid(file: string, error: unknown) {
  const { field, reason } =
    error instanceof z.ZodError ? firstIssue(error) : { field: "(root)", reason: reasonOf(error) };
  return hotspotError("HH_HARNESS_FIXTURE_INVALID", { file, field, reason }, { cause: error });
}

/** Parses a scenario file's text; HH_HARNESS_FIXTURE_INVALID names the file and field. */
export function parseScenarioFile(text: string, file: string): ScenarioFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw invalid(file, e);
  }
  const parsed = scenarioFileSchema.safeParse(raw);
  if (!parsed.success) throw invalid(file, parsed.error);
  if (!Object.hasOwn(behaviours, parsed.data.behaviour)) {
    throw hotspotError("HH_HARNESS_FIXTURE_INVALID", {
      file,
      field: "behaviour",
      reason: `unknown behaviour "${parsed.data.behaviour}" (known: ${Object.keys(behaviours).join(", ")})`,
    });
  }
  return parsed.data;
}

/** Reads and validates a scenario file. */
export function loadScenarioFile(path: string): ScenarioFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw hotspotError("HH_FILE_UNREADABLE", { file: path, reason: reasonOf(e) }, { cause: e });
  }
  return parseScenarioFile(text, path);
}

export interface BuildScenarioOptions {
  /** A key of the file's `variants`. */
  readonly variant?: string;
  /** Behaviour parameters overriding the file's and the variant's (e.g. a short `sessionSeconds` in a test). */
  readonly params?: Readonly<Record<string, unknown>>;
}

/** Builds a Scenario from a validated file, a variant and parameter overrides. */
export function buildScenario(file: ScenarioFile, opts: BuildScenarioOptions = {}): Scenario {
  const variant = opts.variant === undefined ? undefined : file.variants[opts.variant];
  if (opts.variant !== undefined && variant === undefined) {
    throw hotspotError("HH_HARNESS_SCENARIO_UNKNOWN", {
      scenario: `${file.name}:${opts.variant}`,
      known: [file.name, ...Object.keys(file.variants).map((v) => `${file.name}:${v}`)].join(", "),
    });
  }
  const behaviour = behaviours[file.behaviour];
  if (!behaviour) throw invalid(file.name, new Error(`unknown behaviour ${file.behaviour}`));
  const params = { ...file.params, ...variant?.params, ...opts.params };
  let core: ReturnType<typeof behaviour.build>;
  try {
    core = behaviour.build(params);
  } catch (e) {
    throw invalid(opts.variant === undefined ? file.name : `${file.name}:${opts.variant}`, e);
  }
  const latency = variant?.latency ?? file.latency;
  const faults = variant?.faults ?? file.faults;
  return {
    ...core,
    name: file.name,
    ...(opts.variant === undefined ? {} : { variant: opts.variant }),
    description: variant?.description ?? file.description,
    modelledOn: file.modelledOn,
    ...(latency ? { latency: latencySchema.parse(latency) } : {}),
    ...(faults ? { faults: faultsSchema.parse(faults) } : {}),
    ...(file.credentials ? { credentials: file.credentials } : {}),
  };
}

const files = new Map<ScenarioName, ScenarioFile>();

/** The built-in scenario file `name` (read once). */
export function scenarioFile(name: ScenarioName): ScenarioFile {
  let file = files.get(name);
  if (!file) {
    file = loadScenarioFile(join(FIXTURES_DIR, `${name}.json`));
    if (file.name !== name) {
      throw hotspotError("HH_HARNESS_FIXTURE_INVALID", {
        file: `${name}.json`,
        field: "name",
        reason: `"${file.name}" does not match the file name`,
      });
    }
    files.set(name, file);
  }
  return file;
}

/** Splits `wispr:pending` into name and variant. */
export function parseScenarioSpec(spec: string): { name: string; variant?: string } {
  const colon = spec.indexOf(":");
  return colon < 0 ? { name: spec } : { name: spec.slice(0, colon), variant: spec.slice(colon + 1) };
}

/**
 * The built-in scenario `spec` (`name` or `name:variant`); HH_HARNESS_SCENARIO_UNKNOWN (a
 * user error naming the known ones) when there is none.
 */
export function getScenario(spec: string, opts: BuildScenarioOptions = {}): Scenario {
  const { name, variant } = parseScenarioSpec(spec);
  if (!isScenarioName(name)) {
    throw hotspotError("HH_HARNESS_SCENARIO_UNKNOWN", { scenario: spec, known: SCENARIO_NAMES.join(", ") });
  }
  const chosen = opts.variant ?? variant;
  return buildScenario(scenarioFile(name), { ...opts, ...(chosen === undefined ? {} : { variant: chosen }) });
}

/** One row of `hotspot harness list`. */
export interface ScenarioSummary {
  readonly name: string;
  readonly description: string;
  readonly modelledOn: string;
  readonly variants: readonly { readonly name: string; readonly description: string }[];
}

export function listScenarios(): readonly ScenarioSummary[] {
  return SCENARIO_NAMES.map((name) => {
    const file = scenarioFile(name);
    return {
      name,
      description: file.description,
      modelledOn: file.modelledOn,
      variants: Object.entries(file.variants).map(([v, spec]) => ({
        name: v,
        description: spec.description,
      })),
    };
  });
}
