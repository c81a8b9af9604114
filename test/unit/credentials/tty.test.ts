import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { describe, test } from "node:test";
import { captureIo } from "../../../src/cli/io.ts";
import { reportError } from "../../../src/cli/main.ts";
import { terminalPrompter } from "../../../src/credentials/tty.ts";

class FakeTerminal extends EventEmitter {
  isRaw = false;
  setRawMode(mode: boolean): this {
    this.isRaw = mode;
    return this;
  }
  resume(): this {
    return this;
  }
  pause(): this {
    return this;
  }
}

describe("terminalPrompter", () => {
  test("a typed password is returned without being written to the terminal", async () => {
    const terminal = new FakeTerminal();
    let shown = "";
    const prompter = terminalPrompter(terminal, { write: (s) => (shown += s) });
    const answer = prompter.ask("password: ", { echo: false });
    terminal.emit("data", Buffer.from("s3cret\r"));
    assert.equal(await answer, "s3cret");
    assert.equal(shown, "password: \n");
    assert.equal(terminal.isRaw, false);
  });

  test("Ctrl-C at the prompt is a user's cancel: exit 2 with one line, no stack and no bug report", async () => {
    const terminal = new FakeTerminal();
    const prompter = terminalPrompter(terminal, { write: () => {} });
    const answer = prompter.ask("password: ", { echo: false });
    terminal.emit("data", Buffer.from("abc\u0003"));
    const error = await answer.then(
      () => assert.fail("expected the prompt to be cancelled"),
      (e: unknown) => e,
    );
    assert.equal(terminal.isRaw, false);
    const io = captureIo();
    assert.equal(reportError(error, io), 2);
    assert.equal(io.stderrText(), "hotspot: cancelled at the prompt; nothing was saved\n");
  });
});
