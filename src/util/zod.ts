import type { z } from "zod";

/**
 * zod issues as text an operator can act on, for coded errors.
 *
 * zod's own wording falls short in two places: a failed union says only "Invalid input"
 * (so `(root): invalid (invalid_union)` was all a plugin author learnt about a credentials
 * schema with two accepted shapes), and a missing key reads "expected string, received
 * undefined". A union is described by what each alternative still needed; a missing key as
 * `missing (expected string)`. Messages a schema set itself are kept as they are.
 */

export interface IssueText {
  /** Dotted path such as `plugins.wispr.enabled` or `accessPoints[3].ssid`; `(root)` for the value itself. */
  readonly field: string;
  readonly reason: string;
}

type Issue = z.core.$ZodIssue;

function pathText(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(root)";
  return path
    .map((p) => (typeof p === "number" ? `[${p}]` : String(p)))
    .join(".")
    .replaceAll(".[", "[");
}

const DEFAULT_UNION_MESSAGE = "Invalid input";

function reasonOfIssue(issue: Issue): string {
  if (issue.code === "invalid_union" && issue.message === DEFAULT_UNION_MESSAGE && issue.errors.length > 0) {
    const alternatives = issue.errors.map(
      (branch, i) => `(${i + 1}) ${branch.map((b) => relative(b)).join(", ") || "invalid"}`,
    );
    return `matches none of the ${issue.errors.length} accepted forms: ${alternatives.join("; or ")}`;
  }
  if (issue.code === "unrecognized_keys") {
    return `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
  }
  if (issue.code === "invalid_type" && /received undefined$/.test(issue.message)) {
    return `missing (expected ${issue.expected})`;
  }
  return issue.message.replace(/^Invalid input: /, "");
}

/** An issue inside a union alternative, with its path relative to the union. */
function relative(issue: Issue): string {
  const reason = reasonOfIssue(issue);
  return issue.path.length === 0 ? reason : `${pathText(issue.path)}: ${reason}`;
}

/** One issue as field and reason. */
export function describeIssue(issue: Issue, prefix: readonly PropertyKey[] = []): IssueText {
  return { field: pathText([...prefix, ...issue.path]), reason: reasonOfIssue(issue) };
}

/** Every issue zod found, in order; `prefix` is prepended to each path (`["config"]`). */
function issueTexts(error: z.ZodError, prefix: readonly PropertyKey[] = []): IssueText[] {
  return error.issues.map((issue) => describeIssue(issue, prefix));
}

/** The first problem zod found, as a dotted field path and a reason. */
export function firstIssue(error: z.ZodError): IssueText {
  const issue = error.issues[0];
  return issue ? describeIssue(issue) : { field: "(root)", reason: "invalid" };
}

/**
 * Several problems as one field/reason pair, for a coded error whose template reads
 * `<field>: <reason>`: the first one's field, then its reason followed by each further
 * problem as `; <field>: <reason>`. A user fixing a file sees everything wrong at once
 * instead of one problem per attempt.
 */
function joinIssues(texts: readonly IssueText[]): IssueText {
  const [first, ...rest] = texts;
  if (!first) return { field: "(root)", reason: "invalid" };
  return {
    field: first.field,
    reason: [first.reason, ...rest.map((t) => `${t.field}: ${t.reason}`)].join("; "),
  };
}

/** Every issue zod found, joined as `joinIssues` does. */
export function allIssues(error: z.ZodError, prefix: readonly PropertyKey[] = []): IssueText {
  return joinIssues(issueTexts(error, prefix));
}

/**
 * Every issue, joined, for values that are secrets (credentials): a reason that quotes any
 * of `secrets` (a custom message, an enum listing the input) is replaced by the issue's code.
 */
export function redactedIssues(
  error: z.ZodError,
  secrets: readonly string[],
  prefix: readonly PropertyKey[] = [],
): IssueText {
  return joinIssues(
    error.issues.map((issue) => {
      const text = describeIssue(issue, prefix);
      return secrets.some((s) => text.reason.includes(s))
        ? { ...text, reason: `invalid (${issue.code})` }
        : text;
    }),
  );
}
