import semver from "semver";
import { z } from "zod";
import { type HotspotError, hotspotError } from "../errors.ts";
import { closest, didYouMean } from "../util/suggest.ts";
import { describeIssue as zodIssueText } from "../util/zod.ts";
import { type Claim, claimSchema } from "./claims.ts";
import { displayNameSchema } from "./display-name.ts";
import {
  definePlugin,
  HOOK_NAMES,
  type Plugin,
  type PluginDefinition,
  type PortalHost,
  SDK_VERSION,
} from "./plugin.ts";

/**
 * The load-time check of a plugin module's default export. Plugins are written in
 * TypeScript against the SDK types, but nothing stops a JavaScript plugin (or a typo the
 * types let through, such as a misspelt optional hook) from reaching the daemon, so the
 * definition is validated as unknown data. Unknown keys are errors: `authenticat` must not
 * silently become a plugin without a login.
 */

type Definition = PluginDefinition<unknown, unknown>;

export const PLUGIN_ID_RE = /^[a-z0-9]+(-[a-z0-9]+)*$/;

const fn = <T>() => z.custom<T>((v) => typeof v === "function", { message: "must be a function" });

const zodSchemaLike = z.custom<z.ZodType<unknown>>(
  (v) => typeof v === "object" && v !== null && "safeParse" in v && typeof v.safeParse === "function",
  { message: "must be a zod schema (an object with safeParse)" },
);

/** Host names, IP literals and `*.suffix` wildcards; no scheme, port or path. */
export const portalHostSchema = z
  .object({
    host: z
      .string()
      .min(1)
      .max(253)
      .regex(
        /^(\*\.)?[A-Za-z0-9.\-[\]:]+$/,
        "must be a host name such as login.example.net or *.example.net",
      ),
    allowHttp: z.boolean().optional(),
  })
  .strict();

const timeoutMs = z.number().int().positive().max(600_000);

const definitionSchema = z
  .object({
    id: z
      .string()
      .max(64, "must be at most 64 characters")
      .regex(
        PLUGIN_ID_RE,
        "must be kebab-case: lower-case letters and digits in words joined by single hyphens",
      ),
    displayName: displayNameSchema,
    version: z.string().refine((v) => semver.valid(v) !== null, "must be a semver version such as 1.0.0"),
    sdk: z.string().refine((v) => semver.validRange(v) !== null, "must be a semver range such as ^0.1.0"),
    description: z.string().max(200).optional(),
    priority: z.number().int().min(-1_000_000).max(1_000_000).default(0),
    portalHosts: z
      .union([z.array(portalHostSchema), fn<(config: unknown) => readonly PortalHost[]>()])
      .optional(),
    configSchema: zodSchemaLike.optional(),
    credentialsSchema: zodSchemaLike.optional(),
    claims: z.union([z.array(z.unknown()), fn<(config: unknown) => readonly Claim[]>()]).optional(),
    timeouts: z
      .object(Object.fromEntries(HOOK_NAMES.map((h) => [h, timeoutMs.optional()])))
      .strict()
      .optional(),
    needsBrowser: z.boolean().optional(),
    filterScanList: fn<NonNullable<Definition["filterScanList"]>>().optional(),
    evaluate: fn<NonNullable<Definition["evaluate"]>>().optional(),
    authenticate: fn<NonNullable<Definition["authenticate"]>>().optional(),
    maintain: fn<NonNullable<Definition["maintain"]>>().optional(),
    logoff: fn<NonNullable<Definition["logoff"]>>().optional(),
  })
  .strict();

const KNOWN_KEYS: readonly string[] = Object.keys(definitionSchema.shape);

/** Where a problem was found: the plugin's id when it has a valid one, else its path. */
export interface DefinitionOrigin {
  readonly path: string;
  readonly id?: string | undefined;
}

function invalid(origin: DefinitionOrigin, field: string, reason: string): HotspotError {
  return hotspotError("HH_PLUGIN_DEFINITION_INVALID", {
    plugin: origin.id ?? origin.path,
    path: origin.path,
    field,
    reason,
  });
}

function dotted(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join("");
}

/** Keys each nested object of a definition accepts, for "did you mean" on a typo inside it. */
const NESTED_KEYS: Readonly<Record<string, readonly string[]>> = {
  timeouts: HOOK_NAMES,
  portalHosts: ["host", "allowHttp"],
};

