import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isListedPlugin } from "../../../src/cli/listed-plugin.ts";
import { defaultUserConfig } from "../../../src/config/schema.ts";
import { loadRegistry } from "../../../src/helper-api/loader.ts";
import { DESCRIPTOR_VERSION, describePlugin } from "../../../src/plugin-host/descriptor.ts";

async function bundledDescriptors() {
  const registry = await loadRegistry({ config: defaultUserConfig(), strict: true });
  return registry.plugins.map((p) => describePlugin(p));
}

describe("isListedPlugin (cached descriptors read without zod)", () => {
  test("accepts the descriptor of every bundled plugin, whose version it knows", async () => {
    assert.equal(DESCRIPTOR_VERSION, 1);
    const descriptors = await bundledDescriptors();
    assert.ok(descriptors.length >= 5);
    for (const d of descriptors) assert.ok(isListedPlugin(JSON.parse(JSON.stringify(d))), d.id);
  });

  test("accepts every claim form the claim schema allows", () => {
    const claims = [
      { ssid: "Cafe", confidence: "high" },
      { ssid: { hex: "ff00" }, confidence: "low", security: ["open", "owe"] },
      { ssidPrefix: "Hotel-", confidence: "medium" },
      { ssidPattern: "^Bus", flags: "iu", confidence: "low" },
      { bssidPrefix: "02:1a:11", confidence: "high" },
    ];
    const d = { descriptorVersion: 1, id: "p", displayName: "P", priority: 0, hooks: [], claims };
    assert.ok(isListedPlugin(d));
  });

  test("refuses what the loader would never have cached", () => {
    const base = { descriptorVersion: 1, id: "p", displayName: "P", priority: 0, hooks: ["evaluate"] };
    const bad: unknown[] = [
      { ...base, descriptorVersion: 2, claims: [] },
      { ...base, id: "", claims: [] },
      { ...base, priority: 1.5, claims: [] },
      { ...base, hooks: [1], claims: [] },
      { ...base, claims: [{ ssid: "a", ssidPrefix: "b", confidence: "high" }] },
      { ...base, claims: [{ ssid: "a", confidence: "none" }] },
      { ...base, claims: [{ ssid: "a", confidence: "high", security: [] }] },
      { ...base, claims: [{ ssid: "a", confidence: "high", security: ["wpa9"] }] },
      { ...base, claims: [{ ssid: "a".repeat(33), confidence: "high" }] },
      { ...base, claims: [{ ssid: { hex: "f" }, confidence: "high" }] },
      { ...base, claims: [{ ssidPrefix: "", confidence: "high" }] },
      { ...base, claims: [{ ssidPattern: "(", confidence: "high" }] },
      { ...base, claims: [{ ssidPattern: "a", flags: "g", confidence: "high" }] },
      { ...base, claims: [{ bssidPrefix: "02:1A", confidence: "high" }] },
      { ...base, claims: [{ ssid: "a", confidence: "high", note: "x" }] },
      { ...base, claims: "all" },
      null,
      [],
    ];
    for (const d of bad) assert.equal(isListedPlugin(d), false, JSON.stringify(d));
  });
});
