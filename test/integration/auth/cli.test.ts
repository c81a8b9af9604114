import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { captureIo } from "../../../src/cli/io.ts";
import { main } from "../../../src/cli/main.ts";
import { withPortal } from "../../../src/harness/index.ts";

const account = { username: "ann", password: "wispr-Secret-9f3a" };

describe("hotspot probe and hotspot auth", () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "hh-cli-auth-"));
    env = { XDG_CONFIG_HOME: dir, HOME: dir };
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function run(...argv: string[]) {
    const io = captureIo(env);
    const code = await main(argv, io);
    return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
  }

  test("probe --json reports a WISPr portal with its parameters and exits 1", () =>
    withPortal({ scenario: "wispr" }, async (portal) => {
      const r = await run("probe", "--url", portal.probeUrl, "--json");
      assert.equal(r.code, 1, r.stderr);
      const info = JSON.parse(r.stdout);
      assert.equal(info.verdict, "portal");
      assert.equal(info.loginUrl, portal.probeUrl);
      assert.equal(info.wispr.messageType, 100);
      assert.match(info.wispr.locationName, /ACMEWISP/);
    }));

  test("probe with the RFC 8908 API shows its data; online exits 0; a dead URL is unreachable (4)", () =>
    withPortal({ scenario: "capport" }, async (portal) => {
      const ca = join(dir, "ca.pem");
      await writeFile(ca, portal.ca ?? "");
      const held = await run("probe", "--url", portal.probeUrl, "--api", portal.apiUrl ?? "", "--ca", ca);
      assert.equal(held.code, 1);
      assert.match(held.stdout, /verdict: portal \(decided by api\)/);
      assert.match(held.stdout, /captive=true/);
      portal.authorize();
      assert.equal((await run("probe", "--url", portal.probeUrl, "--json")).code, 0);
      assert.equal((await run("probe", "--url", "http://127.0.0.1:1/generate_204", "--json")).code, 4);
    }));

  test("auth logs in with the wispr plugin, verifies and prints requests without the password", () =>
    withPortal({ scenario: "wispr", credentials: account }, async (portal) => {
      const config = join(dir, "config.json");
      await writeFile(
        config,
        JSON.stringify({
          plugins: {
            wispr: { config: { hosts: [{ host: "127.0.0.1", allowHttp: true }] }, credentials: account },
          },
        }),
      );
      const r = await run("auth", "--plugin", "wispr", "--probe-url", portal.probeUrl, "--config", config);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /evaluate: high/);
      assert.match(r.stdout, /authenticate: success/);
      assert.match(r.stdout, /verified: online/);
      assert.match(r.stdout, /POST 200 .*\/wispr\/login/);
      const json = await run(
        "auth",
        "--plugin",
        "wispr",
        "--probe-url",
        portal.probeUrl,
        "--config",
        config,
        "--json",
      );
      assert.equal(JSON.parse(json.stdout).verified, true);
      for (const text of [r.stdout, r.stderr, json.stdout, json.stderr])
        assert.ok(!text.includes(account.password));
    }));

  test("auth exits 1 when the login fails, and names an unknown plugin", () =>
    withPortal({ scenario: "wispr" }, async (portal) => {
      const config = join(dir, "config-wrong.json");
      await writeFile(
        config,
        JSON.stringify({
          plugins: {
            wispr: { config: { hosts: [{ host: "127.0.0.1", allowHttp: true }] }, credentials: account },
          },
        }),
      );
      const r = await run("auth", "--plugin", "wispr", "--probe-url", portal.probeUrl, "--config", config);
      assert.equal(r.code, 1);
      assert.match(r.stdout, /authenticate: failure: the gateway rejected the login/);
      assert.ok(!r.stdout.includes(account.password));
      assert.equal((await run("auth", "--plugin", "nope", "--probe-url", portal.probeUrl)).code, 3);
      assert.equal((await run("auth", "--probe-url", portal.probeUrl)).code, 2);
    }));
});
