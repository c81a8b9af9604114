/**
 * Type tests of the SDK entry, checked by `npx tsc -p tsconfig.json` (this file is in the
 * typecheck's `include`, and not a `*.test.ts`, so the test runner never executes it).
 * Each `@ts-expect-error` is a mistake an operator could make that the compiler must
 * refuse: if the SDK's types loosen, the directive is unused and the typecheck fails.
 */

import type { claimSchema } from "../../src/helper-api/claims.ts";
import {
  type AuthenticateResult,
  type Claim,
  type Confidence,
  type DEFAULT_HOOK_TIMEOUTS_MS,
  definePlugin,
  type EvaluateResult,
  type HookName,
  type LogoffResult,
  type MaintainResult,
  type Plugin,
  type SessionFacts,
  z,
} from "../../src/sdk.ts";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(_proof?: T): void {}
function expectType<T>(_value: T): void {}

const base = { displayName: "ACME", version: "1.0.0", sdk: "^0.1.0" } as const;

// configSchema and credentialsSchema types flow into every hook's context, defaults applied.
export const typed = definePlugin({
  ...base,
  id: "typed",
  configSchema: z.object({ portalHost: z.string().default("login.acme.example"), retries: z.number() }),
  credentialsSchema: z.object({ room: z.string(), surname: z.string() }),
  claims: (config) => {
    assertType<Equal<typeof config, { portalHost: string; retries: number }>>();
    return [{ ssid: "ACME", confidence: "high" }];
  },
  portalHosts: (config) => [{ host: config.portalHost }],
  async evaluate({ config, credentials }) {
    assertType<Equal<typeof config.portalHost, string>>();
    assertType<Equal<typeof credentials, { room: string; surname: string } | undefined>>();
    return { confidence: "high" };
  },
  async authenticate({ credentials }) {
    if (!credentials) return { result: "failure", reason: "no account" };
    expectType<string>(credentials.room);
    // @ts-expect-error the credentials schema has no username
    expectType<string>(credentials.username);
    return { result: "success", session: { expiresInSeconds: 3600 } };
  },
  async maintain({ session, config }) {
    expectType<number>(session.authenticatedAt);
    expectType<SessionFacts>(session.facts);
    // @ts-expect-error config.retries is a number
    expectType<string>(config.retries);
    return { result: "success" };
  },
  async logoff({ session }) {
    expectType<string | undefined>(session.facts.logoffUrl);
  },
});
assertType<
  Equal<typeof typed, Plugin<{ portalHost: string; retries: number }, { room: string; surname: string }>>
>();

// A union credentials schema gives a union in the hooks, narrowed by its tag.
definePlugin({
  ...base,
  id: "union-credentials",
  credentialsSchema: z.union([
    z.object({ kind: z.literal("voucher"), code: z.string() }),
    z.object({ kind: z.literal("account"), username: z.string(), password: z.string() }),
  ]),
  async authenticate({ credentials }) {
    if (credentials?.kind === "voucher") expectType<string>(credentials.code);
    // @ts-expect-error only the account alternative has a password
    if (credentials?.kind === "voucher") expectType<string>(credentials.password);
    return { result: "success" };
  },
});

// Without schemas, config and credentials are undefined: nothing to read by accident.
definePlugin({
  ...base,
  id: "no-schemas",
  async authenticate({ config, credentials }) {
    assertType<Equal<typeof config, undefined>>();
    assertType<Equal<typeof credentials, undefined>>();
    return { result: "success" };
  },
});

definePlugin({
  ...base,
  id: "wrong-confidence",
  // @ts-expect-error confidence is none, low, medium or high
  claims: [{ ssid: "ACME", confidence: "certain" }],
  // @ts-expect-error confidence is none, low, medium or high
  async evaluate() {
    return { confidence: "very-high" };
  },
});

definePlugin({
  ...base,
  id: "unknown-hook",
  // @ts-expect-error there is no hook called authenticat
  async authenticat() {
    return { result: "success" };
  },
});

