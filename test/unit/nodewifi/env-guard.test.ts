import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { describe, test } from "node:test";
import { restoreEnv, snapshotEnv, withEnvGuard } from "../../../src/scan/nodewifi/env-guard.ts";
import { loadNodeWifi } from "../../../src/scan/nodewifi/node-wifi-reader.ts";

describe("keeping node-wifi's locale rewrite out of the daemon", () => {
  test("requiring node-wifi unguarded rewrites the process locale (the defect being guarded)", () => {
    const out = execFileSync(
      process.execPath,
      [
        "-e",
        "require('node-wifi'); process.stdout.write(String(process.env.LC_ALL) + ' ' + String(process.env.LANG))",
      ],
      { env: { PATH: process.env.PATH ?? "", LANG: "C" }, encoding: "utf8" },
    );
    assert.equal(out, "en_US.UTF-8 en_US.UTF-8");
  });

  test("loading node-wifi through the adapter leaves process.env exactly as it was", () => {
    const before = snapshotEnv();
    loadNodeWifi();
    assert.deepEqual(snapshotEnv(), before);
  });

  test("withEnvGuard applies overrides inside and restores added, changed and deleted variables after", () => {
    const env: NodeJS.ProcessEnv = { KEEP: "1", CHANGE: "old", DROP: "x" };
    const seen = withEnvGuard(
      { CHANGE: "new", DROP: undefined, ADD: "a" },
      () => {
        const inside = { ...env };
        env.SIDE_EFFECT = "leak";
        env.KEEP = "clobbered";
        return inside;
      },
      env,
    );
    assert.deepEqual(seen, { KEEP: "1", CHANGE: "new", ADD: "a" });
    assert.deepEqual(env, { KEEP: "1", CHANGE: "old", DROP: "x" });
  });

  test("the environment is restored even when the guarded call throws", () => {
    const env: NodeJS.ProcessEnv = { A: "1" };
    assert.throws(
      () =>
        withEnvGuard(
          { A: "2" },
          () => {
            env.B = "3";
            throw new Error("boom");
          },
          env,
        ),
      /boom/,
    );
    assert.deepEqual(env, { A: "1" });
  });

  test("restoreEnv keeps the same object (Node and libraries hold references to process.env)", () => {
    const env: NodeJS.ProcessEnv = { A: "1" };
    const same = env;
    const snap = snapshotEnv(env);
    env.A = "2";
    env.C = "3";
    restoreEnv(snap, env);
    assert.equal(env, same);
    assert.deepEqual(env, { A: "1" });
  });
});
