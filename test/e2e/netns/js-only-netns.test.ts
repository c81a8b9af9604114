import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { z } from "zod";
import { chromiumAvailable } from "../../../src/browser/launch.ts";
import { namespaceModeUnavailable, withNamespaceWorld } from "../../../src/harness/netns/world.ts";

const unavailable = await namespaceModeUnavailable();
const skip =
  unavailable !== undefined
    ? `namespace mode unavailable: ${unavailable}`
    : chromiumAvailable()
      ? false
      : "Chromium is not installed (apt install chromium)";
const SCRIPT = fileURLToPath(new URL("../auth/js-login-in-namespace.ts", import.meta.url));
const answer = z.object({ state: z.string(), states: z.array(z.string()) });

describe("js-only in namespace mode: the daemon's headless Chromium logs in across the link (slow: a world and a browser, 10-30 s)", {
  skip,
}, () => {
  test("the daemon in the client namespace ends Authenticated and the garden holds the client", () =>
    withNamespaceWorld({ scenario: "js-only" }, async (world) => {
      const lease = await world.dhcp();
      const { stdout } = await promisify(execFile)(
        "ip",
        [
          "netns",
          "exec",
          world.names.client,
          process.execPath,
          "--import",
          "tsx",
          SCRIPT,
          new URL(world.portal.url).hostname,
        ],
        {
          timeout: 120_000,
          env: { ...process.env, HOTSPOT_TEST_ACCOUNT: JSON.stringify(world.portal.credentials) },
        },
      );
      const r = answer.parse(JSON.parse(stdout));
      assert.equal(r.state, "Authenticated", r.states.join("\n"));
      assert.deepEqual(await world.gardenMembers(), [lease.address]);
      // The login really went through the page: its script's JSON POST reached the portal.
      assert.ok(
        world.portal.log.some(
          (e) => e.method === "POST" && e.path === "/app/api/session" && e.status === 200,
        ),
      );
    }));
});
