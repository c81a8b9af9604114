import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { snapshotEnv } from "../../../src/scan/nodewifi/env-guard.ts";
import { nmcliEnv, nmcliFailure, runNmcli } from "../../../src/scan/nodewifi/nmcli-exec.ts";

describe("running nmcli", () => {
  test("its environment gets a fixed UTF-8 untranslated locale and the bus address, built per call", () => {
    const base = { PATH: "/usr/bin", LANG: "de_DE.UTF-8", LC_MESSAGES: "de_DE.UTF-8", LANGUAGE: "de" };
    const before = snapshotEnv();
    assert.deepEqual(nmcliEnv({ env: base, busAddress: "unix:path=/tmp/bus" }), {
      PATH: "/usr/bin",
      LANG: "C.UTF-8",
      LC_ALL: "C.UTF-8",
      DBUS_SYSTEM_BUS_ADDRESS: "unix:path=/tmp/bus",
    });
    assert.deepEqual(base, {
      PATH: "/usr/bin",
      LANG: "de_DE.UTF-8",
      LC_MESSAGES: "de_DE.UTF-8",
      LANGUAGE: "de",
    });
    assert.deepEqual(snapshotEnv(), before);
  });

  test("failures map to coded errors: missing program, no NetworkManager, a timeout, anything else", () => {
    const args = ["device", "wifi", "rescan"];
    assert.equal(nmcliFailure(args, { code: "ENOENT" }, "", {}).code, "HH_NMCLI_UNAVAILABLE");
    const gone = nmcliFailure(
      args,
      { code: 1 },
      "Error: Could not create NMClient object: Could not connect: No such file or directory.\n",
      { busAddress: "unix:path=/x" },
    );
    assert.equal(gone.code, "HH_NM_UNAVAILABLE");
    assert.match(gone.message, /not reachable on unix:path=\/x: nmcli: Could not create NMClient object/);
    const slow = nmcliFailure(args, { killed: true }, "", { timeoutMs: 1234 });
    assert.equal(slow.code, "HH_NM_CALL_FAILED");
    assert.match(slow.message, /nmcli device wifi rescan failed: no answer within 1234 ms/);
    const refused = nmcliFailure(args, { code: 1 }, "Error: Scanning not allowed while unavailable.\n", {});
    assert.equal(refused.code, "HH_NM_CALL_FAILED");
    assert.equal(refused.params.reason, "Scanning not allowed while unavailable.");
  });

  test("a program that does not exist rejects with HH_NMCLI_UNAVAILABLE", async () => {
    await assert.rejects(
      runNmcli(["--version"], { command: "/nonexistent/nmcli" }),
      (e: unknown) => e instanceof Error && "code" in e && e.code === "HH_NMCLI_UNAVAILABLE",
    );
  });
});