/** A claim's possible keys; one matcher plus these. */
const MATCHERS = ["ssid", "ssidPrefix", "ssidPattern", "bssidPrefix"] as const;
const CLAIM_KEYS: readonly string[] = [...MATCHERS, "flags", "confidence", "security"];

/** `known`: the keys allowed where the issue's path starts (the definition's own by default). */
function describeIssue(
  issue: z.core.$ZodIssue,
  known: readonly string[] = KNOWN_KEYS,
): { field: string; reason: string } {
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0] ?? "?";
    const field = dotted([...issue.path, key]);
    const head = issue.path[0];
    const keys = issue.path.length === 0 ? known : typeof head === "string" ? (NESTED_KEYS[head] ?? []) : [];
    return { field, reason: `unknown key${didYouMean(key, keys)}` };
  }
  if (issue.code === "invalid_union") {
    // portalHosts and claims take a list or a function: the branch that got furthest into
    // the value is the one the author meant, and its issue is the useful one.
    const deepest = issue.errors
      .map((branch) => branch.find((i) => i.code === "unrecognized_keys") ?? branch[0])
      .filter((i) => i !== undefined && i.path.length > 0)
      .sort((a, b) => (b?.path.length ?? 0) - (a?.path.length ?? 0))[0];
    if (deepest) return describeIssue({ ...deepest, path: [...issue.path, ...deepest.path] }, known);
  }
  const { reason } = zodIssueText(issue);
  return { field: issue.path.length === 0 ? "(root)" : dotted(issue.path), reason };
}

let lastClaimError: z.ZodError | undefined;

/**
 * claimSchema is a union, whose own error says only "invalid input"; the claim's matcher
 * key tells which branch the author meant, and that branch's first issue is the useful one.
 */
function describeClaimIssue(item: unknown, error: z.ZodError | undefined): { field: string; reason: string } {
  if (typeof item !== "object" || item === null || Array.isArray(item)) {
    return { field: "(root)", reason: "a claim must be an object" };
  }
  const present = MATCHERS.filter((m) => m in item);
  if (present.length === 0) {
    // Most often a misspelt matcher (`sssid`, `SSID`): name it and what it was meant to be.
    const typo = Object.keys(item).find((k) => !CLAIM_KEYS.includes(k) && closest(k, MATCHERS) !== undefined);
    if (typo !== undefined) return { field: typo, reason: `unknown key${didYouMean(typo, MATCHERS)}` };
  }
  if (present.length !== 1) {
    return { field: "(root)", reason: `a claim needs exactly one of ${MATCHERS.join(", ")}` };
  }
  const issue = error?.issues[0];
  if (issue?.code === "invalid_union") {
    const issues = issue.errors[MATCHERS.indexOf(present[0] ?? "ssid")] ?? [];
    // A misspelt key also makes the key it was meant to be "missing": the typo is the news.
    const branch = issues.find((i) => i.code === "unrecognized_keys") ?? issues[0];
    if (branch) return describeIssue(branch, CLAIM_KEYS);
  }
  return issue ? describeIssue(issue, CLAIM_KEYS) : { field: "(root)", reason: "invalid claim" };
}

/** A type guard over claimSchema that leaves the failure in `lastClaimError`. */
function isValidClaim(v: unknown): v is Claim {
  const parsed = claimSchema.safeParse(v);
  lastClaimError = parsed.success ? undefined : parsed.error;
  return parsed.success;
}

/**
 * Validates static claims (from the definition, or what a claims function returned).
 * `field` prefixes error paths, e.g. `claims` → `claims[3].ssid`.
 *
 * Valid claims are kept as the plugin's own (now frozen) objects rather than zod's copies:
 * the plugin's module keeps its array alive anyway, and with a million claims a second
 * copy would double the registry's heap. BSSID prefixes are lower-cased by the index.
 */
export function validateClaims(raw: unknown, origin: DefinitionOrigin, field = "claims"): readonly Claim[] {
  if (!Array.isArray(raw)) throw invalid(origin, field, "must be an array of claims");
  const out: Claim[] = new Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const item: unknown = raw[i];
    if (!isValidClaim(item)) {
      const { field: sub, reason } = describeClaimIssue(item, lastClaimError);
      throw invalid(origin, `${field}[${i}]${sub === "(root)" ? "" : `.${sub}`}`, reason);
    }
    out[i] = Object.freeze(item);
  }
  return Object.freeze(out);
}

