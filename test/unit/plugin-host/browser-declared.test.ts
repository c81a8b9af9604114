import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { isHotspotError } from "../../../src/errors.ts";
import type { PortalInfo } from "../../../src/helper-api/context.ts";
import type { JoinedNetwork } from "../../../src/helper-api/network.ts";
import type { LoadedPlugin } from "../../../src/helper-api/registry-types.ts";
import { createPluginSide } from "../../../src/plugin-host/plugin-side.ts";
import { loaded, network } from "../helper-api/helpers.ts";

// A plugin's process under the permission model gets what a browser needs (starting and
// reading Chromium, writing failure screenshots) only if the plugin declares needsBrowser; an
// undeclared ctx.browser() must say so instead of failing later as "no Chromium found".

const PORTAL: PortalInfo = { verdict: "portal", probeUrl: "http://127.0.0.1:9/generate_204" };
const joined: JoinedNetwork = { ...network("Cafe"), interface: "lo", justJoined: true, autoJoined: true };
const LEASE_ASKED = new Error("the lease was asked for");

let storeRoot = "";
before(async () => {
  storeRoot = await mkdtemp(join(tmpdir(), "hh-browser-declared-"));
});
after(() => rm(storeRoot, { recursive: true, force: true }));

function opener(needsBrowser: boolean): LoadedPlugin {
  return loaded({
    id: needsBrowser ? "declared" : "undeclared",
    displayName: "Opener",
    version: "1.0.0",
    sdk: "^0.1.0",
    ...(needsBrowser ? { needsBrowser: true } : {}),
    async authenticate({ browser }) {
      await browser();
      return { result: "success" };
    },
  });
}

function side(declaredOnly: boolean | undefined, asked: string[]) {
  return createPluginSide({
    storeRoot,
    transportFor: () => ({}),
    browser: {
      ...(declaredOnly === undefined ? {} : { declaredOnly }),
      // Stands in for Chromium: reaching it means ctx.browser() went on to get a browser.
      acquire: async () => {
        asked.push("lease");
        throw LEASE_ASKED;
      },
    },
  });
}

const call = (plugin: LoadedPlugin, declaredOnly: boolean | undefined, asked: string[]) =>
  side(declaredOnly, asked).call(
    plugin,
    { hook: "authenticate", network: joined, portal: PORTAL },
    new AbortController().signal,
  );

describe("ctx.browser() in a process granted a browser only when declared", () => {
  test("an undeclared plugin gets HH_BROWSER_NOT_DECLARED naming needsBrowser, before any browser is sought", async () => {
    const asked: string[] = [];
    await assert.rejects(call(opener(false), true, asked), (e: unknown) => {
      assert.ok(isHotspotError(e, "HH_BROWSER_NOT_DECLARED"), String(e));
      assert.match(String(e), /undeclared.*needsBrowser: true/);
      assert.doesNotMatch(String(e), /no Chromium found|apt install/);
      return true;
    });
    assert.deepEqual(asked, [], "no warm lease asked for, no Chromium sought");
  });

  test("a plugin that declares needsBrowser goes on to get its browser", async () => {
    const asked: string[] = [];
    await assert.rejects(call(opener(true), true, asked), (e: unknown) => e === LEASE_ASKED);
    assert.deepEqual(asked, ["lease"]);
  });

  test("in the daemon's own process (no permission model) an undeclared plugin still gets a browser", async () => {
    const asked: string[] = [];
    await assert.rejects(call(opener(false), undefined, asked), (e: unknown) => e === LEASE_ASKED);
    assert.deepEqual(asked, ["lease"]);
  });
});
