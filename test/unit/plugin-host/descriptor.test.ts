import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isHotspotError } from "../../../src/errors.ts";
import { validateDefinition } from "../../../src/helper-api/definition-schema.ts";
import { definePlugin } from "../../../src/helper-api/plugin.ts";
import { resolvePlugin } from "../../../src/helper-api/plugin-settings.ts";
import {
  DESCRIPTOR_VERSION,
  describePlugin,
  hasHook,
  parseDescriptor,
} from "../../../src/plugin-host/descriptor.ts";
import { z } from "../../../src/sdk.ts";

const definition = validateDefinition(
  definePlugin({
    id: "hotel-net",
    displayName: "Hotel Net",
    version: "1.2.3",
    sdk: "^0.1.0",
    description: "room and surname",
    priority: 5,
    configSchema: z.object({
      ssid: z.string().default("Hotel"),
      host: z.string().default("login.hotel.test"),
    }),
    credentialsSchema: z.object({ room: z.string(), surname: z.string() }),
    claims: (config: { ssid: string }) => [
      { ssid: config.ssid, confidence: "high" },
      { bssidPrefix: "02:aa", confidence: "low", security: ["open"] },
    ],
    portalHosts: (config: { host: string }) => [
      { host: config.host },
      { host: "*.cdn.test", allowHttp: true },
    ],
    timeouts: { authenticate: 60_000 },
    needsBrowser: true,
    async authenticate() {
      return { result: "success" as const };
    },
    async evaluate() {
      return { confidence: "high" as const };
    },
  }),
  "/plugins/hotel-net/index.js",
);

const loaded = {
  ...resolvePlugin(definition, "/plugins/hotel-net/index.js", {
    enabled: true,
    config: { ssid: "Grand Hotel" },
    credentials: { room: "101", surname: "S3cretname" },
  }),
  origin: { kind: "admin" as const, root: "/etc/hotspot-helper/plugins", packageName: "hotel-net" },
};

describe("describePlugin", () => {
  test("describes identity, resolved claims and hosts, hooks, deadlines and needs as plain data", () => {
    const d = describePlugin(loaded);
    assert.deepEqual(d, {
      descriptorVersion: DESCRIPTOR_VERSION,
      id: "hotel-net",
      displayName: "Hotel Net",
      version: "1.2.3",
      sdk: "^0.1.0",
      description: "room and surname",
      priority: 5,
      source: "/plugins/hotel-net/index.js",
      origin: { kind: "admin", root: "/etc/hotspot-helper/plugins", packageName: "hotel-net" },
      claims: [
        { ssid: "Grand Hotel", confidence: "high" },
        { bssidPrefix: "02:aa", confidence: "low", security: ["open"] },
      ],
      portalHosts: [{ host: "login.hotel.test" }, { host: "*.cdn.test", allowHttp: true }],
      hooks: ["evaluate", "authenticate"],
      timeouts: { authenticate: 60_000 },
      needsBrowser: true,
      takesConfig: true,
      takesCredentials: true,
      hasCredentials: true,
    });
    assert.ok(hasHook(d, "authenticate"));
    assert.ok(!hasHook(d, "logoff"));
  });

  test("carries no credential value and survives structured clone and JSON unchanged", () => {
    const d = describePlugin(loaded);
    assert.ok(!JSON.stringify(d).includes("S3cretname"));
    assert.deepEqual(structuredClone(d), d);
    assert.deepEqual(JSON.parse(JSON.stringify(d)), d);
  });

  test("a minimal plugin: no hooks, no schemas, no credentials", () => {
    const bare = validateDefinition(
      definePlugin({ id: "bare", displayName: "Bare", version: "0.0.1", sdk: "^0.1.0" }),
      "<inline>",
    );
    const d = describePlugin(resolvePlugin(bare, "<inline>", undefined));
    assert.deepEqual(d.hooks, []);
    assert.deepEqual(d.timeouts, {});
    assert.equal(d.priority, 0);
    assert.equal(d.origin, undefined);
    assert.equal(d.needsBrowser, false);
    assert.equal(d.takesCredentials, false);
    assert.equal(d.hasCredentials, false);
    assert.equal("description" in d, false);
  });
});

describe("parseDescriptor", () => {
  test("accepts what describePlugin produced, through JSON", () => {
    const d = describePlugin(loaded);
    assert.deepEqual(parseDescriptor(JSON.parse(JSON.stringify(d)), "a test"), d);
  });

  test("rejects an untrusted descriptor with a coded error naming the source and the field", () => {
    const d = describePlugin(loaded);
    const bad = [
      [{ ...d, claims: [{ ssid: "x", confidence: "certain" }] }, "claims"],
      [{ ...d, hooks: ["authenticate", "steal"] }, "hooks"],
      [{ ...d, displayName: "a\nb" }, "displayName"],
      [{ ...d, descriptorVersion: 99 }, "descriptorVersion"],
      [{ ...d, extra: 1 }, "(root)"],
      [{ ...d, timeouts: { authenticate: -1 } }, "timeouts"],
      [{ ...d, portalHosts: [{ host: "https://evil.test/" }] }, "portalHosts"],
    ] as const;
    for (const [value, field] of bad) {
      assert.throws(
        () => parseDescriptor(value, "the plugin's process"),
        (e: unknown) =>
          isHotspotError(e, "HH_PLUGIN_DESCRIPTOR_INVALID") &&
          e.message.includes("the plugin's process") &&
          e.message.includes(field),
        field,
      );
    }
  });

  test("keeps hooks in the SDK's order whatever order they came in", () => {
    const d = describePlugin(loaded);
    assert.deepEqual(parseDescriptor({ ...d, hooks: ["authenticate", "evaluate"] }, "x").hooks, [
      "evaluate",
      "authenticate",
    ]);
  });
});
