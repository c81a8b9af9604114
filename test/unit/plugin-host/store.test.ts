import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { isHotspotError } from "../../../src/errors.ts";
import { defaultPluginStoreRoot } from "../../../src/plugin-host/paths.ts";
import { createFileStore, storeFile } from "../../../src/plugin-host/store.ts";

const roots: string[] = [];
after(() => Promise.all(roots.map((r) => rm(r, { recursive: true, force: true }))));

async function root(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "hh-store-"));
  roots.push(dir);
  return dir;
}

describe("plugin file store", () => {
  test("a new store over the same folder sees what an earlier one stored", async () => {
    const dir = await root();
    const first = createFileStore({ root: dir, pluginId: "acme" });
    await first.set("token", { value: "t-1", list: [1, 2] });
    await first.set("count", 3);
    await first.delete("count");
    const second = createFileStore({ root: dir, pluginId: "acme" });
    assert.deepEqual(await second.get("token"), { value: "t-1", list: [1, 2] });
    assert.equal(await second.get("count"), undefined);
    assert.deepEqual(JSON.parse(await readFile(storeFile(dir, "acme"), "utf8")), {
      token: { value: "t-1", list: [1, 2] },
    });
  });

  test("plugins do not see each other's keys", async () => {
    const dir = await root();
    await createFileStore({ root: dir, pluginId: "a" }).set("k", 1);
    assert.equal(await createFileStore({ root: dir, pluginId: "b" }).get("k"), undefined);
  });

  test("values are copies in both directions", async () => {
    const store = createFileStore({ root: await root(), pluginId: "acme" });
    const value = { list: [1, 2] };
    await store.set("v", value);
    value.list.push(3);
    const got = await store.get("v");
    assert.deepEqual(got, { list: [1, 2] });
    assert.deepEqual(await store.get("v"), { list: [1, 2] });
  });

  test("a set over the cap is refused with HH_PLUGIN_STORE_FULL and changes nothing", async () => {
    const dir = await root();
    const store = createFileStore({ root: dir, pluginId: "acme", maxBytes: 100 });
    await store.set("small", "x".repeat(20));
    await assert.rejects(store.set("big", "y".repeat(200)), (e) => {
      assert.ok(isHotspotError(e, "HH_PLUGIN_STORE_FULL"));
      assert.equal(e.params.plugin, "acme");
      assert.equal(e.params.limit, 100);
      return true;
    });
    assert.equal(await store.get("big"), undefined);
    assert.deepEqual(JSON.parse(await readFile(storeFile(dir, "acme"), "utf8")), { small: "x".repeat(20) });
    await store.set("other", 1);
    assert.equal(await store.get("other"), 1);
  });

  test("a value that is not JSON is refused", async () => {
    const store = createFileStore({ root: await root(), pluginId: "acme" });
    await assert.rejects(store.set("f", (() => 1) as never), TypeError);
  });

  test("a corrupt file is moved aside with a warning and the store starts empty", async () => {
    const dir = await root();
    await mkdir(join(dir, "acme"), { recursive: true });
    await writeFile(storeFile(dir, "acme"), "{ not json");
    const warnings: string[] = [];
    const store = createFileStore({ root: dir, pluginId: "acme", warn: (m) => warnings.push(m) });
    assert.equal(await store.get("anything"), undefined);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? "", /not a JSON object; moved it to .*store\.json\.corrupt/);
    assert.equal(await readFile(`${storeFile(dir, "acme")}.corrupt`, "utf8"), "{ not json");
    await store.set("k", "v");
    assert.deepEqual(JSON.parse(await readFile(storeFile(dir, "acme"), "utf8")), { k: "v" });
  });

  test("a JSON file that is not an object counts as corrupt", async () => {
    const dir = await root();
    await mkdir(join(dir, "acme"), { recursive: true });
    await writeFile(storeFile(dir, "acme"), "[1,2]");
    const warnings: string[] = [];
    const store = createFileStore({ root: dir, pluginId: "acme", warn: (m) => warnings.push(m) });
    assert.equal(await store.get("0"), undefined);
    assert.equal(warnings.length, 1);
  });

  test("writes leave no temporary files and the file is private to its owner", async () => {
    const dir = await root();
    const store = createFileStore({ root: dir, pluginId: "acme" });
    await Promise.all([store.set("a", 1), store.set("b", 2), store.set("c", 3)]);
    assert.deepEqual(await readdir(join(dir, "acme")), ["store.json"]);
    assert.deepEqual(JSON.parse(await readFile(storeFile(dir, "acme"), "utf8")), { a: 1, b: 2, c: 3 });
    assert.equal((await stat(storeFile(dir, "acme"))).mode & 0o077, 0);
  });

  test("the default folder is the state directory's: STATE_DIRECTORY, root's /var/lib, else XDG_STATE_HOME", () => {
    assert.equal(
      defaultPluginStoreRoot({ STATE_DIRECTORY: "/var/lib/hotspot-helper:/var/lib/other" }, 1000),
      "/var/lib/hotspot-helper/plugins",
    );
    assert.equal(defaultPluginStoreRoot({ HOME: "/root" }, 0), "/var/lib/hotspot-helper/plugins");
    assert.equal(
      defaultPluginStoreRoot({ XDG_STATE_HOME: "/home/u/.st", HOME: "/home/u" }, 1000),
      "/home/u/.st/hotspot-helper/plugins",
    );
    assert.equal(
      defaultPluginStoreRoot({ XDG_STATE_HOME: "relative", HOME: "/home/u" }, 1000),
      "/home/u/.local/state/hotspot-helper/plugins",
    );
  });
});
