import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { chmod, mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import {
  type CachedPlugin,
  DescriptorCache,
  type DescriptorRequest,
  defaultDescriptorCacheFile,
  resolveDescriptors,
  settingsKey,
} from "../../../src/plugin-host/descriptor-cache.ts";
import { fileStamp, pluginStamp } from "../../../src/plugin-host/plugin-stamp.ts";

interface Fake {
  readonly id: string;
  readonly claims: readonly string[];
}

const isFake = (v: unknown): v is Fake =>
  typeof v === "object" &&
  v !== null &&
  "id" in v &&
  typeof v.id === "string" &&
  "claims" in v &&
  Array.isArray(v.claims) &&
  v.claims.every((c: unknown) => typeof c === "string");

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "hh-descriptor-cache-"));
  dirs.push(dir);
  return dir;
}

/** A root folder with one plugin folder `name` holding index.js (and package.json when asked). */
async function pluginIn(root: string, name: string, text = "export default 1;\n"): Promise<string> {
  await mkdir(join(root, name), { recursive: true });
  const entry = join(root, name, "index.js");
  await writeFile(entry, text);
  return entry;
}

function open(file: string, host = "host 1"): Promise<DescriptorCache<Fake>> {
  return DescriptorCache.open<Fake>({ file, host, check: (v) => (isFake(v) ? v : undefined) });
}

async function cached(
  file: string,
  source: string,
  root: string,
  host = "host 1",
): Promise<Fake | undefined> {
  return (await open(file, host)).fresh(source, await pluginStamp(source, root))?.descriptor;
}

async function store(file: string, source: string, root: string, fake: Fake, host = "host 1"): Promise<void> {
  const entry: CachedPlugin<Fake> = {
    stamp: await pluginStamp(source, root),
    id: fake.id,
    settings: "s",
    descriptor: fake,
  };
  await (await open(file, host)).save(new Map([[source, entry]]));
}

