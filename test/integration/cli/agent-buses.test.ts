import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { captureIo } from "../../../src/cli/io.ts";
import { main } from "../../../src/cli/main.ts";
import { type PrivateBus, startPrivateBus } from "../../../src/harness/dbus-daemon.ts";
import { noDbusReason } from "../nm/helpers.ts";

/**
 * `hotspot agent` talks to two buses; when one cannot be reached, the message names that
 * one. It used to blame the desktop session's bus whichever failed, so a person with a
 * working session told to "run it from your desktop session" had nothing to fix there.
 */
describe("hotspot agent when a bus cannot be reached", { skip: noDbusReason }, () => {
  let bus: PrivateBus;
  const nowhere = "unix:path=/nonexistent/hh-agent-test.sock";
  before(async () => {
    bus = await startPrivateBus();
  });
  after(() => bus?.stop());

  test("the daemon's bus: the daemon is not running there (exit 6), the session bus is not blamed", async () => {
    const io = captureIo({});
    const code = await main(["agent", "--daemon-bus", nowhere, "--session-bus", bus.address], io);
    assert.equal(code, 6, io.stderrText());
    assert.match(io.stderrText(), /^hotspot: the hotspot daemon is not running on unix:path=\/nonexistent\//);
    assert.doesNotMatch(io.stderrText(), /desktop session/);
  });

  test("the session bus: it names that bus alone (exit 2)", async () => {
    const io = captureIo({});
    const code = await main(["agent", "--daemon-bus", bus.address, "--session-bus", nowhere], io);
    assert.equal(code, 2, io.stderrText());
    assert.match(
      io.stderrText(),
      /needs your desktop session's bus \(unix:path=\/nonexistent\/hh-agent-test\.sock: /,
    );
    assert.ok(!io.stderrText().includes(bus.address), io.stderrText());
  });
});
