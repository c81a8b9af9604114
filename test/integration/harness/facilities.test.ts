import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { describe, test } from "node:test";
import { createFormHelper } from "../../../src/auth/forms.ts";
import { createHttpClient } from "../../../src/auth/http-client.ts";
import { probe } from "../../../src/auth/probe.ts";
import { isHotspotError } from "../../../src/errors.ts";
import {
  BUILTIN_SCENARIO_NAMES,
  FIXTURES_DIR,
  formatCriticalPath,
  formatRequestLog,
  getScenario,
  listScenarios,
  parseScenarioFile,
} from "../../../src/harness/index.ts";
import { withPortal } from "./helpers.ts";

const account = { username: "ann", password: "pw-9876543210" };

describe("scenario files", () => {
  test("every file in fixtures/portals is a built-in scenario, and every variant builds", () => {
    const files = readdirSync(FIXTURES_DIR)
      .filter((f) => f.endsWith(".json"))
      .map((f) => f.slice(0, -5))
      .sort();
    assert.deepEqual(files, [...BUILTIN_SCENARIO_NAMES].sort());
    for (const s of listScenarios()) {
      assert.equal(getScenario(s.name).name, s.name);
      for (const v of s.variants) assert.equal(getScenario(`${s.name}:${v.name}`).variant, v.name);
    }
  });

  test("a file with an unknown behaviour or a bad parameter is a coded error naming the field", () => {
    assert.throws(
      () => parseScenarioFile('{"name":"x","behaviour":"nope","description":"d","modelledOn":"m"}', "x.json"),
      (e) => isHotspotError(e, "HH_HARNESS_FIXTURE_INVALID") && /behaviour/.test(e.message),
    );
    assert.throws(
      () => parseScenarioFile('{"name":"x","behaviour":"wispr","description":"d"}', "x.json"),
      (e) => isHotspotError(e, "HH_HARNESS_FIXTURE_INVALID") && /modelledOn/.test(e.message),
    );
    assert.throws(
      () => getScenario("wispr", { params: { version: "3.0" } }),
      (e) => isHotspotError(e, "HH_HARNESS_FIXTURE_INVALID") && /version/.test(e.message),
    );
  });

  test("an unknown variant names the ones that exist", () => {
    assert.throws(
      () => getScenario("wispr:nope"),
      (e) => isHotspotError(e, "HH_HARNESS_SCENARIO_UNKNOWN") && /wispr:pending, wispr:proxy/.test(e.message),
    );
  });
});

describe("latency injection", () => {
  test("latencyMs delays every response by at least that much", () =>
    withPortal({ scenario: "wispr", latencyMs: 50 }, async (portal) => {
      const started = performance.now();
      await createHttpClient().get(portal.probeUrl);
      assert.ok(performance.now() - started >= 49);
      assert.ok((portal.log[0]?.durationMs ?? 0) >= 49);
    }));

  test("the scenario file's per-path latency applies to that path only", () => {
    const base = getScenario("click-through");
    const scenario = { ...base, latency: { defaultMs: 0, byPath: { "/terms": 50 } } };
    return withPortal({ scenario }, async (portal) => {
      const http = createHttpClient();
      await http.get(portal.probeUrl);
      await http.get(`${portal.url}/terms`);
      const [probeRow, termsRow] = portal.log;
      assert.ok((termsRow?.durationMs ?? 0) >= 49);
      assert.equal(probeRow?.path, "/generate_204");
    });
  });
});

describe("flaky", () => {
  test("503 for the first K requests, then every Nth dropped, every Mth slowed", () =>
    withPortal(
      { scenario: "flaky", faults: { failFirst: 2, dropEvery: 3, slowEvery: 4, slowMs: 40 } },
      async (portal) => {
        const http = createHttpClient();
        const outcomes: string[] = [];
        for (let i = 0; i < 6; i++) {
          try {
            outcomes.push(String((await http.get(portal.probeUrl)).status));
          } catch (e) {
            outcomes.push(isHotspotError(e, "HH_HTTP_FAILED") ? "dropped" : "other");
          }
        }
        assert.deepEqual(outcomes, ["503", "503", "302", "302", "dropped", "302"]);
        assert.deepEqual(
          portal.log.map((e) => e.status),
          [503, 503, 302, 302, 0, 302],
        );
        assert.ok((portal.log[3]?.durationMs ?? 0) >= 39);
      },
    ));

  test("the flaky file's faults start with three 503s", () =>
    withPortal({ scenario: "flaky", faults: { slowMs: 0 } }, async (portal) => {
      const http = createHttpClient();
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await http.get(portal.probeUrl)).status);
      assert.deepEqual(statuses, [503, 503, 503, 302]);
    }));
});

describe("critical path", () => {
  test("counts requests, sequential requests and new connections from the first probe to the login", () =>
    withPortal({ scenario: "form-login", credentials: account }, async (portal) => {
      const http = createHttpClient();
      const forms = createFormHelper(http);
      await http.get(`${portal.url}/welcome`);
      const detected = await probe(portal.probeUrl);
      const form = (await forms.load(detected.loginUrl ?? "")).forms[0];
      assert.ok(form);
      await forms.submit(form, account);
      await probe(portal.probeUrl);
      const path = portal.criticalPath();
      assert.ok(path);
      assert.deepEqual(
        path.entries.map((e) => `${e.method} ${e.path}`),
        [
          "GET /generate_204",
          "GET /login",
          "GET /portal/",
          "GET /login",
          "POST /login",
          "GET /login/authorize",
        ],
      );
      assert.equal(path.requests, 6);
      assert.equal(path.sequentialRequests, 6);
      assert.equal(path.newConnections, 6);
      assert.ok(path.elapsedMs >= 0);
      assert.match(
        formatCriticalPath(path),
        /^critical path for 127\.0\.0\.1: 6 requests \(6 sequential\), 6 new connections, \d+ ms/,
      );
    }));

  test("is undefined until the client is let through, and the formatted log shows every request", () =>
    withPortal({ scenario: "click-through" }, async (portal) => {
      await probe(portal.probeUrl);
      assert.equal(portal.criticalPath(), undefined);
      assert.match(formatCriticalPath(undefined), /never let through/);
      assert.match(formatRequestLog(portal.log), /GET {2}302 {2}http:\/\/127\.0\.0\.1:\d+\/generate_204/);
    }));
});

describe("garden listener", () => {
  test("the answer that lets a client in waits until onGardenChange has finished (nftables in namespace mode)", async () => {
    const calls: [string, boolean][] = [];
    let release = () => {};
    let notify = () => {};
    const listenerCalled = new Promise<void>((resolve) => {
      notify = resolve;
    });
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    await withPortal(
      {
        scenario: "click-through",
        onGardenChange: async (client, authorized) => {
          calls.push([client, authorized]);
          notify();
          await gate;
        },
      },
      async (portal) => {
        let answered = false;
        const reply = createHttpClient()
          .post(`${portal.url}/terms/accept`, new URLSearchParams({ accept_terms: "yes" }))
          .then((r) => {
            answered = true;
            return r;
          });
        await listenerCalled;
        await new Promise((resolve) => setImmediate(resolve));
        assert.equal(answered, false);
        release();
        assert.equal((await reply).status, 302);
        assert.deepEqual(calls, [["127.0.0.1", true]]);
      },
    );
  });
});
