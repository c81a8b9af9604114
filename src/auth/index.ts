/**
 * src/auth: portal detection, the plugin-facing HTTP client with its cookie jar and
 * credential guard, the form helper, and verification by re-probing.
 */
export { type Cookie, type CookieJar, type CookieJarOptions, createCookieJar } from "./cookies.ts";
export { parseForms } from "./form-parse.ts";
export { createFormHelper, FORM_MAX_REDIRECTS, formFields } from "./forms.ts";
export {
  type AuthHttpClient,
  createHttpClient,
  DEFAULT_HTTP_TIMEOUT_MS,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_REDIRECTS,
  type HttpClientOptions,
  type HttpRequestLogEntry,
} from "./http-client.ts";
export { DEFAULT_PROBE_TIMEOUT_MS, PROBE_BODY_CAP_BYTES, type ProbeOptions, probe } from "./probe.ts";
export { compileSecrets, credentialRefusal, type SecretSet, secretLeaves } from "./secrets.ts";
export { HOTSPOT_USER_AGENT } from "./transport.ts";
export { type VerifyOptions, type VerifyResult, verifyOnline } from "./verify.ts";
