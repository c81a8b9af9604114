/** Scenario names and lookup (kept here for existing importers; the catalogue lives in ../catalog.ts). */
export {
  BUILTIN_SCENARIO_NAMES,
  getScenario,
  isScenarioName,
  SCENARIO_NAMES,
  type ScenarioName,
} from "../catalog.ts";
export { behaviours } from "./behaviours.ts";
