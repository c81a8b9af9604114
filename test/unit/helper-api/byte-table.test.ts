import assert from "node:assert/strict";
import { test } from "node:test";
import { ByteTable, FNV_START, fnv1a, fnvStep } from "../../../src/helper-api/byte-table.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

test("a table started tiny grows past thousands of keys and finds each with its value", () => {
  const table = new ByteTable(1, 1);
  for (let i = 0; i < 5000; i++) {
    const key = bytes(`net-${i}`);
    table.intern(key, key.length, fnv1a(key), i);
  }
  assert.equal(table.size, 5000);
  for (const i of [0, 1, 2047, 4999]) {
    const key = bytes(`net-${i}`);
    const k = table.find(key, key.length, fnv1a(key));
    assert.equal(table.value(k), i);
    assert.deepEqual(table.key(k), key);
  }
  const missing = bytes("net-5000");
  assert.equal(table.find(missing, missing.length, fnv1a(missing)), -1);
});

test("interning an existing key returns its index and keeps its value", () => {
  const table = new ByteTable();
  const key = bytes("same");
  const first = table.intern(key, key.length, fnv1a(key), 7);
  const again = table.intern(key, key.length, fnv1a(key), 9);
  assert.equal(again, first);
  assert.equal(table.size, 1);
  assert.equal(table.value(first), 7);
});

test("a key is compared over the given length only, so a buffer's prefix can be looked up", () => {
  const table = new ByteTable();
  const prefix = bytes("ab");
  table.intern(prefix, 2, fnv1a(prefix), 1);
  const longer = bytes("abc");
  assert.equal(table.find(longer, 2, fnv1a(longer, 2)), 0);
  assert.equal(table.find(longer, 3, fnv1a(longer)), -1);
});

test("stepping the hash byte by byte equals hashing the whole", () => {
  const b = bytes("Cafe\0\xff");
  let h = FNV_START;
  for (const x of b) h = fnvStep(h, x);
  assert.equal(h, fnv1a(b));
});
