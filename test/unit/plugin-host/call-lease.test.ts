import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { WarmLeaseData } from "../../../src/browser/remote-lease.ts";
import type { RemoteLease } from "../../../src/browser/warm-instance.ts";
import { CallLease } from "../../../src/plugin-host/call-lease.ts";

/** The daemon's side of one call's warm-browser lease: one per call, always given back. */

const DATA: WarmLeaseData = { socketPath: "/run/x/cdp.sock", token: "t".repeat(32), browserContextId: "C1" };

function provider() {
  const state = { taken: 0, released: 0 };
  const lease = (): RemoteLease => {
    state.taken++;
    return {
      data: DATA,
      release: async () => {
        state.released++;
      },
    };
  };
  return { state, take: async () => lease() };
}

describe("a call's warm-browser lease", () => {
  test("the first ask gets the lease's data, a second ask none; the call's end releases it once", async () => {
    const p = provider();
    const replies: (WarmLeaseData | undefined)[] = [];
    const held = new CallLease(p.take, new AbortController().signal, (d) => replies.push(d));
    await held.ask();
    await held.ask();
    assert.deepEqual(replies, [DATA, undefined]);
    assert.equal(p.state.taken, 1);
    held.end();
    held.end();
    await Promise.resolve();
    assert.equal(p.state.released, 1);
  });

  test("no provider, an aborted call or a call that ended: no lease, nothing taken", async () => {
    const replies: (WarmLeaseData | undefined)[] = [];
    await new CallLease(undefined, new AbortController().signal, (d) => replies.push(d)).ask();
    const p = provider();
    const aborted = new AbortController();
    aborted.abort();
    await new CallLease(p.take, aborted.signal, (d) => replies.push(d)).ask();
    const ended = new CallLease(p.take, new AbortController().signal, (d) => replies.push(d));
    ended.end();
    await ended.ask();
    assert.deepEqual(replies, [undefined, undefined, undefined]);
    assert.equal(p.state.taken, 0);
  });

  test("a lease taken while the call ended is released at once and not handed over", async () => {
    const p = provider();
    let proceed: () => void = () => {};
    const gate = new Promise<void>((r) => {
      proceed = r;
    });
    const replies: (WarmLeaseData | undefined)[] = [];
    const held = new CallLease(
      async (signal) => {
        await gate;
        return signal.aborted ? undefined : p.take();
      },
      new AbortController().signal,
      (d) => replies.push(d),
    );
    const asking = held.ask();
    held.end();
    proceed();
    await asking;
    assert.deepEqual(replies, [undefined]);
    assert.equal(p.state.taken, 1);
    assert.equal(p.state.released, 1);
  });

  test("a provider that fails answers no lease (the process launches its own)", async () => {
    const replies: (WarmLeaseData | undefined)[] = [];
    const held = new CallLease(
      async () => {
        throw new Error("the warm browser died");
      },
      new AbortController().signal,
      (d) => replies.push(d),
    );
    await held.ask();
    assert.deepEqual(replies, [undefined]);
  });
});
