import assert from "node:assert/strict";
import { test } from "node:test";
import { displayWidth, JOINING, padDisplay } from "../../../src/annotate/display.ts";

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

/** Every character of the BMP and plane 1 that no rule joins to a neighbour. */
function plainCharacters(): string[] {
  const plain: string[] = [];
  for (let cp = 0x20; cp <= 0x1ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const ch = String.fromCodePoint(cp);
    if (!JOINING.test(ch)) plain.push(ch);
  }
  return plain;
}

test("displayWidth: text without joining characters is one grapheme per code point, as ICU segments it", () => {
  const segmenter = new Intl.Segmenter("en", { granularity: "grapheme" });
  const plain = plainCharacters();
  // Adjacent pairs in code point order, then in a fixed pseudo-random order, so characters
  // of different scripts and blocks meet: no pair may join into one grapheme.
  let seed = 1;
  const shuffled = [...plain];
  for (let i = shuffled.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const j = seed % (i + 1);
    [shuffled[i], shuffled[j]] = [shuffled[j] ?? "", shuffled[i] ?? ""];
  }
  // Windows of 256 overlapping by one character, so every adjacent pair is in one window
  // (each segment object carries its whole input: one long string would be quadratic).
  for (const order of [plain, shuffled]) {
    for (let start = 0; start < order.length - 1; start += 255) {
      const window = order.slice(start, start + 256);
      assert.equal([...segmenter.segment(window.join(""))].length, window.length, window.join(""));
    }
  }
});

test("displayWidth: the segmenter-free path gives the widths the segmenter path gives", () => {
  assert.equal(displayWidth("日本の Wi-Fi ☕"), 15);
  assert.equal(displayWidth("Café Ünïcode"), 12);
  assert.equal(displayWidth("🇫🇷 Gare"), 7);
  assert.equal(displayWidth("👨‍👩‍👧 family"), 9);
  assert.equal(displayWidth("한국어"), 6);
  assert.equal(displayWidth("\u1100\u1161\u11a8"), 2);
  assert.equal(displayWidth("ｶﾞ"), 1);
});
