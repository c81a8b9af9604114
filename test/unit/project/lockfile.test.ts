import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import { z } from "zod";

const lockSchema = z.object({
  packages: z.record(
    z.string(),
    z.object({ optionalDependencies: z.record(z.string(), z.string()).optional() }).loose(),
  ),
});

test("every optional dependency in the lockfile has an entry, so `npm ci` accepts it", async () => {
  const lock = lockSchema.parse(
    JSON.parse(await readFile(new URL("../../../package-lock.json", import.meta.url), "utf8")),
  );
  const missing: string[] = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    for (const dep of Object.keys(entry.optionalDependencies ?? {})) {
      const nested = `${path ? `${path}/` : ""}node_modules/${dep}`;
      if (!(nested in lock.packages) && !(`node_modules/${dep}` in lock.packages))
        missing.push(`${path}: ${dep}`);
    }
  }
  assert.deepEqual(missing, [], "run `node scripts/lockfile-platforms.mjs` after `npm install`");
});
