import assert from "node:assert/strict";
import { test } from "node:test";
import {
  createMemoryStore,
  createPluginLogger,
  type PluginLogEntry,
} from "../../../src/helper-api/plugin-services.ts";

test("the logger tags each entry with the plugin and level", () => {
  const entries: PluginLogEntry[] = [];
  const log = createPluginLogger("acme", (e) => entries.push(e));
  log.warn("slow portal", { ms: 900 });
  log.debug("plain");
  assert.deepEqual(entries, [
    { level: "warn", plugin: "acme", message: "slow portal", fields: { ms: 900 } },
    { level: "debug", plugin: "acme", message: "plain" },
  ]);
});

test("a throwing sink does not reach the plugin", () => {
  const log = createPluginLogger("acme", () => {
    throw new Error("sink broke");
  });
  assert.doesNotThrow(() => log.error("still fine"));
});

test("the store returns copies, so later mutation of a value does not leak in", async () => {
  const store = createMemoryStore();
  const value = { token: "abc", list: [1, 2] };
  await store.set("session", value);
  value.list.push(3);
  assert.deepEqual(await store.get("session"), { token: "abc", list: [1, 2] });
  await store.delete("session");
  assert.equal(await store.get("session"), undefined);
});

test("stores are independent of each other", async () => {
  const a = createMemoryStore();
  const b = createMemoryStore();
  await a.set("k", 1);
  assert.equal(await b.get("k"), undefined);
});
