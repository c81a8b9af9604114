import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createHttpClient } from "../../../src/auth/http-client.ts";
import { serve } from "../../../src/cli/harness.ts";
import { type CliIo, captureIo } from "../../../src/cli/io.ts";
import { main } from "../../../src/cli/main.ts";
import { BUILTIN_SCENARIO_NAMES } from "../../../src/harness/catalog.ts";

let dir = "";
let cafeConfig = "";

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "hh-harness-cli-"));
  cafeConfig = join(dir, "cafe.json");
  await writeFile(cafeConfig, JSON.stringify({ portalHost: "127.0.0.1", allowHttp: true }));
});
after(() => rm(dir, { recursive: true, force: true }));

/** An io whose stdout can be awaited for a pattern. */
function watchedIo() {
  let out = "";
  const waiters: { re: RegExp; resolve: (m: RegExpExecArray) => void }[] = [];
  const io: CliIo = {
    stdout: {
      write(text) {
        out += text;
        for (const w of [...waiters]) {
          const m = w.re.exec(out);
          if (m) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(m);
          }
        }
      },
    },
    stderr: { write: () => {} },
    env: {},
  };
  return {
    io,
    text: () => out,
    when: (re: RegExp) =>
      new Promise<RegExpExecArray>((resolve) => {
        const m = re.exec(out);
        if (m) resolve(m);
        else waiters.push({ re, resolve });
      }),
  };
}

describe("hotspot harness", () => {
  test("list shows every scenario and its variants", async () => {
    const io = captureIo();
    assert.equal(await main(["harness", "list"], io), 0);
    assert.match(io.stdoutText(), /^SCENARIO +WHAT IT DOES\n/);
    for (const name of [
      "not-captive",
      "wispr:pending",
      "wispr:proxy",
      "wispr2",
      "uam-chap",
      "hostile:evil-twin",
    ]) {
      assert.match(io.stdoutText(), new RegExp(`^${name} `, "m"));
    }
  });

  test("list --json gives names, descriptions, models and variants", async () => {
    const io = captureIo();
    assert.equal(await main(["harness", "list", "--json"], io), 0);
    const parsed: unknown = JSON.parse(io.stdoutText());
    assert.ok(Array.isArray(parsed));
    assert.equal(parsed.length, BUILTIN_SCENARIO_NAMES.length);
    assert.ok(BUILTIN_SCENARIO_NAMES.length >= 17);
    assert.deepEqual(Object.keys(parsed[0] ?? {}), ["name", "description", "modelledOn", "variants"]);
  });

  test("serve with an unknown scenario is a usage-level error naming the known ones", async () => {
    const io = captureIo();
    assert.equal(await main(["harness", "serve", "nope"], io), 2);
    assert.match(io.stderrText(), /unknown portal scenario "nope" \(known: not-captive, /);
  });

  test("serve prints the URLs, logs each request as it is answered, and stops on the signal", async () => {
    const stop = new AbortController();
    const watched = watchedIo();
    const done = serve({ scenario: "wispr", netns: false, stop: stop.signal, latencyMs: 0 }, watched.io);
    const [, probeUrl] = await watched.when(/ {2}probe +(\S+)/);
    assert.ok(probeUrl);
    assert.equal((await createHttpClient().get(probeUrl)).status, 200);
    await watched.when(/GET {2}200 {2}http:\/\/127\.0\.0\.1:\d+\/generate_204/);
    stop.abort();
    assert.equal(await done, 0);
    assert.match(watched.text(), /^serving wispr: WISPr 1\.0 gateway/);
    assert.match(watched.text(), /account {2}roamer@wispr\.example \/ wispr-test-password/);
    assert.match(watched.text(), /critical path: the client was never let through/);
  });
});

describe("hotspot plugin test", () => {
  test("example-cafe passes every step against form-login and the output shows the request log", async () => {
    const io = captureIo();
    const code = await main(["plugin", "test", "plugins/example-cafe", "--scenario", "form-login"], io);
    const out = io.stdoutText();
    assert.equal(code, 0, out);
    for (const step of ["claim", "evaluate", "authenticate", "maintain", "logoff", "credentials"]) {
      assert.match(out, new RegExp(`^ {2}PASS {2}${step} `, "m"));
    }
    assert.match(out, /portal request log:\n.*GET {2}302 {2}http:\/\/127\.0\.0\.1:\d+\/generate_204/);
    assert.match(out, /POST 302 {2}http:\/\/127\.0\.0\.1:\d+\/login/);
    assert.match(out, /critical path for 127\.0\.0\.1: \d+ requests/);
    assert.match(out, /result: PASS\n$/);
  });

  test("against the evil twin it fails, keeps the credentials, and exits 1", async () => {
    const io = captureIo();
    const code = await main(
      ["plugin", "test", "plugins/example-cafe", "--scenario", "hostile:evil-twin", "--config", cafeConfig],
      io,
    );
    const out = io.stdoutText();
    assert.equal(code, 1);
    assert.match(out, /^ {2}FAIL {2}evaluate {6}none; probe: portal at http:\/\/localhost:/m);
    assert.match(out, /^ {2}PASS {2}credentials {3}no credentials reached the portal/m);
    assert.match(out, /result: FAIL\n$/);
  });

  test("--json prints the report with steps and the portal log", async () => {
    const io = captureIo();
    const code = await main(
      ["plugin", "test", "plugins/example-cafe", "--scenario", "wispr", "--config", cafeConfig, "--json"],
      io,
    );
    assert.equal(code, 0);
    const report: unknown = JSON.parse(io.stdoutText());
    assert.ok(typeof report === "object" && report !== null && "steps" in report && "log" in report);
    assert.ok(Array.isArray(report.steps) && report.steps.length === 6);
    assert.ok(Array.isArray(report.log) && report.log.length > 0);
  });

  test("without --scenario, or with another subcommand, it is a usage error", async () => {
    const io = captureIo();
    assert.equal(await main(["plugin", "test", "plugins/example-cafe"], io), 2);
    assert.match(io.stderrText(), /--scenario NAME is required/);
    assert.equal(await main(["plugin", "run", "plugins/example-cafe", "--scenario", "wispr"], io), 2);
  });
});
