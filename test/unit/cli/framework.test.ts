import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { stringOption } from "../../../src/cli/args.ts";
import type { Command, CommandEntry } from "../../../src/cli/command.ts";
import { captureIo } from "../../../src/cli/io.ts";
import { main } from "../../../src/cli/main.ts";
import { hotspotError } from "../../../src/errors.ts";

function stub(run: Command["run"], extra: Partial<Command> = {}): CommandEntry {
  const command: Command = {
    usage: "hotspot stub [--name X] [--plugins DIR]... [--json|--terse]",
    description: "A stub for framework tests.",
    options: { name: { type: "string", valueName: "X", description: "A name." } },
    common: ["plugins", "json", "terse"],
    run,
    ...extra,
  };
  return { summary: "Stub command", load: async () => ({ command }) };
}

const echo = stub(async (args, io) => {
  io.stdout.write(`${JSON.stringify({ name: stringOption(args, "name") ?? null, common: args.common })}\n`);
  return 0;
});

describe("main", () => {
  test("normalises common options in one place: repeatable --plugins, format, bundled, config", async () => {
    const io = captureIo();
    const code = await main(["stub", "--plugins", "a", "--name", "n", "--plugins", "b", "--json"], io, {
      stub: echo,
    });
    assert.equal(code, 0);
    assert.deepEqual(JSON.parse(io.stdoutText()), {
      name: "n",
      common: { pluginDirs: ["a", "b"], includeBundled: true, format: "json", help: false },
    });
  });

  test("-t selects terse output and the table is the default", async () => {
    const terse = captureIo();
    await main(["stub", "-t"], terse, { stub: echo });
    assert.equal(JSON.parse(terse.stdoutText()).common.format, "terse");
    const table = captureIo();
    await main(["stub"], table, { stub: echo });
    assert.equal(JSON.parse(table.stdoutText()).common.format, "table");
  });

  test("an unknown option is a usage error, exit 2, with the usage line and nothing on stdout", async () => {
    const io = captureIo();
    const code = await main(["stub", "--bogus"], io, { stub: echo });
    assert.equal(code, 2);
    assert.equal(io.stdoutText(), "");
    assert.match(io.stderrText(), /^hotspot: unknown option '--bogus'\nUsage: hotspot stub /);
  });

  test("an option the command does not take, a missing value and a stray argument are usage errors", async () => {
    for (const argv of [
      ["stub", "--config", "x"],
      ["stub", "--name"],
      ["stub", "extra"],
    ]) {
      const io = captureIo();
      assert.equal(await main(argv, io, { stub: echo }), 2, argv.join(" "));
      assert.match(io.stderrText(), /Usage: hotspot stub/);
    }
  });

  test("--json and --terse together are a usage error", async () => {
    const io = captureIo();
    assert.equal(await main(["stub", "--json", "--terse"], io, { stub: echo }), 2);
    assert.match(io.stderrText(), /--json and --terse cannot be used together/);
  });

  test("a user error prints one line with the message, no stack, and exits with its code", async () => {
    const failing = stub(async () => {
      throw hotspotError("HH_SCAN_FILE_INVALID", {
        file: "x.json",
        field: "accessPoints[0].bssid",
        reason: "bad",
      });
    });
    const io = captureIo();
    assert.equal(await main(["stub"], io, { stub: failing }), 2);
    assert.equal(io.stderrText(), "hotspot: invalid scan file x.json: accessPoints[0].bssid: bad\n");
  });

  test("a coded run-time failure that is not a user error keeps its exit code and is not called a bug", async () => {
    const failing = stub(async () => {
      throw hotspotError("HH_HTTP_FAILED", { method: "GET", url: "http://portal.test/", reason: "refused" });
    });
    const io = captureIo();
    assert.equal(await main(["stub"], io, { stub: failing }), 4);
    assert.doesNotMatch(io.stderrText(), /bug/);
  });

  test("any other error is a bug: exit 70 with the message and a request to report it", async () => {
    const failing = stub(async () => {
      throw new TypeError("cannot read properties of undefined");
    });
    const io = captureIo();
    assert.equal(await main(["stub"], io, { stub: failing }), 70);
    assert.match(io.stderrText(), /^hotspot: internal error: cannot read properties of undefined\n/);
    assert.match(io.stderrText(), /this is a bug, please report it with the output of `hotspot --version`/);
  });

  test("control characters in error messages are escaped before reaching the terminal", async () => {
    const failing = stub(async () => {
      throw hotspotError("HH_USAGE", { message: "bad \x1b[31mred" });
    });
    const io = captureIo();
    await main(["stub"], io, { stub: failing });
    assert.equal(io.stderrText(), "hotspot: bad \\x1b[31mred\n");
  });

  test("the exit code a command returns is passed through", async () => {
    assert.equal(await main(["stub"], captureIo(), { stub: stub(async () => 5) }), 5);
  });

  test("no command is a usage error listing the commands", async () => {
    const io = captureIo();
    assert.equal(await main([], io, { stub: echo }), 2);
    assert.match(io.stderrText(), /no command given/);
    assert.match(io.stderrText(), /stub\s+Stub command/);
  });

  test("an unknown command is a usage error naming the known ones", async () => {
    const io = captureIo();
    assert.equal(await main(["nope"], io, { stub: echo }), 2);
    assert.equal(
      io.stderrText(),
      "hotspot: unknown command 'nope'\ncommands: stub, help; run 'hotspot --help'\n",
    );
  });

  test("a mistyped command gets a did-you-mean, also after help", async () => {
    for (const argv of [["plugns"], ["help", "plugns"], ["Plugins"]]) {
      const io = captureIo();
      assert.equal(await main(argv, io), 2);
      assert.match(io.stderrText(), /^hotspot: unknown command '\w+'; did you mean 'plugins'\?\n/);
    }
    const far = captureIo();
    await main(["zzzzzz"], far);
    assert.doesNotMatch(far.stderrText(), /did you mean/);
  });

  test("a mistyped option gets a did-you-mean", async () => {
    const io = captureIo();
    assert.equal(await main(["stub", "--nmae", "x"], io, { stub: echo }), 2);
    assert.match(io.stderrText(), /^hotspot: unknown option '--nmae' \(did you mean "--name"\?\)\n/);
  });

  test("hotspot help help explains help", async () => {
    const io = captureIo();
    assert.equal(await main(["help", "help"], io), 0);
    assert.match(io.stdoutText(), /^Usage: hotspot help \[COMMAND\]\n/);
    assert.equal(io.stderrText(), "");
  });

  test("--help, help and help <command> print help on stdout and exit 0", async () => {
    const overview = captureIo();
    assert.equal(await main(["--help"], overview, { stub: echo }), 0);
    assert.match(overview.stdoutText(), /Usage: hotspot <command>/);
    assert.match(overview.stdoutText(), /stub\s+Stub command/);
    for (const argv of [
      ["help", "stub"],
      ["stub", "--help"],
      ["stub", "-h"],
    ]) {
      const io = captureIo();
      assert.equal(await main(argv, io, { stub: echo }), 0);
      assert.match(io.stdoutText(), /^Usage: hotspot stub /);
      assert.match(io.stdoutText(), /--name X\s+A name\./);
      assert.match(io.stdoutText(), /--plugins DIR\s+Also load plugins/);
    }
  });

  test("--version prints the package name and version", async () => {
    const io = captureIo();
    assert.equal(await main(["--version"], io), 0);
    assert.match(io.stdoutText(), /^hotspot-helper \d+\.\d+\.\d+ \(node v\d+/);
  });
});
