import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { noDbusReason } from "../nm/helpers.ts";
import { DEFAULT_MODE, FAULTS, type Fault, HEALTHY, type HostMode } from "./catalogue.ts";
import {
  droppedLines,
  type FaultReport,
  hookFault,
  importFault,
  logins,
  type PhaseLogins,
  runFault,
  startUp,
} from "./run-fault.ts";
import { renderFaultTable } from "./table.ts";
import { BOUNDS, FaultWorld } from "./world.ts";

/**
 * Faults no host that runs plugin code in the daemon's own process can survive: synchronous
 * code no deadline can interrupt, and what a plugin does to the whole process. While the
 * daemon's default host is in process, each runs as a todo (reported, not failing) in a
 * daemon of its own; with the isolated host as the default, every fault must be survived.
 */
const FATAL_IN_PROCESS = new Set(["spins", "allocates", "exits", "import-spins"]);

/** The host mode the suite holds to its promise: the daemon's default host. */
const MODE: HostMode = DEFAULT_MODE;

const fatal = (fault: Fault): boolean => MODE === "in-process" && FATAL_IN_PROCESS.has(fault.name);
const explain = (r: FaultReport): string => `\n${renderFaultTable([r])}`;

function assertSurvived(r: FaultReport): void {
  assert.ok(r.survived, `the daemon did not survive ${r.fault.name}${explain(r)}`);
  // The healthy plugins logged in before, (for a hook fault) while it ran, and after.
  assert.equal(r.before.done, 2, explain(r));
  assert.equal(r.after.done, 2, explain(r));
  if (r.fault.phase === "hook") {
    assert.equal(r.during.done, 2, explain(r));
    // The daemon got an answer for the faulty call (error, timeout, crash) and moved on.
    assert.notEqual(r.recoveryMs, undefined, explain(r));
  } else {
    assert.ok(["skipped at load", "quarantined"].includes(r.aftermath), explain(r));
  }
}

/**
 * The flooding plugin's lines in the daemon's log keep to its budget (100 at once, 20 a
 * second: no more than 100 + 20·T lines over any T seconds, by the daemon's own timestamps),
 * and the daemon said how many it dropped. The summary comes when the plugin's call ends,
 * which for a flooding plugin is when its process has sent everything it queued or is
 * killed for not answering after its deadline: waited for, not assumed.
 */
async function assertLogBudget(world: FaultWorld, r: FaultReport): Promise<void> {
  const summary = new RegExp(`^plugin ${r.fault.pluginId}: [\\d,]+ log lines? dropped in the last \\d+ s`);
  assert.ok(await world.daemon.waitFor(summary, BOUNDS.settleMs), `no summary of dropped lines${explain(r)}`);
  const lines = world.daemon.lines.filter((l) => l.scope === r.fault.pluginId);
  const seconds = ((lines.at(-1)?.timeMs ?? 0) - (lines[0]?.timeMs ?? 0)) / 1_000;
  assert.ok(droppedLines(world, r.fault.pluginId) > 0);
  assert.ok(
    lines.length <= 100 + 20 * seconds + 2,
    `${lines.length} lines in ${seconds} s: over the budget${explain(r)}`,
  );
}

/**
 * One daemon holding every fault plugin the host must survive beside the two healthy ones;
 * the faults strike one after another, each on its own network, and the healthy plugins log
 * in before, during and after each. Every wait is on a log line, a NetworkManager-driven
 * state change or the portal's record, bounded so that a hung daemon ends the wait instead
 * of the suite. About 50 s of CPU time isolated (a process per plugin, each started cold
 * for its fault), 20 s in process: half a minute or less of wall time on two quiet cores.
 */
describe("fault injection: faulty plugins beside two healthy ones in one real daemon (~50 s of CPU)", {
  skip: noDbusReason,
}, () => {
  const survivable = FAULTS.filter((f) => !fatal(f));
  let world: FaultWorld | undefined;
  let start: Awaited<ReturnType<typeof startUp>> = {};
  let first: PhaseLogins = { tried: 0, done: 0, problems: [] };
  /** The last healthy logins: the "before" of the next fault. */
  let latest = first;

  before(async () => {
    world = await FaultWorld.start({ faults: survivable, mode: MODE, faultsInRange: false });
    start = await startUp(world);
    if (start.problem === undefined) first = latest = await logins(world);
  });
  after(async () => {
    await world?.close();
  });

  test(`the daemon starts with ${survivable.length} fault plugins loaded beside the healthy ones, which log in`, () => {
    assert.equal(start.problem, undefined, world?.daemon.rawTail);
    assert.deepEqual(first, { tried: 2, done: 2, problems: [] });
    assert.deepEqual(
      HEALTHY.map((h) => world?.portal.log.some((e) => e.url.includes(`via=${h.id}`))),
      [true, true],
    );
  });

  for (const fault of survivable.filter((f) => f.phase === "hook")) {
    test(`${fault.name}: ${fault.description}; the daemon survives and the healthy plugins keep logging in`, async () => {
      assert.ok(world && start.problem === undefined, "the daemon did not start");
      // A plugin that dies on every call, left on its network: the daemon's retries crash it
      // again until the isolated host quarantines it.
      const quarantine = MODE === "isolated" && fault.name === "exits";
      const r = await hookFault(world, fault, latest, {
        rejoin: false,
        timeRestart: false,
        awaitQuarantine: quarantine,
      });
      latest = r.after;
      assertSurvived(r);
      if (fault.name === "floods") await assertLogBudget(world, r);
      if (quarantine) assert.notEqual(r.quarantineMs, undefined, `never quarantined${explain(r)}`);
    });
  }

  for (const fault of survivable.filter((f) => f.phase === "import")) {
    test(`${fault.name}: ${fault.description}; the daemon starts without it and the healthy plugins keep logging in`, async () => {
      assert.ok(world && start.atMs !== undefined, "the daemon did not start");
      assertSurvived(await importFault(world, fault, latest, start.atMs));
    });
  }
});

describe("fault injection: faults the in-process host cannot survive, each in a daemon of its own", {
  skip: noDbusReason ?? (FAULTS.some(fatal) ? false : "every fault runs in the shared daemon"),
}, () => {
  for (const fault of FAULTS.filter(fatal)) {
    test(`${fault.name}: ${fault.description}; the daemon survives and the healthy plugins keep logging in`, {
      todo: "the in-process plugin host cannot survive this fault; the isolated host must",
    }, async () => {
      assertSurvived(await runFault(fault, MODE));
    });
  }
});
