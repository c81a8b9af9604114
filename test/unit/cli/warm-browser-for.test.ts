import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { warmBrowserFor } from "../../../src/cli/warm-browser-for.ts";
import { validateDefinition } from "../../../src/helper-api/definition-schema.ts";
import { definePlugin } from "../../../src/helper-api/plugin.ts";
import { resolvePlugin } from "../../../src/helper-api/plugin-settings.ts";
import { describePlugin } from "../../../src/plugin-host/descriptor.ts";
import { remotePlugin } from "../../../src/plugin-host/remote-plugin.ts";
import { z } from "../../../src/sdk.ts";

function plugin(needsBrowser: boolean, credentials?: { code: string }) {
  const definition = validateDefinition(
    definePlugin({
      id: "js-hotel",
      displayName: "JS Hotel",
      version: "1.0.0",
      sdk: "^0.1.0",
      credentialsSchema: z.object({ code: z.string() }),
      claims: [{ ssid: "JS Hotel", confidence: "high" }],
      needsBrowser,
      async authenticate() {
        return { result: "success" as const };
      },
    }),
    "/plugins/js-hotel/index.js",
  );
  return resolvePlugin(definition, "/plugins/js-hotel/index.js", {
    enabled: true,
    ...(credentials ? { credentials } : {}),
  });
}

describe("which plugins the daemon keeps a warm Chromium for", () => {
  test("an in-process plugin that needs a browser and has its account", () => {
    assert.equal(warmBrowserFor(plugin(true, { code: "c0de" })), true);
  });

  test("not one without the account it takes, nor one that needs no browser, nor an unknown id", () => {
    assert.equal(warmBrowserFor(plugin(true)), false);
    assert.equal(warmBrowserFor(plugin(false, { code: "c0de" })), false);
    assert.equal(warmBrowserFor(undefined), false);
  });

  test("one whose hooks run in a process of its own too (it is lent the warm tab), by the same rules", () => {
    const inProcess = plugin(true, { code: "c0de" });
    const isolated = remotePlugin(describePlugin(inProcess), undefined, { code: "c0de" });
    assert.equal(isolated.definition.needsBrowser, true);
    assert.equal(warmBrowserFor(isolated), true);
    assert.equal(warmBrowserFor(remotePlugin(describePlugin(plugin(true)), undefined, undefined)), false);
    assert.equal(
      warmBrowserFor(remotePlugin(describePlugin(plugin(false)), undefined, { code: "c0de" })),
      false,
    );
  });
});
