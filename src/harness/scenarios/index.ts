import type { Scenario } from "../types.ts";
import { clickThrough } from "./click-through.ts";
import { formLogin } from "./form-login.ts";

/** The built-in scenarios by name. Add a module and list it here. */
export const scenarios = {
  "click-through": clickThrough,
  "form-login": formLogin,
} as const satisfies Readonly<Record<string, Scenario>>;

export type ScenarioName = keyof typeof scenarios;

export function isScenarioName(name: string): name is ScenarioName {
  return Object.hasOwn(scenarios, name);
}

export const SCENARIO_NAMES: readonly ScenarioName[] = Object.keys(scenarios).filter(isScenarioName);
