import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import {
  defaultListConfig,
  listConfigOf,
  readSnapshot,
  writeSnapshot,
} from "../../../src/cli/list-config.ts";
import { userConfigSchema } from "../../../src/config/schema.ts";

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

const config = userConfigSchema.parse({
  preferences: { Hotel: "hotel-net" },
  pluginDirs: ["/opt/plugins"],
  plugins: {
    "hotel-net": { config: { ssid: "Hotel" }, credentials: { room: "12", surname: "Secretname" } },
    wispr: { enabled: false },
  },
});

describe("list's config snapshot", () => {
  test("keeps what list reads and, of credentials, only that the config holds some", async () => {
    const listed = listConfigOf(config);
    assert.deepEqual(listed, {
      preferences: { Hotel: "hotel-net" },
      pluginDirs: ["/opt/plugins"],
      plugins: {
        "hotel-net": { enabled: true, config: { ssid: "Hotel" }, inlineCredentials: true },
        wispr: { enabled: false, inlineCredentials: false },
      },
    });
    const dir = await mkdtemp(join(tmpdir(), "hh-list-config-"));
    dirs.push(dir);
    const file = join(dir, "list-config.json");
    await writeSnapshot(file, "host 1", "/c/config.json", "stamp 1", listed);
    assert.doesNotMatch(await readFile(file, "utf8"), /Secretname/);
  });

  test("is read back only for the same host, config file and stamp", async () => {
    const dir = await mkdtemp(join(tmpdir(), "hh-list-config-"));
    dirs.push(dir);
    const file = join(dir, "list-config.json");
    const listed = listConfigOf(config);
    await writeSnapshot(file, "host 1", "/c/config.json", "stamp 1", listed);
    assert.deepEqual(await readSnapshot(file, "host 1", "/c/config.json", "stamp 1"), listed);
    assert.equal(await readSnapshot(file, "host 2", "/c/config.json", "stamp 1"), undefined);
    assert.equal(await readSnapshot(file, "host 1", "/c/other.json", "stamp 1"), undefined);
    assert.equal(await readSnapshot(file, "host 1", "/c/config.json", "stamp 2"), undefined);
  });

  test("a torn or hand-edited snapshot is not used", async () => {
    const dir = await mkdtemp(join(tmpdir(), "hh-list-config-"));
    dirs.push(dir);
    const file = join(dir, "list-config.json");
    await writeSnapshot(file, "host 1", "/c/config.json", "stamp 1", listConfigOf(config));
    const whole = await readFile(file, "utf8");
    await writeFile(file, whole.slice(0, 40));
    assert.equal(await readSnapshot(file, "host 1", "/c/config.json", "stamp 1"), undefined);
    const data = JSON.parse(whole);
    data.config.preferences = { Hotel: 7 };
    await writeFile(file, JSON.stringify(data));
    assert.equal(await readSnapshot(file, "host 1", "/c/config.json", "stamp 1"), undefined);
  });

  test("the defaults are the schema's, without a file", () => {
    assert.deepEqual(defaultListConfig(), listConfigOf(userConfigSchema.parse({})));
  });
});
