import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { routeCommands, ruleAddCommand } from "../../../src/auth/link-route-ip.ts";

/**
 * The unit gives the daemon root with a capability bounding set of CAP_NET_ADMIN and
 * CAP_NET_RAW and NoNewPrivileges. Policy routing runs `ip`: here the very commands the
 * daemon's link router runs, under those restrictions (setpriv), in a namespace of our own.
 */

const NS = `hh-cap-${process.pid}`;
const HOST_END = `hhcap${process.pid}`.slice(0, 15);
const PLAN = { iface: "d0", ipv4: "10.77.0.2", prefixlen: 24, gateway: "10.77.0.1", table: 31_777 };
const skip =
  process.getuid?.() !== 0
    ? "needs root (network namespaces)"
    : spawnSync("ip", ["-V"]).status !== 0
      ? "iproute2 is not installed"
      : false;

function run(args: readonly string[]): { status: number | null; out: string } {
  const r = spawnSync(args[0] ?? "", args.slice(1), { encoding: "utf8" });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** `ip ARGS` inside our namespace, as the unit would run it: caps limited, no new privileges. */
function restrictedIp(bounding: string, args: readonly string[]) {
  return run([
    "ip",
    "netns",
    "exec",
    NS,
    "setpriv",
    `--bounding-set=${bounding}`,
    "--no-new-privs",
    "--",
    "ip",
    ...args,
  ]);
}

describe("policy routing under the unit's capability set", { skip }, () => {
  before(() => {
    for (const cmd of [
      ["ip", "netns", "add", NS],
      ["ip", "link", "add", HOST_END, "type", "veth", "peer", "name", "d0", "netns", NS],
      ["ip", "link", "set", HOST_END, "up"],
      ["ip", "-n", NS, "addr", "add", `${PLAN.ipv4}/${PLAN.prefixlen}`, "dev", "d0"],
      ["ip", "-n", NS, "link", "set", "d0", "up"],
    ]) {
      const r = run(cmd);
      assert.equal(r.status, 0, `${cmd.join(" ")}: ${r.out}`);
    }
  });
  after(() => {
    run(["ip", "link", "del", HOST_END]);
    run(["ip", "netns", "del", NS]);
  });

  test("with no capabilities at all the daemon's rule is refused (the check can fail)", () => {
    const r = restrictedIp("-all", ruleAddCommand(PLAN));
    assert.notEqual(r.status, 0);
    assert.match(r.out, /Operation not permitted/);
  });

  test("CAP_NET_ADMIN and CAP_NET_RAW are enough for the daemon's routes and rule", () => {
    for (const args of [...routeCommands(PLAN), ruleAddCommand(PLAN)]) {
      const r = restrictedIp("-all,+net_admin,+net_raw", args);
      assert.equal(r.status, 0, `ip ${args.join(" ")}: ${r.out}`);
    }
    const rules = run(["ip", "-n", NS, "rule", "show", "table", String(PLAN.table)]);
    assert.match(rules.out, new RegExp(`from ${PLAN.ipv4.replace(/\./g, "\\.")} lookup ${PLAN.table}`));
    const routes = run(["ip", "-n", NS, "route", "show", "table", String(PLAN.table)]);
    assert.match(routes.out, /default via 10\.77\.0\.1 dev d0/);
  });
});
