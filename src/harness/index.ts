/**
 * hotspot-helper/harness: captive portals on loopback for tests, the demo and operators
 * checking their plugins.
 *
 * @example
 * ```ts
 * import { startPortal } from "hotspot-helper/harness";
 * const portal = await startPortal({ scenario: "form-login", credentials: { username: "u", password: "p" } });
 * // point the probe at portal.probeUrl, log in, then:
 * portal.authorized(); // true
 * await portal.close();
 * ```
 */
export { escapeHtml, html, page, redirect } from "./html.ts";
export {
  DEFAULT_PORTAL_CREDENTIALS,
  getScenario,
  type Portal,
  type PortalOptions,
  startPortal,
} from "./portal-server.ts";
export { clickThrough } from "./scenarios/click-through.ts";
export { formLogin, SESSION_COOKIE } from "./scenarios/form-login.ts";
export { isScenarioName, SCENARIO_NAMES, type ScenarioName, scenarios } from "./scenarios/index.ts";
export type {
  PortalCredentials,
  PortalRequest,
  PortalResponse,
  ReceivedCredential,
  RequestLogEntry,
  Route,
  Scenario,
  ScenarioEnv,
} from "./types.ts";
