import { hotspotError } from "../errors.ts";
import type { Prompter } from "./input.ts";

/** What the prompter needs of a terminal: `process.stdin` when it is a TTY (a `tty.ReadStream`). */
export interface RawTerminal {
  readonly isRaw: boolean;
  setRawMode(mode: boolean): unknown;
  resume(): unknown;
  pause(): unknown;
  on(event: "data", listener: (chunk: Buffer) => void): unknown;
  off(event: "data", listener: (chunk: Buffer) => void): unknown;
}

/**
 * A Prompter on the process's terminal. Hidden fields are read in raw mode one key at a
 * time and nothing is written back, so the secret never appears on screen or in the
 * terminal's scrollback. Ctrl-C and Ctrl-D abort; backspace edits.
 */
export function terminalPrompter(input: RawTerminal, output: { write(s: string): unknown }): Prompter {
  return {
    ask(question, { echo }) {
      output.write(question);
      return new Promise((resolve, reject) => {
        let value = "";
        const wasRaw = input.isRaw;
        input.setRawMode(true);
        input.resume();
        const done = (err?: Error): void => {
          input.off("data", onData);
          input.setRawMode(wasRaw);
          input.pause();
          output.write("\n");
          if (err) reject(err);
          else resolve(value);
        };
        const onData = (chunk: Buffer): void => {
          for (const ch of chunk.toString("utf8")) {
            if (ch === "\r" || ch === "\n") {
              done();
              return;
            }
            if (ch === "\u0003" || ch === "\u0004") {
              // Raw mode swallows SIGINT, so this is how a person gets out: a user's choice,
              // reported as such (not as an internal error with a stack trace).
              done(hotspotError("HH_USAGE", { message: "cancelled at the prompt; nothing was saved" }));
              return;
            }
            if (ch === "\u007f" || ch === "\b") {
              if (value.length > 0) {
                value = value.slice(0, -1);
                if (echo) output.write("\b \b");
              }
              continue;
            }
            if (ch < " ") continue;
            value += ch;
            if (echo) output.write(ch);
          }
        };
        input.on("data", onData);
      });
    },
  };
}
