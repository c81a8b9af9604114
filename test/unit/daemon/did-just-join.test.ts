import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { defaultUserConfig } from "../../../src/config/schema.ts";
import type { PortalInfo } from "../../../src/helper-api/context.ts";
import { createPluginHost } from "../../../src/plugin-host/host.ts";
import { loaded, network } from "../helper-api/helpers.ts";

const PORTAL: PortalInfo = { verdict: "online", probeUrl: "http://probe.test/generate_204" };
const SESSION = { authenticatedAt: 0, facts: {} };

describe("didJustJoin on the maintain context", () => {
  let storeRoot = "";
  before(async () => {
    storeRoot = await mkdtemp(join(tmpdir(), "hh-just-joined-"));
  });
  after(() => rm(storeRoot, { recursive: true, force: true }));

  test("follows the maintained network's justJoined; logoff always sees false", async () => {
    const seen: string[] = [];
    const plugin = {
      ...loaded({
        id: "watcher",
        displayName: "watcher",
        version: "1.0.0",
        sdk: "^0.1.0",
        maintain: async ({ didJustJoin }) => {
          seen.push(`maintain:${didJustJoin}`);
          return { result: "success" };
        },
        logoff: async ({ didJustJoin }) => {
          seen.push(`logoff:${didJustJoin}`);
        },
      }),
      credentials: undefined,
    };
    const host = createPluginHost({ config: defaultUserConfig(), storeRoot, transportFor: () => ({}) });
    const joined = (justJoined: boolean) => ({
      ...network("Cafe"),
      interface: "wlan0",
      justJoined,
      autoJoined: false,
    });
    await host.maintain(plugin, joined(true), PORTAL, SESSION);
    await host.maintain(plugin, joined(false), PORTAL, SESSION);
    await host.logoff(plugin, joined(true), PORTAL, SESSION);
    assert.deepEqual(seen, ["maintain:true", "maintain:false", "logoff:false"]);
  });
});
