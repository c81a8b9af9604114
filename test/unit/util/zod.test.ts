import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { z } from "zod";
import { allIssues, firstIssue } from "../../../src/util/zod.ts";

const fail = (schema: z.ZodType, value: unknown): z.ZodError => {
  const parsed = schema.safeParse(value);
  assert.ok(!parsed.success);
  return parsed.error;
};

describe("zod issues as operator text", () => {
  test("a failed union says what each alternative needed", () => {
    const schema = z.union([
      z.object({ username: z.string(), password: z.string() }).strict(),
      z.object({ room: z.string(), surname: z.string() }),
    ]);
    assert.deepEqual(firstIssue(fail(schema, { room: 12 })), {
      field: "(root)",
      reason:
        "matches none of the 2 accepted forms: " +
        '(1) username: missing (expected string), password: missing (expected string), unknown key "room"; ' +
        "or (2) room: expected string, received number, surname: missing (expected string)",
    });
  });

  test("a union with a message of its own keeps it", () => {
    const schema = z.union([z.string(), z.number()], { error: "a name or a number" });
    assert.deepEqual(firstIssue(fail(schema, true)), { field: "(root)", reason: "a name or a number" });
  });

  test("a union nested in an object is described at its path", () => {
    const schema = z.object({
      auth: z.union([z.object({ pin: z.string() }), z.object({ code: z.number() })]),
    });
    const { field, reason } = firstIssue(fail(schema, { auth: {} }));
    assert.equal(field, "auth");
    assert.match(
      reason,
      /\(1\) pin: missing \(expected string\); or \(2\) code: missing \(expected number\)/,
    );
  });

  test("allIssues lists every problem, the first one's field first", () => {
    const schema = z.object({ a: z.string(), b: z.number(), c: z.url() }).strict();
    assert.deepEqual(allIssues(fail(schema, { a: 1, c: "x", d: 1 })), {
      field: "a",
      reason:
        'expected string, received number; b: missing (expected number); c: Invalid URL; (root): unknown key "d"',
    });
  });

  test("allIssues prefixes paths", () => {
    const schema = z.object({ ssid: z.string() });
    assert.deepEqual(allIssues(fail(schema, {}), ["config"]), {
      field: "config.ssid",
      reason: "missing (expected string)",
    });
  });
});
