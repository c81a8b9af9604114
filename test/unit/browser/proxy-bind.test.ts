import assert from "node:assert/strict";
import { createServer, request, type Server } from "node:http";
import { connect } from "node:net";
import { after, before, describe, test } from "node:test";
import { createBrowserGuard } from "../../../src/browser/guard.ts";
import { startBrowserProxy } from "../../../src/browser/proxy.ts";

/**
 * The warm browser's proxy outlives hooks: unbound it refuses everything, bound it uses the
 * binding's source address and guard, and a rebinding cuts what the previous one opened.
 * Plain loopback sockets, no Chromium.
 */

interface Answer {
  readonly status: number;
  readonly body: string;
}

/** A request through the proxy, as Chromium sends it to an HTTP proxy (absolute URL). */
function viaProxy(proxy: string, url: string, body = ""): Promise<Answer> {
  const [host, port] = proxy.split(":");
  return new Promise((resolve, reject) => {
    const req = request(
      { agent: false, host, port: Number(port), method: body ? "POST" : "GET", path: url },
      (res) => {
        let text = "";
        res.on("data", (c: Buffer) => {
          text += c.toString();
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** Opens a CONNECT tunnel; resolves with the proxy's status line and the socket. */
function tunnel(proxy: string, target: string): Promise<{ line: string; socket: import("node:net").Socket }> {
  const [host, port] = proxy.split(":");
  return new Promise((resolve, reject) => {
    const socket = connect({ host: host ?? "", port: Number(port) }, () => {
      socket.write(`CONNECT ${target} HTTP/1.1\r\nhost: ${target}\r\n\r\n`);
    });
    socket.once("data", (c: Buffer) => resolve({ line: c.toString().split("\r\n")[0] ?? "", socket }));
    socket.on("error", reject);
  });
}

describe("a rebindable link proxy", () => {
  let server: Server;
  let port = 0;
  const from: string[] = [];
  before(async () => {
    server = createServer((req, res) => {
      from.push(req.socket.remoteAddress ?? "");
      req.resume();
      req.on("end", () => res.end("upstream"));
    });
    await new Promise<void>((r) => server.listen(0, "0.0.0.0", r));
    const a = server.address();
    port = typeof a === "object" && a !== null ? a.port : 0;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  test("unbound it refuses requests and tunnels; bound it forwards from the binding's address", async () => {
    const proxy = await startBrowserProxy({ unbound: true });
    try {
      const refused = await viaProxy(proxy.address, `http://127.0.0.1:${port}/x`);
      assert.equal(refused.status, 503);
      const t = await tunnel(proxy.address, `127.0.0.1:${port}`);
      assert.match(t.line, / 503 /);
      t.socket.destroy();
      assert.equal(from.length, 0, "nothing reached the server");

      proxy.bind({ localAddress: "127.0.0.2" });
      assert.equal((await viaProxy(proxy.address, `http://127.0.0.1:${port}/x`)).body, "upstream");
      assert.equal(from.at(-1), "127.0.0.2");
      proxy.bind({ localAddress: "127.0.0.3" });
      assert.equal((await viaProxy(proxy.address, `http://127.0.0.1:${port}/y`)).body, "upstream");
      assert.equal(from.at(-1), "127.0.0.3", "the keep-alive connection of the first binding is not reused");
    } finally {
      await proxy.close();
    }
  });

  test("the guard and the refusals are the current binding's", async () => {
    const proxy = await startBrowserProxy({ unbound: true });
    const seen: { one: number; two: number } = { one: 0, two: 0 };
    const guardFor = (password: string) =>
      createBrowserGuard({
        credentials: { password },
        portalHosts: [{ host: "portal.example" }],
        pluginId: "p",
      });
    try {
      proxy.bind({ guard: guardFor("first-pass"), onRefused: () => seen.one++ });
      const url = `http://127.0.0.1:${port}/collect`;
      assert.equal((await viaProxy(proxy.address, url, "p=first-pass")).status, 403);
      proxy.bind({ guard: guardFor("second-pass"), onRefused: () => seen.two++ });
      assert.equal(
        (await viaProxy(proxy.address, url, "p=first-pass")).status,
        200,
        "not this plugin's secret",
      );
      assert.equal((await viaProxy(proxy.address, url, "p=second-pass")).status, 403);
      assert.deepEqual(seen, { one: 1, two: 1 });
    } finally {
      await proxy.close();
    }
  });

  test("a browser resetting a refused tunnel does not take the process down", async () => {
    const proxy = await startBrowserProxy({ unbound: true });
    try {
      for (const target of [`127.0.0.1:${port}`, "no-port.example"]) {
        const t = await tunnel(proxy.address, target);
        assert.match(t.line, / 50[03] | 400 /);
        // A reset (RST), as Chromium sends when it drops a socket with bytes unread: the
        // proxy's side reads ECONNRESET, which throws out of the process if nobody listens.
        t.socket.resetAndDestroy();
      }
      // Loopback delivers the resets at once; this exchange takes several turns of the
      // event loop, in which the proxy reads them.
      assert.equal((await viaProxy(proxy.address, `http://127.0.0.1:${port}/x`)).status, 503);
    } finally {
      await proxy.close();
    }
  });

  test("rebinding cuts a tunnel opened under the previous binding", async () => {
    const proxy = await startBrowserProxy({ localAddress: "127.0.0.1" });
    try {
      const t = await tunnel(proxy.address, `127.0.0.1:${port}`);
      assert.match(t.line, / 200 /);
      const closed = new Promise<void>((r) => t.socket.once("close", () => r()));
      proxy.bind({ localAddress: "127.0.0.2" });
      await closed;
      assert.equal(t.socket.destroyed, true);
    } finally {
      await proxy.close();
    }
  });
});
