import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { noDbusReason } from "../nm/helpers.ts";
import { FAULTS, type Fault, type HostMode } from "./catalogue.ts";
import { type FaultReport, runFault } from "./run-fault.ts";
import { renderFaultTable } from "./table.ts";

/**
 * Faults no host that runs plugin code in the daemon's own process can survive: synchronous
 * code no deadline can interrupt, and what a plugin does to the whole process. Running
 * them in-process is a todo (reported, not failing) until the daemon's default host is the
 * isolated one; then every fault must be survived.
 */
const FATAL_IN_PROCESS = new Set(["spins", "allocates", "exits", "import-spins"]);

/** The host mode the suite holds to its promise: the daemon's default host. */
const MODE: HostMode = "in-process";

const todo = (fault: Fault): string | undefined =>
  MODE === "in-process" && FATAL_IN_PROCESS.has(fault.name)
    ? "the in-process plugin host cannot survive this fault; the isolated host must"
    : undefined;

const explain = (r: FaultReport): string => `\n${renderFaultTable([r])}`;

/**
 * Nine daemons, one per fault, two at a time: about 30-40 s in all on two cores, most of it
 * the hook deadline (3 s) and daemon start-up (2 s each); the faults that hang a daemon cost
 * their wait bounds. Every wait is on a log line, a D-Bus-driven state change or the
 * portal's record, bounded so that a hung daemon ends the wait instead of the suite.
 */
describe("fault injection: a faulty plugin beside two healthy ones in the real daemon (~40 s)", {
  skip: noDbusReason,
  concurrency: 2,
}, () => {
  for (const fault of FAULTS) {
    test(`${fault.name}: ${fault.description}; the daemon survives and the healthy plugins keep logging in`, {
      todo: todo(fault),
      timeout: 90_000,
    }, async () => {
      const r = await runFault(fault, MODE);
      assert.ok(r.survived, `the daemon did not survive ${fault.name}${explain(r)}`);
      // The healthy plugins logged in before, (for a hook fault) while it ran, and after.
      assert.equal(r.before.done, 2, explain(r));
      assert.equal(r.after.done, 2, explain(r));
      if (fault.phase === "hook") {
        assert.equal(r.during.done, 2, explain(r));
        // The daemon got an answer for the faulty call (error, timeout, crash) and moved on.
        assert.notEqual(r.recoveryMs, undefined, explain(r));
        assert.ok(["called again", "backing off", "quarantined"].includes(r.aftermath), explain(r));
      } else {
        assert.ok(["skipped at load", "quarantined"].includes(r.aftermath), explain(r));
      }
    });
  }
});
