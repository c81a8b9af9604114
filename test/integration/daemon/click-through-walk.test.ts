import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { userConfigSchema } from "../../../src/config/schema.ts";
import { Daemon } from "../../../src/daemon/daemon.ts";
import type { StateChange } from "../../../src/daemon/events.ts";
import { startPortal } from "../../../src/harness/index.ts";
import { loadRegistry } from "../../../src/helper-api/loader.ts";
import { FixtureScanSource } from "../../../src/scan/fixture-source.ts";

const SCAN = fileURLToPath(new URL("../../../fixtures/scans/demo.json", import.meta.url));
const LIBRARY = "02:11:b0:00:00:01";

async function joinLibrary(scenario: string, clickThrough: Record<string, unknown>) {
  const portal = await startPortal({ scenario });
  const config = userConfigSchema.parse({
    probeUrl: portal.probeUrl,
    plugins: {
      "click-through": { config: clickThrough },
      "example-cafe": { enabled: false },
      wispr: { enabled: false },
      capport: { enabled: false },
      "uam-chap": { enabled: false },
    },
  });
  const registry = await loadRegistry({ pluginDirs: [], config, strict: true });
  const source = new FixtureScanSource(SCAN);
  const daemon = new Daemon({ source, registry, config, log: () => {}, verifyAttempts: 2, verifyDelayMs: 1 });
  const states: StateChange[] = [];
  daemon.on("state", (c) => states.push(c));
  try {
    await daemon.start();
    source.join(LIBRARY);
    await daemon.session("wlan0")?.idle();
    return {
      state: daemon.session("wlan0")?.state,
      states,
      authorized: portal.authorized(),
      log: [...portal.log],
    };
  } finally {
    await daemon.stop();
    await portal.close();
  }
}

describe("Daemon with the click-through walker", () => {
  for (const scenario of ["click-through:two-step", "click-through:link", "click-through:onclick"]) {
    test(`${scenario}: the daemon ends Authenticated, and one probe after the portal opens: the walker's, which the daemon takes as its verification`, async () => {
      const r = await joinLibrary(scenario, { ssids: ["Library Guest"] });
      const trail = r.states.map((s) => `${s.to}: ${s.reason}`).join("\n");
      assert.equal(r.state, "Authenticated", trail);
      assert.equal(r.authorized, true);
      const lastOpen = r.log.findLastIndex((e) => !e.authorized);
      const probesAfter = r.log.slice(lastOpen + 1).filter((e) => e.path === "/generate_204");
      assert.equal(probesAfter.length, 1, r.log.map((e) => `${e.method} ${e.status} ${e.url}`).join("\n"));
      assert.equal(probesAfter[0]?.status, 204);
    });
  }

  test("a network whose terms page only declines is not claimed as logged in", async () => {
    const r = await joinLibrary("click-through:decline-only", { anyOpenNetwork: true });
    assert.notEqual(r.state, "Authenticated");
    assert.equal(r.authorized, false);
    assert.ok(r.states.some((s) => /HH_TERMS_DECLINE_ONLY|declined after evaluate/.test(s.reason)));
  });
});
