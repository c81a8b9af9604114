import assert from "node:assert/strict";
import { chmod, mkdtemp, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { defaultUserConfig, type UserConfig } from "../../../src/config/schema.ts";
import {
  credentialStore,
  defaultCredentialsPath,
  parseCredentialText,
  promptCredentials,
  readCredentials,
  withStoredCredentials,
} from "../../../src/credentials/index.ts";
import { isHotspotError } from "../../../src/errors.ts";

const SECRET = "pa55-w0rd-never-shown";

describe("credential store", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "hh-cred-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test("lives under XDG_CONFIG_HOME, or ~/.config when it is unset or relative", () => {
    assert.equal(defaultCredentialsPath({ XDG_CONFIG_HOME: "/x" }), "/x/hotspot-helper/credentials.json");
    assert.equal(
      defaultCredentialsPath({ XDG_CONFIG_HOME: "rel", HOME: "/home/u" }),
      "/home/u/.config/hotspot-helper/credentials.json",
    );
  });

  test("a missing file is an empty store", async () => {
    assert.deepEqual(await readCredentials(join(dir, "none.json")), {});
  });

  test("set writes a 0600 file in a 0700 folder, list names plugins only, delete removes one", async () => {
    const file = join(dir, "sub", "credentials.json");
    const store = credentialStore(file);
    await store.set("b-plugin", { username: "u", password: SECRET });
    await store.set("a-plugin", { token: "t" });
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.equal((await stat(join(dir, "sub"))).mode & 0o777, 0o700);
    assert.deepEqual(await store.list(), ["a-plugin", "b-plugin"]);
    assert.deepEqual((await store.read())["b-plugin"], { username: "u", password: SECRET });
    assert.equal(await store.delete("a-plugin"), true);
    assert.equal(await store.delete("a-plugin"), false);
    assert.deepEqual(await store.list(), ["b-plugin"]);
  });

  for (const mode of [0o640, 0o604, 0o660]) {
    test(`a file with mode 0${mode.toString(8)} is refused with a coded error naming the file and the mode`, async () => {
      const file = join(dir, `open-${mode}.json`);
      await writeFile(file, JSON.stringify({ version: 1, plugins: { x: { password: SECRET } } }));
      await chmod(file, mode);
      await assert.rejects(readCredentials(file), (e) => {
        assert.ok(isHotspotError(e, "HH_CREDENTIALS_FILE_INSECURE"));
        assert.ok(e.message.includes(file));
        assert.ok(e.message.includes(`0${mode.toString(8)}`));
        assert.ok(!e.message.includes(SECRET));
        return true;
      });
    });
  }

  test("a symbolic link is refused", async () => {
    const target = join(dir, "target.json");
    await writeFile(target, JSON.stringify({ version: 1, plugins: {} }), { mode: 0o600 });
    const link = join(dir, "link.json");
    await symlink(target, link);
    await assert.rejects(readCredentials(link), (e) => isHotspotError(e, "HH_CREDENTIALS_FILE_INSECURE"));
  });

  test("malformed content is reported without quoting it", async () => {
    const file = join(dir, "bad.json");
    await writeFile(file, `{"version":1,"plugins":{"x":"${SECRET}"`, { mode: 0o600 });
    await assert.rejects(readCredentials(file), (e) => {
      assert.ok(isHotspotError(e, "HH_CREDENTIALS_FILE_INVALID"));
      assert.ok(!e.message.includes(SECRET));
      return true;
    });
    await writeFile(file, JSON.stringify({ plugins: { x: SECRET } }));
    await assert.rejects(readCredentials(file), (e) => isHotspotError(e, "HH_CREDENTIALS_FILE_INVALID"));
  });

  test("stored credentials fill plugins without inline ones; inline credentials win", () => {
    const config: UserConfig = {
      ...defaultUserConfig(),
      plugins: { inline: { enabled: true, credentials: { password: "inline" } } },
    };
    const merged = withStoredCredentials(config, {
      inline: { password: "stored" },
      other: { password: SECRET },
    });
    assert.deepEqual(merged.plugins.inline?.credentials, { password: "inline" });
    assert.deepEqual(merged.plugins.other, { enabled: true, credentials: { password: SECRET } });
    assert.equal(config.plugins.other, undefined);
  });
});

describe("credential input", () => {
  test("piped JSON objects and key=value lines are both accepted; a value may contain '='", () => {
    assert.deepEqual(parseCredentialText('{"username":"u","password":"p"}', "x"), {
      username: "u",
      password: "p",
    });
    assert.deepEqual(parseCredentialText("# mine\nusername=u\n\npassword=a=b \n", "x"), {
      username: "u",
      password: "a=b ",
    });
  });

  test("bad input is a coded error that quotes nothing of it", () => {
    for (const text of ["", `{"password": "${SECRET}"`, `[${JSON.stringify(SECRET)}]`, `${SECRET}\n`]) {
      assert.throws(
        () => parseCredentialText(text, "x"),
        (e) => isHotspotError(e, "HH_CREDENTIALS_INPUT_INVALID") && !e.message.includes(SECRET),
      );
    }
  });

  test("prompting echoes identifiers only and leaves out empty answers", async () => {
    const asked: { question: string; echo: boolean }[] = [];
    const answers: Record<string, string> = { "username: ": "ann", "password: ": SECRET, "realm: ": "" };
    const values = await promptCredentials(["username", "password", "realm"], {
      ask: async (question, { echo }) => {
        asked.push({ question, echo });
        return answers[question] ?? "";
      },
    });
    assert.deepEqual(values, { username: "ann", password: SECRET });
    assert.deepEqual(
      asked.map((a) => a.echo),
      [true, false, true],
    );
  });

  test("the file written never holds anything but what was set", async () => {
    const dir = await mkdtemp(join(tmpdir(), "hh-cred-"));
    try {
      const file = join(dir, "c.json");
      await credentialStore(file).set("p", { password: SECRET });
      assert.deepEqual(JSON.parse(await readFile(file, "utf8")), {
        version: 1,
        plugins: { p: { password: SECRET } },
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
