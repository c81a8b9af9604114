import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { plainDefaultConfig } from "../../../src/config/defaults.ts";
import { userConfigSchema } from "../../../src/config/schema.ts";

describe("plainDefaultConfig", () => {
  test("is exactly what the schema gives a user without a config file", () => {
    assert.deepEqual(plainDefaultConfig(), userConfigSchema.parse({}));
  });

  test("passes the schema unchanged", () => {
    assert.deepEqual(userConfigSchema.parse(plainDefaultConfig()), plainDefaultConfig());
  });
});
