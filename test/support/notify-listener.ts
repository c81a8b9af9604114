import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";

const PYTHON = "/usr/bin/python3";

/**
 * A unix datagram socket of our own at `path`, standing in for systemd's NOTIFY_SOCKET (Node
 * cannot bind one): each datagram becomes a message, newlines shown as `|`.
 */
export class NotifyListener {
  readonly messages: string[] = [];
  /** performance.now() at each message's arrival, by index. */
  readonly #arrivals: number[] = [];
  readonly #child: ChildProcess;
  readonly #waiters: { pattern: RegExp; resolve: (atMs: number) => void }[] = [];
  readonly bound: Promise<void>;

  constructor(readonly path: string) {
    const code = [
      "import socket, sys",
      "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)",
      "s.bind(sys.argv[1])",
      "print('bound', flush=True)",
      "while True:",
      "    print(s.recv(4096).decode().replace('\\n', '|'), flush=True)",
    ].join("\n");
    this.#child = spawn(PYTHON, ["-c", code, path], { stdio: ["ignore", "pipe", "inherit"] });
    const lines = createInterface({ input: this.#child.stdout ?? process.stdin });
    this.bound = new Promise((resolve) => lines.once("line", () => resolve()));
    lines.on("line", (line) => {
      if (line === "bound") return;
      const atMs = performance.now();
      this.messages.push(line);
      this.#arrivals.push(atMs);
      for (const w of [...this.#waiters]) {
        if (w.pattern.test(line)) {
          this.#waiters.splice(this.#waiters.indexOf(w), 1);
          w.resolve(atMs);
        }
      }
    });
  }

  /** Resolves with the performance.now() at which the first matching message arrived (already, or still to come). */
  waitFor(pattern: RegExp): Promise<number> {
    const seen = this.messages.findIndex((m) => pattern.test(m));
    if (seen >= 0) return Promise.resolve(this.#arrivals[seen] ?? Number.NaN);
    return new Promise((resolve) => this.#waiters.push({ pattern, resolve }));
  }

  stop(): void {
    this.#child.kill("SIGKILL");
  }
}
