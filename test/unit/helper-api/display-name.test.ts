import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Variant } from "@jellybrick/dbus-next";
import { annotate } from "../../../src/annotate/model.ts";
import { renderTable } from "../../../src/annotate/table.ts";
import { renderTerse } from "../../../src/annotate/terse.ts";
import { networkViewSchema } from "../../../src/daemon/dbus-api/network-decode.ts";
import { networkDict } from "../../../src/daemon/dbus-api/views.ts";
import { isHotspotError } from "../../../src/errors.ts";
import { validateDefinition } from "../../../src/helper-api/definition-schema.ts";
import { DISPLAY_NAME_MAX, fitDisplayName } from "../../../src/helper-api/display-name.ts";
import { claim, net } from "../annotate/helpers.ts";

const base = { id: "acme-wifi", version: "1.0.0", sdk: "^0.1.0" };
const withName = (displayName: string) => () => validateDefinition({ ...base, displayName }, "/p/index.ts");
const longest = "☕".repeat(DISPLAY_NAME_MAX);
const tooLong = "W".repeat(DISPLAY_NAME_MAX + 8);

describe("one displayName limit", () => {
  test("the definition check allows 32 code points, even when they are 64 UTF-16 units", () => {
    assert.equal(longest.length, 32);
    assert.equal(validateDefinition({ ...base, displayName: "😀".repeat(32) }, "/p").displayName.length, 64);
  });

  test("the definition check refuses 33 code points, an empty or blank name and control characters", () => {
    for (const [name, reason] of [
      ["x".repeat(33), /at most 32 characters/],
      ["", /must not be empty/],
      ["   ", /must not be empty/],
      ["Line\nbreak", /one line/],
      ["Bell\u0007", /one line/],
    ] as const) {
      assert.throws(
        withName(name),
        (e: unknown) =>
          isHotspotError(e, "HH_PLUGIN_DEFINITION_INVALID") &&
          e.params.field === "displayName" &&
          reason.test(String(e.params.reason)),
        JSON.stringify(name),
      );
    }
  });

  test("the table and terse renderers cut a longer name to the same limit", () => {
    const rows = annotate([net("Cafe", 70)], [[claim("cafe", "high", tooLong)]]);
    const cut = `${"W".repeat(DISPLAY_NAME_MAX - 1)}…`;
    assert.equal(fitDisplayName(tooLong), cut);
    assert.ok(renderTable(rows).includes(` ${cut} `));
    assert.ok(!renderTable(rows).includes("W".repeat(DISPLAY_NAME_MAX)));
    assert.ok(renderTerse(rows).includes(`:${cut}:`));
  });

  test("the D-Bus decoder refuses a name the definition check would refuse", () => {
    const rows = annotate([net("Cafe", 70)], [[claim("cafe", "high", "Cafe Co")]]);
    const row = rows[0];
    assert.ok(row);
    const ok = networkViewSchema.safeParse(networkDict({ ...row, device: "wlan0" }));
    assert.equal(ok.success && ok.data.provider?.displayName, "Cafe Co");
    const dict = networkDict({ ...row, device: "wlan0" });
    dict.claims = new Variant("a(sss)", [["cafe", tooLong, "high"]]);
    assert.equal(networkViewSchema.safeParse(dict).success, false);
  });
});
