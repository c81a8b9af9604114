import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { childLeases } from "../../../src/plugin-host/child-lease.ts";
import type { FromChild } from "../../../src/plugin-host/protocol.ts";

/** The plugin process's side of the warm lease: ask in the call's name, fall back to a launch. */

function world() {
  const sent: FromChild[] = [];
  const warned: string[] = [];
  const leases = childLeases(
    (m) => sent.push(m),
    (m) => warned.push(m),
  );
  return { sent, warned, leases };
}

describe("a plugin process asking for the daemon's warm browser", () => {
  test("asks in the name of the call whose signal it is; no lease answered: it launches its own", async () => {
    const { sent, leases } = world();
    const call = new AbortController();
    leases.track(call.signal, 7);
    const asking = leases.acquire(call.signal);
    assert.deepEqual(sent, [{ t: "lease", id: 7 }]);
    leases.answered({ t: "leased", id: 7 });
    assert.equal(await asking, undefined);
  });

  test("a signal of no call asks nothing", async () => {
    const { sent, leases } = world();
    assert.equal(await leases.acquire(new AbortController().signal), undefined);
    assert.deepEqual(sent, []);
  });

  test("the hook aborted while waiting: no lease, and a late answer is ignored", async () => {
    const { leases } = world();
    const call = new AbortController();
    leases.track(call.signal, 3);
    const asking = leases.acquire(call.signal);
    call.abort();
    assert.equal(await asking, undefined);
    leases.answered({ t: "leased", id: 3 });
  });

  test("a lease it cannot use is given back at once (unlease) and the hook launches its own", async () => {
    const { sent, warned, leases } = world();
    const call = new AbortController();
    leases.track(call.signal, 9);
    const asking = leases.acquire(call.signal);
    leases.answered({
      t: "leased",
      id: 9,
      // Not a lease the schema accepts (a socket path over 107 bytes): connecting fails.
      lease: { socketPath: `/${"x".repeat(200)}`, token: "t".repeat(32), browserContextId: "C" },
    });
    assert.equal(await asking, undefined);
    assert.deepEqual(sent, [
      { t: "lease", id: 9 },
      { t: "unlease", id: 9 },
    ]);
    assert.equal(warned.length, 1);
    assert.match(warned[0] ?? "", /could not be used, launching one/);
  });
});
