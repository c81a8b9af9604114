import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { defaultUserConfig } from "../../../src/config/schema.ts";
import type { HotspotError } from "../../../src/errors.ts";
import type { FilterScanListContext } from "../../../src/helper-api/context.ts";
import type { ScannedNetwork } from "../../../src/helper-api/network.ts";
import { createRegistry } from "../../../src/helper-api/registry.ts";
import type { DynamicClaims } from "../../../src/helper-api/results.ts";
import { createPluginHost, type PluginHostOptions } from "../../../src/plugin-host/host.ts";
import type { PluginLogEntry } from "../../../src/plugin-host/logger.ts";
import { loaded, network, summary } from "./helpers.ts";

const meta = { version: "1.0.0", sdk: "^0.1.0" };
const config = { ...defaultUserConfig(), evaluateTimeoutMs: 1000 };

const cafe = network("Cafe", { bssid: "02:00:00:00:00:01" });
const hotel = network("Hotel", { bssid: "02:00:00:00:00:02" });
const storeRoot = mkdtempSync(join(tmpdir(), "hh-registry-store-"));
const host = (o: Omit<PluginHostOptions, "config"> = {}) => createPluginHost({ config, storeRoot, ...o });

function dynamic(
  id: string,
  hook: (networks: readonly ScannedNetwork[], ctx: FilterScanListContext<unknown>) => Promise<DynamicClaims>,
  extra: { claims?: { ssid: string; confidence: "low" | "medium" | "high" }[]; priority?: number } = {},
) {
  return loaded({ id, displayName: id, ...meta, ...extra, filterScanList: hook });
}

describe("PluginRegistry.claimsFor", () => {
  test("ranks static claims with the user's per-SSID preference", () => {
    const a = loaded({
      id: "a",
      displayName: "A",
      ...meta,
      priority: 5,
      claims: [{ ssid: "Cafe", confidence: "high" }],
    });
    const b = loaded({ id: "b", displayName: "B", ...meta, claims: [{ ssid: "Cafe", confidence: "high" }] });
    const plain = createRegistry({ plugins: [a, b], config });
    assert.deepEqual(summary(plain.claimsFor(cafe)), ["a:high", "b:high"]);
    const preferring = createRegistry({ plugins: [a, b], config: { ...config, preferences: { Cafe: "b" } } });
    assert.deepEqual(summary(preferring.claimsFor(cafe)), ["b:high", "a:high"]);
  });
});

