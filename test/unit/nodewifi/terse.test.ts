import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { escapeTerse, splitTerse } from "../../../src/scan/nodewifi/terse.ts";

describe("nmcli terse splitting", () => {
  test("splits on unescaped colons and unescapes \\: and \\\\ inside fields", () => {
    assert.deepEqual(splitTerse("a\\:b:c\\\\d:02\\:40\\:00\\:00\\:00\\:01::"), [
      "a:b",
      "c\\d",
      "02:40:00:00:00:01",
      "",
      "",
    ]);
  });

  test("an escaped backslash before a colon ends the field at that colon", () => {
    assert.deepEqual(splitTerse("x\\\\\\:y:z"), ["x\\:y", "z"]);
    assert.deepEqual(splitTerse("x\\\\:y"), ["x\\", "y"]);
  });

  test("a backslash escaping anything else, or a trailing lone backslash, makes the row malformed", () => {
    assert.equal(splitTerse("a\\b:c"), undefined);
    assert.equal(splitTerse("abc:\\"), undefined);
  });

  test("escapeTerse is undone by splitTerse for any field contents", () => {
    const fields = ["Cafe:Free", "back\\slash", "x\\:y", "", "::", "\\\\"];
    assert.deepEqual(splitTerse(fields.map(escapeTerse).join(":")), fields);
  });
});
