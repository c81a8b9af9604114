import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { defaultUserConfig } from "../../../src/config/schema.ts";
import type { PluginDefinition } from "../../../src/helper-api/plugin.ts";
import type { LoadedPlugin } from "../../../src/helper-api/registry-types.ts";
import { describePlugin } from "../../../src/plugin-host/descriptor.ts";
import { createPluginHost } from "../../../src/plugin-host/host.ts";
import { remotePlugin } from "../../../src/plugin-host/remote-plugin.ts";
import { loaded } from "../helper-api/helpers.ts";

const meta = { version: "1.0.0", sdk: "^0.1.0" };
const host = () =>
  createPluginHost({
    config: defaultUserConfig(),
    storeRoot: "/nonexistent/hh-preload",
    transportFor: () => ({}),
  });
const plugin = (id: string, hooks: Partial<PluginDefinition<unknown, unknown>>): LoadedPlugin =>
  loaded({ id, displayName: id, ...meta, ...hooks });

describe("plugin host preload ahead of a join", () => {
  test("an in-process plugin with a login hook gets its link context loaded", async () => {
    const loading = host().preload(plugin("cafe", { authenticate: async () => ({ result: "success" }) }));
    assert.ok(loading);
    assert.equal(await loading, undefined);
  });

  test("a plugin with only filterScanList has nothing to load", () => {
    assert.equal(host().preload(plugin("scan-only", { filterScanList: async () => [] })), undefined);
  });

  test("a plugin that runs in its own process loads there, not in the daemon", () => {
    const local = plugin("cafe", { authenticate: async () => ({ result: "success" }) });
    const stand = remotePlugin(describePlugin(local), undefined, undefined);
    assert.equal(host().preload(stand), undefined);
  });
});
