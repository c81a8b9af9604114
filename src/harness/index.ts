/**
 * hotspot-helper/harness: simulated captive portals for tests, the demo and operators
 * checking their plugins. Loopback mode needs nothing; namespace mode (root) puts a portal
 * behind dnsmasq and an nftables walled garden in network namespaces
 * (`startNamespaceWorld`); `runPluginTest` is `hotspot plugin test` as a function.
 * See src/harness/README.md for the scenario catalogue.
 *
 * @example
 * ```ts
 * import { startPortal } from "hotspot-helper/harness";
 * const portal = await startPortal({ scenario: "form-login", credentials: { username: "u", password: "p" } });
 * // point the probe at portal.probeUrl, log in, then:
 * portal.authorized(); // true
 * portal.criticalPath(); // requests and connections from first probe to let-through
 * await portal.close();
 * ```
 */
export {
  BUILTIN_SCENARIO_NAMES,
  type BuildScenarioOptions,
  buildScenario,
  FIXTURES_DIR,
  getScenario,
  isScenarioName,
  listScenarios,
  loadScenarioFile,
  parseScenarioFile,
  parseScenarioSpec,
  SCENARIO_NAMES,
  type ScenarioName,
  type ScenarioSummary,
} from "./catalog.ts";
export { type AnyBehaviour, type Behaviour, defineBehaviour, type ScenarioFile } from "./fixture-schema.ts";
export { escapeHtml, html, json, page, redirect } from "./html.ts";
export { APPLE_SUCCESS, internetAnswer } from "./internet.ts";
export type { Lease } from "./netns/dhcp-client.ts";
export { ADDRESSES as NAMESPACE_ADDRESSES } from "./netns/names.ts";
export { gardenRuleset } from "./netns/nftables.ts";
export type { NamespacePortal } from "./netns/portal-process.ts";
export {
  type NamespaceWorld,
  type NamespaceWorldOptions,
  namespaceModeUnavailable,
  startNamespaceWorld,
  withNamespaceWorld,
} from "./netns/world.ts";
export { type PluginTestOptions, type PluginTestReport, runPluginTest } from "./plugin-runner.ts";
export type { PluginStep, StepResult } from "./plugin-steps.ts";
export {
  DEFAULT_PORTAL_CREDENTIALS,
  type Portal,
  type PortalOptions,
  startPortal,
  withPortal,
} from "./portal-server.ts";
export { criticalPath, formatCriticalPath, formatRequestLog, PROBE_PATHS } from "./request-log.ts";
export { behaviours } from "./scenarios/behaviours.ts";
export { CAPTIVE_JSON } from "./scenarios/capport.ts";
export { chapChallenge, chapResponse, decodePapPassword, papPassword } from "./scenarios/chap.ts";
export { SESSION_COOKIE } from "./scenarios/form-login.ts";
export { entityBomb } from "./scenarios/hostile.ts";
export { jsProof } from "./scenarios/js-only.ts";
export { MESSAGE as WISPR_MESSAGE, RESPONSE as WISPR_RESPONSE } from "./scenarios/wispr-xml.ts";
export { harnessTls, type TlsMaterial } from "./tls.ts";
export type {
  CriticalPath,
  FaultSpec,
  GardenEvent,
  GardenSession,
  LatencySpec,
  PortalCredentials,
  PortalRequest,
  PortalResponse,
  ReceivedCredential,
  RequestLogEntry,
  Route,
  Scenario,
  ScenarioEnv,
  ScenarioHandlers,
  SessionLimits,
  StreamedBody,
} from "./types.ts";

import { getScenario } from "./catalog.ts";
import type { Scenario } from "./types.ts";

/** The built-in click-through scenario (kept for importers of the first harness version). */
export const clickThrough: Scenario = getScenario("click-through");
/** The built-in form-login scenario. */
export const formLogin: Scenario = getScenario("form-login");