describe("PluginRegistry.filterScanList", () => {
  test("returns static claims aligned with the networks", async () => {
    const a = loaded({ id: "a", displayName: "A", ...meta, claims: [{ ssid: "Hotel", confidence: "low" }] });
    const result = await createRegistry({ plugins: [a], config }).filterScanList([cafe, hotel]);
    assert.deepEqual(result.map(summary), [[], ["a:low"]]);
  });

  test("dynamic claims apply to scanned BSSIDs only, raise a plugin's claim and are marked dynamic", async () => {
    const plugin = dynamic(
      "dyn",
      async () => [
        { bssid: "02:00:00:00:00:01", confidence: "medium" },
        { bssid: "02:00:00:00:00:02", confidence: "high" },
        { bssid: "02:00:00:00:00:99", confidence: "high" },
      ],
      { claims: [{ ssid: "Hotel", confidence: "low" }] },
    );
    const result = await createRegistry({ plugins: [plugin], config }).filterScanList([cafe, hotel]);
    assert.deepEqual(result.map(summary), [["dyn:medium"], ["dyn:high"]]);
    assert.deepEqual(
      result.map((r) => r.map((c) => c.origin)),
      [["dynamic"], ["dynamic"]],
    );
  });

  test("a dynamic claim lower than the static one leaves the static claim", async () => {
    const plugin = dynamic("dyn", async () => [{ bssid: "02:00:00:00:00:02", confidence: "low" }], {
      claims: [{ ssid: "Hotel", confidence: "high" }],
    });
    const [, hotelClaims] = await createRegistry({ plugins: [plugin], config }).filterScanList([cafe, hotel]);
    assert.deepEqual(
      hotelClaims?.map((c) => `${c.confidence}:${c.origin}`),
      ["high:static"],
    );
  });

  test("BSSIDs from the hook match in any case, and a repeated claim keeps the plugin's maximum", async () => {
    const plugin = dynamic("dyn", async () => [
      { bssid: "02:00:00:00:00:01", confidence: "high" },
      { bssid: "02:00:00:00:00:01".toUpperCase(), confidence: "low" },
    ]);
    const [cafeClaims] = await createRegistry({ plugins: [plugin], config }).filterScanList([cafe]);
    assert.deepEqual(summary(cafeClaims ?? []), ["dyn:high"]);
  });

  test("the hook gets the scan and a context with config, signal, logger and store", async () => {
    const entries: PluginLogEntry[] = [];
    let seen: readonly ScannedNetwork[] = [];
    const plugin = dynamic("dyn", async (networks, ctx) => {
      seen = networks;
      ctx.log.info("looked", { count: networks.length });
      await ctx.store.set("last", networks.length);
      assert.equal(ctx.signal.aborted, false);
      return [];
    });
    const registry = createRegistry({
      plugins: [plugin],
      config,
      host: host({ log: (e) => entries.push(e) }),
    });
    await registry.filterScanList([cafe, hotel]);
    assert.deepEqual(JSON.parse(readFileSync(join(storeRoot, "dyn", "store.json"), "utf8")), { last: 2 });
    assert.deepEqual(
      seen.map((n) => n.ssidText),
      ["Cafe", "Hotel"],
    );
    assert.deepEqual(entries, [{ level: "info", plugin: "dyn", message: "looked", fields: { count: 2 } }]);
  });

  test("a throwing or garbage-returning hook is reported and contributes nothing", async () => {
    const errors: HotspotError[] = [];
    const thrower = dynamic("thrower", async () => {
      throw new Error("scan hook bug");
    });
    const garbage = dynamic("garbage", async () => JSON.parse('[{ "bssid": 7 }]'));
    const fine = loaded({
      id: "fine",
      displayName: "F",
      ...meta,
      claims: [{ ssid: "Cafe", confidence: "low" }],
    });
    const registry = createRegistry({
      plugins: [thrower, garbage, fine],
      config,
      host: host({ onHookError: (e) => errors.push(e) }),
    });
    const [cafeClaims] = await registry.filterScanList([cafe]);
    assert.deepEqual(summary(cafeClaims ?? []), ["fine:low"]);
    assert.deepEqual(
      errors.map((e) => `${e.params.plugin}:${e.code}`),
      ["thrower:HH_PLUGIN_HOOK_FAILED", "garbage:HH_PLUGIN_RESULT_INVALID"],
    );
  });

  test("without onHookError a failing hook is logged under the plugin's name", async () => {
    const entries: PluginLogEntry[] = [];
    const thrower = dynamic("thrower", async () => {
      throw new Error("scan hook bug");
    });
    const registry = createRegistry({
      plugins: [thrower],
      config,
      host: host({ log: (e) => entries.push(e) }),
    });
    await registry.filterScanList([cafe]);
    assert.equal(entries[0]?.level, "error");
    assert.equal(entries[0]?.plugin, "thrower");
    assert.deepEqual(entries[0]?.fields, { code: "HH_PLUGIN_HOOK_FAILED" });
  });

  test("a hanging hook is cut off at evaluateTimeoutMs and the static claims still come back", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const errors: HotspotError[] = [];
    const hang = dynamic("hang", () => new Promise(() => {}), {
      claims: [{ ssid: "Cafe", confidence: "low" }],
    });
    const pending = createRegistry({
      plugins: [hang],
      config,
      host: host({ onHookError: (e) => errors.push(e) }),
    }).filterScanList([cafe]);
    t.mock.timers.tick(1000);
    const [cafeClaims] = await pending;
    assert.deepEqual(summary(cafeClaims ?? []), ["hang:low"]);
    assert.equal(errors[0]?.code, "HH_PLUGIN_HOOK_TIMEOUT");
  });
});
