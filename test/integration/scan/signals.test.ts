import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { dbusDaemonAvailable, type PrivateBus, startPrivateBus } from "../../../src/harness/dbus-daemon.ts";
import { type BusConnection, openBus } from "../../../src/scan/dbus/bus.ts";
import { matchRule, matchRulesOf, subscribeSignals } from "../../../src/scan/dbus/signals.ts";

const skip = dbusDaemonAvailable() ? undefined : "dbus-daemon is not installed";

describe("subscribeSignals on a private bus", { skip }, () => {
  let bus: PrivateBus;
  let conn: BusConnection;
  before(async () => {
    bus = await startPrivateBus();
    conn = await openBus(bus.address);
  });
  after(async () => {
    conn?.close();
    await bus?.stop();
  });

  test("a refused rule leaves none of the subscription's other rules on the bus, even ones accepted after the refusal", async () => {
    const valid = [1, 2, 3].map((n) => matchRule({ type: "signal", interface: `org.example.Leak${n}` }));
    await assert.rejects(subscribeSignals(conn, ["type='bogus'", ...valid], () => {}));
    const rules = await matchRulesOf(conn);
    assert.deepEqual(
      rules.filter((r) => r.includes("org.example.Leak")),
      [],
    );
  });

  test("dispose removes every rule the subscription added", async () => {
    const rule = matchRule({ type: "signal", interface: "org.example.Kept" });
    const sub = await subscribeSignals(conn, [rule], () => {});
    assert.ok((await matchRulesOf(conn)).some((r) => r.includes("org.example.Kept")));
    await sub.dispose();
    assert.ok(!(await matchRulesOf(conn)).some((r) => r.includes("org.example.Kept")));
  });
});
