import type { z } from "zod";

/** The first problem zod found, as a dotted field path and a reason, for coded errors. */
export function firstIssue(error: z.ZodError): { field: string; reason: string } {
  const issue = error.issues[0];
  if (!issue) return { field: "(root)", reason: "invalid" };
  const field =
    issue.path.length === 0
      ? "(root)"
      : issue.path
          .map((p) => (typeof p === "number" ? `[${p}]` : String(p)))
          .join(".")
          .replaceAll(".[", "[");
  return { field, reason: issue.message };
}
