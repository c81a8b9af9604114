import assert from "node:assert/strict";
import { test } from "node:test";
import { displayWidth, padDisplay } from "../../../src/annotate/display.ts";

test("displayWidth: printable ASCII is one column per character", () => {
  assert.equal(displayWidth("Cafe Free WiFi"), 14);
  assert.equal(displayWidth(""), 0);
  assert.equal(displayWidth("~!@#$%^&*()_+ 0123"), 18);
});

test("displayWidth: accents, CJK, emoji and combining marks are measured by grapheme", () => {
  assert.equal(displayWidth("Café"), 4);
  assert.equal(displayWidth("Cafe\u0301"), 4);
  assert.equal(displayWidth("日本の"), 6);
  assert.equal(displayWidth("☕ Bean There"), 13);
  assert.equal(displayWidth("👍🏽ok"), 4);
});

test("padDisplay pads ASCII and wide text to the same column", () => {
  assert.equal(padDisplay("ab", 4), "ab  ");
  assert.equal(padDisplay("日", 4), "日  ");
});
