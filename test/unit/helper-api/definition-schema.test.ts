import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { z } from "zod";
import { isHotspotError } from "../../../src/errors.ts";
import { validateDefinition } from "../../../src/helper-api/definition-schema.ts";

const base = { id: "acme-wifi", displayName: "ACME", version: "1.0.0", sdk: "^0.1.0" };
const PATH = "/plugins/acme/index.ts";

function rejects(value: unknown, field: string, plugin = "acme-wifi"): void {
  assert.throws(
    () => validateDefinition(value, PATH),
    (e: unknown) =>
      isHotspotError(e, "HH_PLUGIN_DEFINITION_INVALID") &&
      e.params.field === field &&
      e.params.plugin === plugin &&
      e.params.path === PATH,
  );
}

describe("validateDefinition", () => {
  test("accepts a minimal definition, defaults priority to 0 and returns it frozen", () => {
    const plugin = validateDefinition(base, PATH);
    assert.equal(plugin.priority, 0);
    assert.ok(Object.isFrozen(plugin));
  });

  test("keeps hooks, schemas and claims of a full definition", () => {
    const evaluate = async () => ({ confidence: "high" as const });
    const configSchema = z.object({ a: z.string().default("x") });
    const plugin = validateDefinition(
      {
        ...base,
        priority: 2,
        description: "d",
        configSchema,
        claims: [{ ssid: "ACME", confidence: "high" }],
        portalHosts: [{ host: "*.acme.example", allowHttp: false }],
        timeouts: { evaluate: 2000 },
        evaluate,
      },
      PATH,
    );
    assert.equal(plugin.evaluate, evaluate);
    assert.equal(plugin.configSchema, configSchema);
    assert.deepEqual(plugin.claims, [{ ssid: "ACME", confidence: "high" }]);
    assert.deepEqual(plugin.timeouts, { evaluate: 2000 });
  });

  test("an unknown top-level key is rejected with a suggestion", () => {
    assert.throws(
      () => validateDefinition({ ...base, authenticat: async () => ({}) }, PATH),
      (e: unknown) =>
        isHotspotError(e) &&
        e.params.field === "authenticat" &&
        /did you mean "authenticate"/.test(e.message),
    );
  });

  test("an invalid id is reported under the path, since the id cannot name it", () => {
    rejects({ ...base, id: "ACME_WiFi" }, "id", PATH);
    rejects({ ...base, id: `a${"-b".repeat(40)}` }, "id", PATH);
  });

  test("identity fields are checked", () => {
    rejects({ ...base, displayName: "" }, "displayName");
    rejects({ ...base, displayName: "x".repeat(33) }, "displayName");
    rejects({ ...base, version: "1.0" }, "version");
    rejects({ ...base, sdk: "not a range" }, "sdk");
    rejects({ ...base, priority: 1.5 }, "priority");
  });

  test("hooks must be functions and schemas must have safeParse", () => {
    rejects({ ...base, evaluate: "soon" }, "evaluate");
    rejects({ ...base, configSchema: { parse: () => ({}) } }, "configSchema");
    rejects({ ...base, claims: "ACME" }, "claims");
  });

  test("timeouts accept only hook names and positive integers", () => {
    rejects({ ...base, timeouts: { evaluat: 100 } }, "timeouts.evaluat");
    rejects({ ...base, timeouts: { evaluate: 0 } }, "timeouts.evaluate");
  });

  test("static claims are checked with the index of the bad claim", () => {
    rejects(
      {
        ...base,
        claims: [
          { ssid: "ok", confidence: "high" },
          { ssid: "x", confidence: "sure" },
        ],
      },
      "claims[1].confidence",
    );
    rejects({ ...base, claims: [{ ssid: "a", ssidPrefix: "b", confidence: "low" }] }, "claims[0]");
    rejects({ ...base, claims: [{ ssid: "x".repeat(33), confidence: "low" }] }, "claims[0].ssid");
    rejects({ ...base, claims: [{ ssidPattern: "(", confidence: "low" }] }, "claims[0].ssidPattern");
    rejects({ ...base, claims: [{ bssidPrefix: "02:zz", confidence: "low" }] }, "claims[0].bssidPrefix");
    rejects({ ...base, claims: [{ ssid: "a", confidence: "none" }] }, "claims[0].confidence");
  });

  test("a misspelt claim key gets a did-you-mean naming the claim's own keys", () => {
    const cases: [unknown, string, string][] = [
      [{ sssid: "x", confidence: "high" }, "claims[0].sssid", 'unknown key (did you mean "ssid"?)'],
      [{ SSID: "x", confidence: "high" }, "claims[0].SSID", 'unknown key (did you mean "ssid"?)'],
      [
        { ssidPrefx: "x", confidence: "high" },
        "claims[0].ssidPrefx",
        'unknown key (did you mean "ssidPrefix"?)',
      ],
      [{ ssid: "x", confidance: "high" }, "claims[0].confidance", 'unknown key (did you mean "confidence"?)'],
      [
        { ssid: "x", confidence: "high", securty: ["open"] },
        "claims[0].securty",
        'unknown key (did you mean "security"?)',
      ],
      [
        { zzz: "x", confidence: "high" },
        "claims[0]",
        "a claim needs exactly one of ssid, ssidPrefix, ssidPattern, bssidPrefix",
      ],
    ];
    for (const [claim, field, reason] of cases) {
      assert.throws(
        () => validateDefinition({ ...base, claims: [claim] }, PATH),
        (e: unknown) =>
          isHotspotError(e, "HH_PLUGIN_DEFINITION_INVALID") &&
          e.params.field === field &&
          e.params.reason === reason,
        JSON.stringify(claim),
      );
    }
  });

  test("a misspelt key in timeouts or a portal host, or a top-level one, is suggested from the right list", () => {
    const reasonFor = (value: unknown) => {
      try {
        validateDefinition(value, PATH);
      } catch (e) {
        if (isHotspotError(e)) return [e.params.field, e.params.reason];
      }
      return undefined;
    };
    assert.deepEqual(reasonFor({ ...base, timeouts: { evalute: 10 } }), [
      "timeouts.evalute",
      'unknown key (did you mean "evaluate"?)',
    ]);
    assert.deepEqual(reasonFor({ ...base, portalHosts: [{ hots: "a.example" }] }), [
      "portalHosts[0].hots",
      'unknown key (did you mean "host"?)',
    ]);
    const { displayName, ...rest } = base;
    assert.deepEqual(reasonFor({ ...rest, displayname: displayName }), [
      "displayname",
      'unknown key (did you mean "displayName"?)',
    ]);
  });

  test("portal hosts must be bare host names", () => {
    rejects({ ...base, portalHosts: [{ host: "https://login.acme.example/" }] }, "portalHosts[0].host");
  });

  test("a plugin for another SDK major is HH_PLUGIN_SDK_INCOMPATIBLE", () => {
    assert.throws(
      () => validateDefinition({ ...base, sdk: ">=1.0.0" }, PATH),
      (e: unknown) => isHotspotError(e, "HH_PLUGIN_SDK_INCOMPATIBLE") && e.params.plugin === "acme-wifi",
    );
  });

  test("something other than an object is rejected as the default export", () => {
    rejects(undefined, "(default export)", PATH);
    rejects(() => base, "(default export)", PATH);
  });
});
