import { z } from "zod";
import type { FaultSpec, LatencySpec, ScenarioEnv, ScenarioHandlers } from "./types.ts";

/**
 * The declarative half of a scenario: `fixtures/portals/<name>.json`. A file names the
 * behaviour (code in src/harness/scenarios/) and gives its parameters: paths, accounts,
 * timings, latency, faults, and named variants that override some of them. Behaviour
 * parameters are validated by the behaviour's own zod schema when a scenario is built.
 */

const nonNegativeMs = z.number().int().nonnegative().max(600_000);

export const latencySchema = z
  .object({
    /** Before every response, ms. */
    defaultMs: nonNegativeMs.default(0),
    /** Per request path, ms (overrides defaultMs). */
    byPath: z.record(z.string().startsWith("/"), nonNegativeMs).default({}),
  })
  .strict();

export const faultsSchema = z
  .object({
    failFirst: z.number().int().nonnegative().default(0),
    failStatus: z.number().int().min(500).max(599).default(503),
    dropEvery: z.number().int().nonnegative().default(0),
    slowEvery: z.number().int().nonnegative().default(0),
    slowMs: nonNegativeMs.default(0),
  })
  .strict();

const credentialsSchema = z.object({ username: z.string().min(1), password: z.string().min(1) }).strict();

const paramsSchema = z.record(z.string(), z.unknown());

const variantSchema = z
  .object({
    description: z.string().min(1),
    params: paramsSchema.default({}),
    latency: latencySchema.optional(),
    faults: faultsSchema.optional(),
  })
  .strict();

export const scenarioFileSchema = z
  .object({
    /** Must equal the file name without `.json`. */
    name: z.string().regex(/^[a-z][a-z0-9-]*$/, "kebab-case"),
    /** Which code implements it (a key of src/harness/scenarios/index.ts). */
    behaviour: z.string().min(1),
    description: z.string().min(1),
    modelledOn: z.string().min(1),
    /** The test account it accepts by default (startPortal's `credentials` override it). */
    credentials: credentialsSchema.optional(),
    latency: latencySchema.optional(),
    faults: faultsSchema.optional(),
    params: paramsSchema.default({}),
    variants: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/, "kebab-case"), variantSchema).default({}),
  })
  .strict();

export type ScenarioFile = z.infer<typeof scenarioFileSchema>;

/** What a behaviour contributes to a Scenario (the rest comes from the file). */
export interface ScenarioCore {
  readonly loginPath: string;
  readonly apiPath?: string;
  readonly tls?: boolean;
  readonly open?: boolean;
  readonly hostAliases?: readonly string[];
  routes(env: ScenarioEnv): ScenarioHandlers;
}

/** A behaviour: parameters schema plus the code that builds the scenario from them. */
export interface Behaviour<P> {
  readonly params: z.ZodType<P>;
  build(params: P): ScenarioCore;
}

/** A behaviour with its parameter type erased, so behaviours of different types share a table. */
export interface AnyBehaviour {
  /** Validates `raw` with the behaviour's schema; throws the zod error. */
  build(raw: unknown): ScenarioCore;
}

export function defineBehaviour<P>(b: Behaviour<P>): AnyBehaviour {
  return { build: (raw) => b.build(b.params.parse(raw)) };
}

export type { FaultSpec, LatencySpec };
