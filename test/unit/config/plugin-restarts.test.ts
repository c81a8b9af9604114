import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { loadUserConfig } from "../../../src/config/load.ts";
import { isHotspotError } from "../../../src/errors.ts";

async function load(t: { after: (fn: () => Promise<void>) => void }, body: unknown) {
  const dir = await mkdtemp(join(tmpdir(), "hh-restarts-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, "config.json");
  await writeFile(file, JSON.stringify(body));
  return loadUserConfig(file);
}

const invalidAt = (field: string) => (e: unknown) =>
  isHotspotError(e, "HH_CONFIG_INVALID") && e.message.includes(field);

describe("config pluginRestarts", () => {
  test("absent by default; each key optional", async (t) => {
    assert.equal((await load(t, {})).pluginRestarts, undefined);
    assert.deepEqual((await load(t, { pluginRestarts: { backoffMs: 5_000 } })).pluginRestarts, {
      backoffMs: 5_000,
    });
  });

  test("out-of-range, fractional and unknown keys are refused with the field named", async (t) => {
    await assert.rejects(
      load(t, { pluginRestarts: { quarantineAfter: 0 } }),
      invalidAt("pluginRestarts.quarantineAfter"),
    );
    await assert.rejects(
      load(t, { pluginRestarts: { backoffMs: 50 } }),
      invalidAt("pluginRestarts.backoffMs"),
    );
    await assert.rejects(
      load(t, { pluginRestarts: { backoffMs: 1_000.5 } }),
      invalidAt("pluginRestarts.backoffMs"),
    );
    await assert.rejects(load(t, { pluginRestarts: { backofMs: 1_000 } }), invalidAt("pluginRestarts"));
  });

  test("a cap below the first backoff is refused", async (t) => {
    await assert.rejects(
      load(t, { pluginRestarts: { backoffMs: 10_000, maxBackoffMs: 5_000 } }),
      invalidAt("pluginRestarts.maxBackoffMs"),
    );
    await assert.rejects(
      load(t, { pluginRestarts: { maxBackoffMs: 500 } }),
      invalidAt("pluginRestarts.maxBackoffMs"),
    );
  });
});
