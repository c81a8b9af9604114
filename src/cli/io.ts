/** Where a command writes. Injected so tests can run commands in-process and read the output. */
export interface Writer {
  write(text: string): void;
}

/** A command's view of the process: output streams and environment, nothing global. */
export interface CliIo {
  readonly stdout: Writer;
  readonly stderr: Writer;
  /** Environment for config lookup (`XDG_CONFIG_HOME`, `HOME`). */
  readonly env: NodeJS.ProcessEnv;
}

/** The real process streams. */
export function processIo(): CliIo {
  return {
    stdout: { write: (text) => void process.stdout.write(text) },
    stderr: { write: (text) => void process.stderr.write(text) },
    env: process.env,
  };
}

/** An in-memory CliIo for tests: `stdoutText()` and `stderrText()` return everything written so far. */
export interface CapturedIo extends CliIo {
  stdoutText(): string;
  stderrText(): string;
}

export function captureIo(env: NodeJS.ProcessEnv = {}): CapturedIo {
  let out = "";
  let err = "";
  return {
    stdout: {
      write: (text) => {
        out += text;
      },
    },
    stderr: {
      write: (text) => {
        err += text;
      },
    },
    env,
    stdoutText: () => out,
    stderrText: () => err,
  };
}
