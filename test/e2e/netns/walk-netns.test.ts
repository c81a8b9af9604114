import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { z } from "zod";
import { namespaceModeUnavailable, withNamespaceWorld } from "../../../src/harness/netns/world.ts";

const unavailable = await namespaceModeUnavailable();
const skip = unavailable === undefined ? false : `namespace mode unavailable: ${unavailable}`;
const SCRIPT = fileURLToPath(new URL("../auth/walk-in-namespace.ts", import.meta.url));
const answer = z.object({ state: z.string(), states: z.array(z.string()) });

/**
 * Each world costs 5-15 s on this machine (namespaces, dnsmasq, dhclient, a daemon started
 * under tsx), so the default run covers three shapes that differ on the wire in namespace
 * mode (a redirect to the controller's page plus a script-pressed button, a two-host
 * hand-off, a loop); `npm run test:netns-shapes` (HOTSPOT_NETNS_ALL_SHAPES=1) runs them all.
 */
const ALL = process.env.HOTSPOT_NETNS_ALL_SHAPES === "1";
const DEFAULT_SET = new Set(["click-through:onclick", "click-through:two-step", "click-through:loop"]);
const chosen = (name: string) => ALL || DEFAULT_SET.has(name);

const GOOD = [
  "click-through",
  "click-through:link",
  "click-through:two-step",
  "click-through:buttons",
  "click-through:relative",
  "click-through:meta-refresh",
  "click-through:script-redirect",
  "click-through:onclick",
  "click-through:onclick-inline",
];
const BAD: Record<string, RegExp> = {
  "click-through:loop": /HH_TERMS_LOOP/,
  "click-through:decline-only": /declined after evaluate/,
  "click-through:many": /HH_TERMS_NO_ACTION|declined after evaluate/,
};

function daemonInClient(scenario: string) {
  return withNamespaceWorld({ scenario }, async (world) => {
    const lease = await world.dhcp();
    // Its own `ip netns exec` rather than inClient's 15 s limit: a daemon started under tsx
    // on a loaded two-core machine can take longer than that.
    const { stdout } = await promisify(execFile)(
      "ip",
      ["netns", "exec", world.names.client, process.execPath, "--import", "tsx", SCRIPT],
      { timeout: 90_000 },
    );
    const out = answer.parse(JSON.parse(stdout));
    return { ...out, lease, garden: await world.gardenMembers(), log: [...world.portal.log] };
  });
}

describe("the click-through walker in namespace mode (DHCP, DNS, nftables garden; slow: one world of 5-15 s per shape)", {
  skip,
}, () => {
  for (const scenario of GOOD.filter(chosen)) {
    test(`${scenario}: the daemon in the client namespace ends Authenticated and the garden holds the client`, async () => {
      const r = await daemonInClient(scenario);
      assert.equal(r.state, "Authenticated", r.states.join("\n"));
      assert.deepEqual(r.garden, [r.lease.address]);
    });
  }
  for (const [scenario, reason] of Object.entries(BAD).filter(([name]) => chosen(name))) {
    test(`${scenario}: never Authenticated, the garden stays closed`, async () => {
      const r = await daemonInClient(scenario);
      assert.notEqual(r.state, "Authenticated");
      assert.deepEqual(r.garden, []);
      assert.ok(
        r.states.some((s) => reason.test(s)),
        r.states.join("\n"),
      );
    });
  }
});