/** Validates a portal host list (static, or what a portalHosts function returned). */
export function validatePortalHosts(raw: unknown, origin: DefinitionOrigin): PortalHost[] {
  const parsed = z.array(portalHostSchema).safeParse(raw);
  if (parsed.success)
    return parsed.data.map((h) =>
      h.allowHttp === undefined ? { host: h.host } : { host: h.host, allowHttp: h.allowHttp },
    );
  const { field, reason } = describeIssue(
    parsed.error.issues[0] ?? { code: "custom", path: [], message: "invalid", input: undefined },
  );
  throw invalid(
    origin,
    field === "(root)" ? "portalHosts" : `portalHosts${field.startsWith("[") ? "" : "."}${field}`,
    reason,
  );
}

/**
 * Checks a module's default export and returns it as a frozen Plugin. Throws
 * HH_PLUGIN_DEFINITION_INVALID (plugin id or path, field, reason) or, for a plugin built
 * against an SDK range this daemon does not satisfy, HH_PLUGIN_SDK_INCOMPATIBLE.
 */
export function validateDefinition(value: unknown, path: string): Plugin<unknown, unknown> {
  if (typeof value !== "object" || value === null) {
    const got = value === null ? "null" : typeof value;
    const hint =
      typeof value === "function"
        ? "; export the definePlugin({ ... }) result, not a function that makes it"
        : "";
    throw invalid(
      { path },
      "(default export)",
      `expected the object that definePlugin() returns, got ${got === "undefined" ? "nothing" : `a ${got}`}${hint}`,
    );
  }
  const rawId = "id" in value ? value.id : undefined;
  const origin: DefinitionOrigin = {
    path,
    id: typeof rawId === "string" && PLUGIN_ID_RE.test(rawId) && rawId.length <= 64 ? rawId : undefined,
  };
  const parsed = definitionSchema.safeParse(value);
  if (!parsed.success) {
    const { issues } = parsed.error;
    const issue = issues.find((i) => i.code === "unrecognized_keys") ?? issues[0];
    const { field, reason } = issue ? describeIssue(issue) : { field: "(root)", reason: "invalid" };
    throw invalid(origin, field, reason);
  }
  const d = parsed.data;
  if (!semver.satisfies(SDK_VERSION, d.sdk)) {
    throw hotspotError("HH_PLUGIN_SDK_INCOMPATIBLE", { plugin: d.id, path, range: d.sdk, sdk: SDK_VERSION });
  }
  const claims = Array.isArray(d.claims) ? validateClaims(d.claims, origin) : d.claims;
  const portalHosts = Array.isArray(d.portalHosts)
    ? validatePortalHosts(d.portalHosts, origin)
    : d.portalHosts;
  const timeouts: Partial<Record<(typeof HOOK_NAMES)[number], number>> = {};
  for (const h of HOOK_NAMES) {
    const ms = d.timeouts?.[h];
    if (ms !== undefined) timeouts[h] = ms;
  }
  // Rebuilt key by key: zod's optional outputs are `T | undefined`, the SDK's are absent-or-T.
  const definition: Definition = {
    id: d.id,
    displayName: d.displayName,
    version: d.version,
    sdk: d.sdk,
    priority: d.priority,
    ...(d.description !== undefined && { description: d.description }),
    ...(portalHosts !== undefined && { portalHosts }),
    ...(d.configSchema !== undefined && { configSchema: d.configSchema }),
    ...(d.credentialsSchema !== undefined && { credentialsSchema: d.credentialsSchema }),
    ...(claims !== undefined && { claims }),
    ...(d.timeouts !== undefined && { timeouts }),
    ...(d.needsBrowser !== undefined && { needsBrowser: d.needsBrowser }),
    ...(d.filterScanList !== undefined && { filterScanList: d.filterScanList }),
    ...(d.evaluate !== undefined && { evaluate: d.evaluate }),
    ...(d.authenticate !== undefined && { authenticate: d.authenticate }),
    ...(d.maintain !== undefined && { maintain: d.maintain }),
    ...(d.logoff !== undefined && { logoff: d.logoff }),
  };
  return definePlugin(definition);
}