describe("descriptor cache", () => {
  test("a stored descriptor is read back while the plugin's files are unchanged", async () => {
    const dir = await tempDir();
    const file = join(dir, "cache", "d.json");
    const entry = await pluginIn(join(dir, "plugins"), "a");
    await store(file, entry, join(dir, "plugins"), { id: "a", claims: ["x"] });
    assert.deepEqual(await cached(file, entry, join(dir, "plugins")), { id: "a", claims: ["x"] });
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.equal((await stat(join(dir, "cache"))).mode & 0o777, 0o700);
  });

  test("an entry is stale once the entry file's size changes", async () => {
    const dir = await tempDir();
    const file = join(dir, "d.json");
    const entry = await pluginIn(dir, "a");
    await store(file, entry, dir, { id: "a", claims: [] });
    await writeFile(entry, "export default 22;\n");
    assert.equal(await cached(file, entry, dir), undefined);
  });

  test("an entry is stale once the entry's mtime changes, even with the same size", async () => {
    const dir = await tempDir();
    const file = join(dir, "d.json");
    const entry = await pluginIn(dir, "a");
    await store(file, entry, dir, { id: "a", claims: [] });
    await utimes(entry, new Date(2001, 1, 1), new Date(2001, 1, 1));
    assert.equal(await cached(file, entry, dir), undefined);
  });

  test("an entry is stale once a helper module next to the entry or the package.json changes", async () => {
    const dir = await tempDir();
    const file = join(dir, "d.json");
    const entry = await pluginIn(dir, "a");
    await writeFile(join(dir, "a", "claims.js"), "export const c = 1;\n");
    await store(file, entry, dir, { id: "a", claims: [] });
    await writeFile(join(dir, "a", "claims.js"), "export const c = 2;\n");
    assert.equal(await cached(file, entry, dir), undefined);
    await store(file, entry, dir, { id: "a", claims: [] });
    await writeFile(join(dir, "a", "package.json"), "{}\n");
    assert.equal(await cached(file, entry, dir), undefined);
  });

  test("a change in another plugin folder of the same root leaves the entry fresh", async () => {
    const dir = await tempDir();
    const file = join(dir, "d.json");
    const entry = await pluginIn(dir, "a");
    const other = await pluginIn(dir, "b");
    await store(file, entry, dir, { id: "a", claims: [] });
    await writeFile(other, "export default 'changed';\n");
    assert.deepEqual(await cached(file, entry, dir), { id: "a", claims: [] });
  });

  test("a cache written by another host version is ignored", async () => {
    const dir = await tempDir();
    const file = join(dir, "d.json");
    const entry = await pluginIn(dir, "a");
    await store(file, entry, dir, { id: "a", claims: [] }, "host 1");
    assert.equal(await cached(file, entry, dir, "host 2"), undefined);
  });

  test("two host versions keep their entries side by side in one file", async () => {
    const dir = await tempDir();
    const file = join(dir, "d.json");
    const entry = await pluginIn(dir, "a");
    await store(file, entry, dir, { id: "a", claims: ["one"] }, "host 1");
    await store(file, entry, dir, { id: "a", claims: ["two"] }, "host 2");
    assert.deepEqual(await cached(file, entry, dir, "host 1"), { id: "a", claims: ["one"] });
    assert.deepEqual(await cached(file, entry, dir, "host 2"), { id: "a", claims: ["two"] });
  });

  test("a corrupt, truncated or foreign file is an empty cache and is replaced on the next save", async () => {
    const dir = await tempDir();
    const file = join(dir, "d.json");
    const entry = await pluginIn(dir, "a");
    await store(file, entry, dir, { id: "a", claims: ["x"] });
    const whole = await readFile(file, "utf8");
    for (const text of [whole.slice(0, whole.length / 2), "null", "[]", '{"format":99}', "\u0000\u0001"]) {
      await writeFile(file, text);
      assert.equal(await cached(file, entry, dir), undefined, text);
    }
    await store(file, entry, dir, { id: "a", claims: ["y"] });
    assert.deepEqual(await cached(file, entry, dir), { id: "a", claims: ["y"] });
  });

  test("an entry the caller's check refuses is a miss, and the others are still read", async () => {
    const dir = await tempDir();
    const file = join(dir, "d.json");
    const a = await pluginIn(dir, "a");
    const b = await pluginIn(dir, "b");
    await store(file, a, dir, { id: "a", claims: [] });
    await store(file, b, dir, { id: "b", claims: [] });
    const data = JSON.parse(await readFile(file, "utf8"));
    data.plugins[`host 1\n${a}`].descriptor.claims = [42];
    await writeFile(file, JSON.stringify(data));
    assert.equal(await cached(file, a, dir), undefined);
    assert.deepEqual(await cached(file, b, dir), { id: "b", claims: [] });
  });

  test("a save keeps what another process saved since this one read the file", async () => {
    const dir = await tempDir();
    const file = join(dir, "d.json");
    const a = await pluginIn(dir, "a");
    const b = await pluginIn(dir, "b");
    const early = await open(file);
    await store(file, b, dir, { id: "b", claims: [] });
    await early.save(new Map([[a, { stamp: await pluginStamp(a, dir), id: "a" }]]));
    assert.deepEqual(await cached(file, b, dir), { id: "b", claims: [] });
    assert.deepEqual((await open(file)).fresh(a, await pluginStamp(a, dir)), {
      stamp: await pluginStamp(a, dir),
      id: "a",
    });
  });

  test("processes saving at once always leave a whole file holding one of their entries", async () => {
    const dir = await tempDir();
    const file = join(dir, "d.json");
    const entry = await pluginIn(dir, "a");
    const writer = join(import.meta.dirname, "../../support/descriptor-cache-writer.ts");
    const children = Array.from(
      { length: 6 },
      (_, i) =>
        new Promise<number | null>((resolve, reject) => {
          const child = spawn(process.execPath, ["--import", "tsx", writer, file, entry, dir, String(i)], {
            stdio: ["ignore", "ignore", "inherit"],
          });
          child.on("error", reject);
          child.on("close", resolve);
        }),
    );
    assert.deepEqual(await Promise.all(children), [0, 0, 0, 0, 0, 0]);
    const data = JSON.parse(await readFile(file, "utf8"));
    const found = await cached(file, entry, dir);
    assert.ok(found !== undefined && /^writer-[0-5]$/.test(found.id), JSON.stringify(data));
  });

  test("a folder it may not write is no error: the descriptors are simply not kept", async () => {
    const dir = await tempDir();
    const entry = await pluginIn(dir, "a");
    await mkdir(join(dir, "locked"));
    await chmod(join(dir, "locked"), 0o500);
    const file = join(dir, "locked", "sub", "d.json");
    if (process.getuid?.() === 0) {
      // root writes anywhere; a file where the folder should be is refused even for root.
      await chmod(join(dir, "locked"), 0o700);
      await writeFile(join(dir, "locked", "sub"), "not a folder");
    }
    await store(file, entry, dir, { id: "a", claims: [] });
    assert.equal(await cached(file, entry, dir), undefined);
  });
});