definePlugin({
  ...base,
  id: "authenticate-answers",
  // @ts-expect-error authenticate answers with a result, not a boolean
  async authenticate() {
    return true;
  },
});

definePlugin({
  ...base,
  id: "maintain-answers",
  // @ts-expect-error uiRequired is an authenticate answer; maintain says authenticationRequired
  async maintain() {
    return { result: "uiRequired", url: "https://login.acme.example/" };
  },
});

// @ts-expect-error id, displayName, version and sdk are required
definePlugin({ id: "missing-identity" });

definePlugin({
  ...base,
  id: "bad-claims",
  // @ts-expect-error a claim names a matcher (ssid, ssidPrefix, ssidPattern or bssidPrefix)
  claims: [{ confidence: "high" }],
  // @ts-expect-error portal hosts are objects with a host
  portalHosts: ["login.acme.example"],
});

// The result unions: each variant carries only its own fields.
expectType<AuthenticateResult>({ result: "uiRequired", url: "https://pay.acme.example/" });
expectType<AuthenticateResult>({ result: "temporaryFailure", retryAfterSeconds: 30 });
// @ts-expect-error uiRequired needs the URL a person must open
expectType<AuthenticateResult>({ result: "uiRequired" });
// @ts-expect-error success carries session facts, not a URL
expectType<AuthenticateResult>({ result: "success", url: "https://acme.example/" });
// @ts-expect-error session facts have no such field
expectType<AuthenticateResult>({ result: "success", session: { expires: 60 } });
expectType<MaintainResult>({ result: "authenticationRequired" });
// @ts-expect-error maintain has no temporaryFailure
expectType<MaintainResult>({ result: "temporaryFailure" });
expectType<LogoffResult>(undefined);
// @ts-expect-error logoff answers success or failure
expectType<LogoffResult>({ result: "uiRequired" });
expectType<EvaluateResult>({ confidence: "low", reason: "portal looks generic" });
assertType<Equal<Confidence, "none" | "low" | "medium" | "high">>();
expectType<Claim>({ ssidPattern: "^acme-[0-9]+$", flags: "i", confidence: "low" });
expectType<Claim>({ ssid: { hex: "caf3ff00" }, confidence: "medium", security: ["open"] });
// @ts-expect-error security is a known Wi-Fi security, e.g. open or wpa2-psk
expectType<Claim>({ ssid: "ACME", confidence: "high", security: ["wpa9"] });
// The Claim type is the claim schema's own input type: the types and the loader's check cannot drift apart.
assertType<Equal<Claim, z.input<typeof claimSchema>>>();
// @ts-expect-error a static claim is never "none": a plugin that does not claim a network leaves it out
expectType<Claim>({ ssid: "ACME", confidence: "none" });
const openOnly = ["open", "owe"] as const;
expectType<Claim>({ bssidPrefix: "02:1a:11", confidence: "low", security: openOnly });

// Deadlines are per hook, by hook name.
assertType<Equal<keyof typeof DEFAULT_HOOK_TIMEOUTS_MS, HookName>>();
definePlugin({ ...base, id: "timeouts", timeouts: { evaluate: 2_000, logoff: 10_000 } });
// @ts-expect-error timeouts are keyed by hook name
definePlugin({ ...base, id: "timeouts-typo", timeouts: { authenticat: 2_000 } });

// What the daemon hands a hook is read-only data; the store holds JSON only.
definePlugin({
  ...base,
  id: "read-only",
  async evaluate({ network, portal, store, signal }) {
    expectType<AbortSignal>(signal);
    // @ts-expect-error the joined network is read-only
    network.ssidText = "spoofed";
    // @ts-expect-error the detected portal is read-only
    portal.loginUrl = "https://evil.example/";
    await store.set("last", { at: Date.now(), ok: true, hosts: ["a", "b"] });
    // @ts-expect-error the store keeps JSON values, not functions
    await store.set("callback", () => undefined);
    // @ts-expect-error the store keeps JSON values, not Dates
    await store.set("when", new Date());
    return { confidence: "low" };
  },
});
