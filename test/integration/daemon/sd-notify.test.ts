import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { after, before, describe, test } from "node:test";
import { createNotifier } from "../../../src/daemon/sd-notify.ts";

const PYTHON = "/usr/bin/python3";

/** Binds a unix datagram socket (a path, or an abstract name for `@…`) and reports each datagram. */
function listen(address: string): { next(): Promise<string>; bound: Promise<void>; stop(): void } {
  const code = [
    "import socket, sys",
    "a = sys.argv[1]",
    "a = '\\0' + a[1:] if a.startswith('@') else a",
    "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)",
    "s.bind(a)",
    "print('bound', flush=True)",
    "while True:",
    "    print(s.recv(4096).decode().replace('\\n', '|'), flush=True)",
  ].join("\n");
  const child: ChildProcess = spawn(PYTHON, ["-c", code, address], { stdio: ["ignore", "pipe", "inherit"] });
  const queue: string[] = [];
  const waiting: ((s: string) => void)[] = [];
  let resolveBound: () => void = () => {};
  const bound = new Promise<void>((r) => {
    resolveBound = r;
  });
  createInterface({ input: child.stdout ?? process.stdin }).on("line", (line) => {
    if (line === "bound") return resolveBound();
    // systemd-notify follows each message with a barrier (sd_notify_barrier): not ours.
    if (line === "BARRIER=1") return;
    const w = waiting.shift();
    if (w) w(line);
    else queue.push(line);
  });
  return {
    bound,
    next: () => {
      const q = queue.shift();
      return q !== undefined ? Promise.resolve(q) : new Promise((r) => waiting.push(r));
    },
    stop: () => child.kill("SIGKILL"),
  };
}

describe("sd_notify through NOTIFY_SOCKET", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "hotspot-notify-test-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test("without NOTIFY_SOCKET nothing is sent and nothing is started", () => {
    const n = createNotifier({ env: {} });
    assert.equal(n.active, false);
    assert.equal(n.via, "none");
    n.ready("x");
    n.stopping();
    n.close();
  });

  for (const prefer of ["perl", "systemd-notify"] as const) {
    test(`via ${prefer}: READY=1 with STATUS, watchdog pings, then STOPPING=1`, async () => {
      const path = join(dir, `${prefer}.sock`);
      const socket = listen(path);
      await socket.bound;
      const n = createNotifier({
        env: { NOTIFY_SOCKET: path, WATCHDOG_USEC: "100000", PATH: process.env.PATH },
        prefer,
      });
      try {
        assert.equal(n.via, prefer);
        n.ready("following networkmanager");
        assert.equal(await socket.next(), "READY=1|STATUS=following networkmanager");
        assert.equal(await socket.next(), "WATCHDOG=1");
        n.stopping();
        let last = await socket.next();
        while (last === "WATCHDOG=1") last = await socket.next();
        assert.equal(last, "STOPPING=1");
      } finally {
        n.close();
        socket.stop();
      }
    });
  }

  test("where perl cannot start, messages already sent and later ones go through systemd-notify", async () => {
    const path = join(dir, "no-perl.sock");
    const socket = listen(path);
    await socket.bound;
    const bin = join(dir, "bin-without-perl");
    await mkdir(bin);
    await symlink("/usr/bin/systemd-notify", join(bin, "systemd-notify"));
    const warnings: string[] = [];
    const n = createNotifier({
      env: { NOTIFY_SOCKET: path, PATH: bin },
      warn: (m) => warnings.push(m),
    });
    try {
      assert.equal(n.via, "perl");
      n.ready("first");
      assert.equal(await socket.next(), "READY=1|STATUS=first");
      assert.equal(n.via, "systemd-notify");
      n.notify("STATUS=second");
      assert.equal(await socket.next(), "STATUS=second");
      assert.ok(
        warnings.some((w) => /perl helper unavailable/.test(w)),
        warnings.join("\n"),
      );
    } finally {
      n.close();
      socket.stop();
    }
  });

  test("an abstract socket name (@…) is honoured", async () => {
    const name = `@hotspot-notify-test-${process.pid}`;
    const socket = listen(name);
    await socket.bound;
    const n = createNotifier({ env: { NOTIFY_SOCKET: name, PATH: process.env.PATH }, prefer: "perl" });
    try {
      n.ready();
      assert.equal(await socket.next(), "READY=1");
    } finally {
      n.close();
      socket.stop();
    }
  });
});
