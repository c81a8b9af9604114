import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { defaultUserConfig } from "../../../src/config/schema.ts";
import type { HotspotError } from "../../../src/errors.ts";
import { DEFAULT_HOOK_TIMEOUTS_MS, hookDeadline } from "../../../src/helper-api/deadlines.ts";
import { HOOK_NAMES } from "../../../src/helper-api/plugin.ts";
import { createRegistry } from "../../../src/helper-api/registry.ts";
import { createPluginHost } from "../../../src/plugin-host/host.ts";
import * as sdk from "../../../src/sdk.ts";
import { loaded, network } from "./helpers.ts";

const meta = { version: "1.0.0", sdk: "^0.1.0" };
const plain = loaded({ id: "plain", displayName: "Plain", ...meta });

describe("hook deadlines: one table", () => {
  test("the SDK's JSDoc figures: filterScanList and evaluate 5 000 ms, the others 45 000 ms", () => {
    assert.deepEqual(DEFAULT_HOOK_TIMEOUTS_MS, {
      filterScanList: 5000,
      evaluate: 5000,
      authenticate: 45000,
      maintain: 45000,
      logoff: 45000,
    });
    assert.equal(sdk.DEFAULT_HOOK_TIMEOUTS_MS, DEFAULT_HOOK_TIMEOUTS_MS);
  });

  test("the config's defaults are the table's, for every hook", () => {
    const config = defaultUserConfig();
    for (const hook of HOOK_NAMES)
      assert.equal(hookDeadline(plain, hook, config), DEFAULT_HOOK_TIMEOUTS_MS[hook]);
  });

  test("evaluateTimeoutMs sets filterScanList and evaluate; hookTimeoutMs the rest; a plugin's own timeouts win", () => {
    const config = { evaluateTimeoutMs: 111, hookTimeoutMs: 222 };
    assert.deepEqual(
      HOOK_NAMES.map((h) => hookDeadline(plain, h, config)),
      [111, 111, 222, 222, 222],
    );
    const own = loaded({
      id: "own",
      displayName: "Own",
      ...meta,
      timeouts: { filterScanList: 7, logoff: 9 },
    });
    assert.deepEqual(
      HOOK_NAMES.map((h) => hookDeadline(own, h, config)),
      [7, 111, 222, 222, 9],
    );
  });

  test("the registry's filterScanList is cut off at the default 5 000 ms, not before", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const errors: HotspotError[] = [];
    const hang = loaded({
      id: "hang",
      displayName: "Hang",
      ...meta,
      filterScanList: () => new Promise(() => {}),
    });
    const config = defaultUserConfig();
    const pending = createRegistry({
      plugins: [hang],
      config,
      host: createPluginHost({ config, onHookError: (e) => errors.push(e) }),
    }).filterScanList([network("Cafe")]);
    t.mock.timers.tick(4999);
    await new Promise((r) => setImmediate(r));
    assert.equal(errors.length, 0);
    t.mock.timers.tick(1);
    await pending;
    assert.equal(errors[0]?.code, "HH_PLUGIN_HOOK_TIMEOUT");
    assert.equal(errors[0]?.params.ms, 5000);
  });
});
