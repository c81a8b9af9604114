/**
 * hotspot-helper/sdk: everything a hotspot operator needs to write a plugin, and nothing
 * of the daemon's internals. Import from here only:
 *
 * ```ts
 * import { definePlugin, z } from "hotspot-helper/sdk";
 * ```
 */
export { z } from "zod";
export {
  type BrowserTermsWalkDeps,
  type BrowserTermsWalkOptions,
  walkTermsInBrowser,
} from "./auth/terms/browser-walk.ts";
export { chooseTermsAction, type TermsAction, type TermsChoice } from "./auth/terms/choose.ts";
export {
  readTermsPage,
  type TermsButton,
  type TermsForm,
  type TermsLink,
  type TermsPage,
} from "./auth/terms/page.ts";
export {
  DEFAULT_MAX_STEPS,
  type TermsWalkDeps,
  type TermsWalkOptions,
  type TermsWalkOutcome,
  type TermsWalkStep,
  walkTermsPages,
} from "./auth/terms/walk.ts";
export { browserAvailable } from "./browser/available.ts";
export type {
  BrowserOptions,
  BrowserPage,
  ClickTarget,
  PageReading,
  WaitCondition,
} from "./helper-api/browser.ts";
export { type Claim, configuredNetworkClaims } from "./helper-api/claims.ts";
export { CONFIDENCES, type Confidence, compareConfidence } from "./helper-api/confidence.ts";
export type {
  AuthenticateContext,
  BaseContext,
  CaptivePortalApiClient,
  CaptivePortalApiInfo,
  EvaluateContext,
  FilterScanListContext,
  FormHelper,
  FormInput,
  HtmlForm,
  HttpClient,
  HttpRequestInit,
  HttpResponse,
  JsonValue,
  LogoffContext,
  MaintainContext,
  PluginLogger,
  PluginStore,
  PortalInfo,
  SessionInfo,
  UamClient,
  UamLoginOutcome,
  UamLoginRequest,
  UamParams,
  WisprClient,
  WisprGatewayInfo,
  WisprLoginOutcome,
  WisprLoginRequest,
} from "./helper-api/context.ts";
export { DEFAULT_HOOK_TIMEOUTS_MS } from "./helper-api/deadlines.ts";
export { DISPLAY_NAME_MAX } from "./helper-api/display-name.ts";
export {
  isSecure,
  type JoinedNetwork,
  type ScannedNetwork,
  SECURITIES,
  type Security,
} from "./helper-api/network.ts";
export {
  definePlugin,
  type HookName,
  type Plugin,
  type PluginDefinition,
  type PortalHost,
  SDK_VERSION,
} from "./helper-api/plugin.ts";
export type {
  AuthenticateResult,
  DynamicClaims,
  EvaluateResult,
  LogoffResult,
  MaintainResult,
  SessionFacts,
} from "./helper-api/results.ts";
export { bytesToHex, hexToBytes, ssidToText } from "./helper-api/ssid.ts";
