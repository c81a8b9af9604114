import { randomBytes } from "node:crypto";
import { z } from "zod";
import { hotspotError } from "../errors.ts";
import { allIssues, type IssueText } from "../util/zod.ts";
import { PASSWORD_FIELD } from "./request.ts";
import type { PortalCredentials, PortalField } from "./types.ts";

/**
 * The account a `plugin test` run uses: what the simulated portal's login form asks for and
 * accepts, and the credentials the plugin gets. Operators' portals ask for more than a
 * username and password (a room number and surname, a voucher code, an e-mail address), so
 * the account can name its own form fields. Given as `--account JSON` or as the `account`
 * key of the plugin's harness.config.json, in one of two forms:
 *
 * - short: the plugin's credentials, whose keys are also the form's field names:
 *   `{"room": "412", "surname": "Smith"}`, `{"voucher": "K7P-4QX"}`;
 * - long: `{"credentials": {...}, "fields": {"<form field>": "<credential key>"}}` when the
 *   form's names differ from the credentials' keys (`{"fields": {"user": "username",
 *   "pass": "password"}}`). Credentials left out are generated for the run.
 *
 * A field whose name looks like a password (`pass`, `password`, `pwd`, `pin`…) is rendered as
 * a password input. Values are strings or numbers (the form sends their decimal text).
 */

const value = z.union([z.string().min(1), z.number().finite()]);
const credentialsSchema = z.record(z.string().min(1), value);
const longSchema = z
  .object({
    credentials: credentialsSchema.optional(),
    fields: z.record(z.string().min(1), z.string().min(1)).optional(),
  })
  .strict()
  .refine((a) => a.credentials !== undefined || a.fields !== undefined, "give credentials or fields");

/** A parsed account: the plugin's credentials and the portal's form fields. */
export interface TestAccount {
  readonly credentials: Readonly<Record<string, string | number>>;
  readonly fields: readonly PortalField[];
}

const isSecretName = (name: string): boolean => PASSWORD_FIELD.test(name) || /pass|pin|secret/i.test(name);

/** Parses an account given by `source` (named in errors); throws HH_CONFIG_INVALID listing every problem. */
export function parseTestAccount(raw: unknown, source: string): TestAccount {
  const long = typeof raw === "object" && raw !== null && ("credentials" in raw || "fields" in raw);
  if (long) {
    const parsed = longSchema.safeParse(raw);
    if (!parsed.success) throw invalid(source, allIssues(parsed.error, ["account"]));
    const given = parsed.data.credentials ?? {};
    const mapping = parsed.data.fields ?? Object.fromEntries(Object.keys(given).map((k) => [k, k]));
    const credentials: Record<string, string | number> = { ...given };
    for (const key of Object.values(mapping)) credentials[key] ??= generatedValue(key);
    const fields = Object.entries(mapping).map(([name, key]) => ({
      name,
      value: String(credentials[key]),
      secret: isSecretName(name) || isSecretName(key),
    }));
    return { credentials, fields };
  }
  const parsed = credentialsSchema.safeParse(raw);
  if (!parsed.success) throw invalid(source, allIssues(parsed.error, ["account"]));
  if (Object.keys(parsed.data).length === 0)
    throw invalid(source, { field: "account", reason: "the account has no fields" });
  return {
    credentials: parsed.data,
    fields: Object.entries(parsed.data).map(([name, v]) => ({
      name,
      value: String(v),
      secret: isSecretName(name),
    })),
  };
}

function invalid(source: string, issue: IssueText) {
  return hotspotError("HH_CONFIG_INVALID", { file: source, field: issue.field, reason: issue.reason });
}

function generatedValue(key: string): string {
  return isSecretName(key)
    ? randomBytes(12).toString("base64url")
    : `hh-test-${randomBytes(3).toString("hex")}`;
}

/** What the portal accepts for `account`: its fields, with `username`/`password` as first and last value. */
export function portalCredentialsOf(account: TestAccount): PortalCredentials {
  const first = account.fields[0]?.value ?? "";
  const last = account.fields.at(-1)?.value ?? first;
  return { username: first, password: last, fields: account.fields };
}

/**
 * The account for people: the first field in clear when there are several (the identifier:
 * room, e-mail, username), every other value `***`.
 */
export function describeAccount(fields: readonly PortalField[]): string {
  return fields
    .map((f, i) => `${f.name}=${i === 0 && fields.length > 1 ? JSON.stringify(f.value) : "***"}`)
    .join(", ");
}

/**
 * A harness config split into the plugin's config and the run's `account` (which never
 * reaches the plugin's configSchema).
 */
export function splitHarnessConfig(raw: unknown): { readonly config: unknown; readonly account?: unknown } {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw) || !("account" in raw))
    return { config: raw };
  const { account, ...config } = raw;
  return { config, account };
}
