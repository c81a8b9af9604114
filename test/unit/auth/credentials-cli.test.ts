import assert from "node:assert/strict";
import { chmod, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { parseCommandArgs } from "../../../src/cli/args.ts";
import { type CredentialInput, createCredentialsCommand } from "../../../src/cli/credentials.ts";
import { captureIo } from "../../../src/cli/io.ts";
import { main } from "../../../src/cli/main.ts";
import { loadCliPlugins } from "../../../src/cli/registry.ts";
import type { Prompter } from "../../../src/credentials/index.ts";
import { isHotspotError } from "../../../src/errors.ts";

const SECRET = "Tr0ub4dor&3-never-printed";

function commandsWith(input: CredentialInput) {
  return {
    credentials: {
      summary: "credentials",
      load: async () => ({ command: createCredentialsCommand(() => input) }),
    },
  };
}

const piped = (text: string): CredentialInput => ({ prompter: () => undefined, readStdin: async () => text });

describe("hotspot credentials", () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    home = await mkdtemp(join(tmpdir(), "hh-cred-cli-"));
    env = { XDG_CONFIG_HOME: home, HOME: home };
  });
  after(() => rm(home, { recursive: true, force: true }));

  async function run(input: CredentialInput, ...argv: string[]) {
    const io = captureIo(env);
    const code = await main(argv, io, commandsWith(input));
    return { code, out: io.stdoutText() + io.stderrText() };
  }

  test("set reads JSON from stdin, validates it with the plugin's schema, saves it 0600 and prints no secret", async () => {
    const r = await run(
      piped(JSON.stringify({ username: "ann", password: SECRET })),
      "credentials",
      "set",
      "example-cafe",
    );
    assert.equal(r.code, 0, r.out);
    assert.ok(!r.out.includes(SECRET));
    const file = join(home, "hotspot-helper", "credentials.json");
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    const listed = await run(piped(""), "credentials", "list", "--json");
    assert.deepEqual(JSON.parse(listed.out).plugins, ["example-cafe"]);
    assert.ok(!listed.out.includes(SECRET) && !listed.out.includes("ann"));
  });

  test("the CLI's registry loads stored credentials, validated by the plugin", async () => {
    const common = parseCommandArgs("x", createCredentialsCommand(), []).common;
    const { registry } = await loadCliPlugins(common, captureIo(env), true);
    assert.deepEqual(registry.get("example-cafe")?.credentials, { username: "ann", password: SECRET });
  });

  test("input the schema rejects is refused without quoting it, and nothing is saved", async () => {
    const r = await run(
      piped(`username=ann\npassword=${SECRET}\nextra=${SECRET}\n`),
      "credentials",
      "set",
      "example-cafe",
    );
    assert.equal(r.code, 2);
    assert.match(r.out, /credentials for example-cafe not accepted/);
    assert.ok(!r.out.includes(SECRET));
  });

  test("on a terminal each schema field is asked for, the password without echo", async () => {
    const asked: [string, boolean][] = [];
    const prompter: Prompter = {
      ask: async (q, { echo }) => {
        asked.push([q, echo]);
        return q.startsWith("username") ? "bob" : SECRET;
      },
    };
    const r = await run(
      { prompter: () => prompter, readStdin: async () => "" },
      "credentials",
      "set",
      "example-cafe",
    );
    assert.equal(r.code, 0, r.out);
    assert.deepEqual(asked, [
      ["username: ", true],
      ["password: ", false],
    ]);
  });

  test("an unknown plugin, a plugin without credentials and a bad action are errors", async () => {
    assert.equal((await run(piped("a=b"), "credentials", "set", "no-such-plugin")).code, 3);
    const clicks = await run(piped("a=b"), "credentials", "set", "click-through");
    assert.match(clicks.out, /takes no credentials/);
    assert.equal((await run(piped(""), "credentials", "frobnicate")).code, 2);
    assert.equal((await run(piped(""), "credentials", "list", "extra")).code, 2);
  });

  test("delete removes the entry; deleting again exits 1", async () => {
    assert.equal((await run(piped(""), "credentials", "delete", "example-cafe")).code, 0);
    assert.equal((await run(piped(""), "credentials", "delete", "example-cafe")).code, 1);
  });

  test("a store others can read makes every plugin-loading command refuse, naming the file and mode", async () => {
    await run(
      piped(JSON.stringify({ username: "ann", password: SECRET })),
      "credentials",
      "set",
      "example-cafe",
    );
    const file = join(home, "hotspot-helper", "credentials.json");
    await chmod(file, 0o644);
    const common = parseCommandArgs("x", createCredentialsCommand(), []).common;
    await assert.rejects(loadCliPlugins(common, captureIo(env), false), (e) => {
      assert.ok(isHotspotError(e, "HH_CREDENTIALS_FILE_INSECURE"));
      assert.ok(e.message.includes(file) && e.message.includes("0644"));
      return true;
    });
    const r = await run(piped(""), "credentials", "list");
    assert.equal(r.code, 2);
    assert.ok(!r.out.includes(SECRET));
    await chmod(file, 0o600);
  });
});