describe("resolveDescriptors", () => {
  async function setup(): Promise<{ file: string; root: string; requests: DescriptorRequest[] }> {
    const dir = await tempDir();
    const root = join(dir, "plugins");
    const a = await pluginIn(root, "a");
    const b = await pluginIn(root, "b");
    return { file: join(dir, "d.json"), root, requests: [a, b].map((source) => ({ source, root })) };
  }

  const idOf = (d: Fake): string => d.id;
  const fakeFor = (source: string): Fake => ({ id: source.includes("/a/") ? "a" : "b", claims: [source] });

  test("loads the misses once, then answers from the cache without loading", async () => {
    const { file, requests } = await setup();
    const calls: string[][] = [];
    const loadOnMiss = async (missing: readonly DescriptorRequest[]) => {
      calls.push(missing.map((m) => m.source));
      return new Map(missing.map((m) => [m.source, fakeFor(m.source)]));
    };
    const first = await resolveDescriptors(await open(file), requests, {
      idOf,
      settingsFor: () => "s",
      loadOnMiss,
    });
    const second = await resolveDescriptors(await open(file), requests, {
      idOf,
      settingsFor: () => "s",
      loadOnMiss,
    });
    assert.deepEqual(calls, [requests.map((r) => r.source)]);
    assert.deepEqual([...second], [...first]);
  });

  test("a plugin whose settings key changed is loaded again, alone", async () => {
    const { file, requests } = await setup();
    const calls: string[][] = [];
    const loadOnMiss = async (missing: readonly DescriptorRequest[]) => {
      calls.push(missing.map((m) => m.source));
      return new Map(missing.map((m) => [m.source, fakeFor(m.source)]));
    };
    await resolveDescriptors(await open(file), requests, { idOf, settingsFor: () => "s", loadOnMiss });
    await resolveDescriptors(await open(file), requests, {
      idOf,
      settingsFor: (id) => (id === "b" ? "changed" : "s"),
      loadOnMiss,
    });
    assert.deepEqual(calls[1], [requests[1]?.source]);
  });

  test("a plugin the loader leaves out (broken) is not cached and is asked for again", async () => {
    const { file, requests } = await setup();
    const calls: string[][] = [];
    const loadOnMiss = async (missing: readonly DescriptorRequest[]) => {
      calls.push(missing.map((m) => m.source));
      return new Map(
        missing.filter((m) => m.source.includes("/a/")).map((m) => [m.source, fakeFor(m.source)]),
      );
    };
    const first = await resolveDescriptors(await open(file), requests, {
      idOf,
      settingsFor: () => "s",
      loadOnMiss,
    });
    await resolveDescriptors(await open(file), requests, { idOf, settingsFor: () => "s", loadOnMiss });
    assert.deepEqual([...first.keys()], [requests[0]?.source]);
    assert.deepEqual(calls[1], [requests[1]?.source]);
  });
});

describe("settingsKey and stamps", () => {
  test("the key changes with enabled, config and the credentials' source, and holds no credential", () => {
    const base = settingsKey({ enabled: true, config: { ssids: ["A"] } }, "store x");
    assert.notEqual(settingsKey({ enabled: false, config: { ssids: ["A"] } }, "store x"), base);
    assert.notEqual(settingsKey({ enabled: true, config: { ssids: ["B"] } }, "store x"), base);
    assert.notEqual(settingsKey({ enabled: true, config: { ssids: ["A"] } }, "store y"), base);
    assert.equal(settingsKey(undefined, "s"), settingsKey({ enabled: true }, "s"));
    const withSecret = { enabled: true, credentials: { password: "hunter2" } };
    assert.doesNotMatch(settingsKey(withSecret, "inline z"), /hunter2/);
  });

  test("fileStamp is undefined for a missing file and changes with a chmod", async () => {
    const dir = await tempDir();
    const path = join(dir, "credentials.json");
    assert.equal(await fileStamp(path), undefined);
    await writeFile(path, "{}", { mode: 0o600 });
    const before = await fileStamp(path);
    await chmod(path, 0o644);
    assert.notEqual(await fileStamp(path), before);
  });

  test("a root that is a single module file is stamped by that file alone", async () => {
    const dir = await tempDir();
    const single = join(dir, "plugin.js");
    await writeFile(single, "export default 1;\n");
    const before = await pluginStamp(single, single);
    await writeFile(join(dir, "unrelated.txt"), "x");
    assert.equal(await pluginStamp(single, single), before);
  });
});

describe("defaultDescriptorCacheFile", () => {
  test("systemd's CACHE_DIRECTORY, then XDG_CACHE_HOME, then /var/cache for root, then ~/.cache", () => {
    assert.equal(
      defaultDescriptorCacheFile({ CACHE_DIRECTORY: "/var/cache/hh:/other", XDG_CACHE_HOME: "/x" }, 0),
      "/var/cache/hh/plugin-descriptors.json",
    );
    assert.equal(
      defaultDescriptorCacheFile({ XDG_CACHE_HOME: "/x" }, 1000),
      "/x/hotspot-helper/plugin-descriptors.json",
    );
    assert.equal(
      defaultDescriptorCacheFile({ XDG_CACHE_HOME: "relative", HOME: "/home/u" }, 0),
      "/var/cache/hotspot-helper/plugin-descriptors.json",
    );
    assert.equal(
      defaultDescriptorCacheFile({ XDG_CACHE_HOME: "relative", HOME: "/home/u" }, 1000),
      "/home/u/.cache/hotspot-helper/plugin-descriptors.json",
    );
  });
});
