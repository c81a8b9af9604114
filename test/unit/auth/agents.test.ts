import assert from "node:assert/strict";
import type { ServerResponse } from "node:http";
import { after, before, describe, test } from "node:test";
import { createConnectionPool, withConnectionPool } from "../../../src/auth/agents.ts";
import { createHttpClient } from "../../../src/auth/http-client.ts";
import { probe } from "../../../src/auth/probe.ts";
import { isHotspotError } from "../../../src/errors.ts";
import { serve, TEST_CA, type TestServer } from "./servers.ts";

/** Resolves once the server has no connection open (the client closed its kept ones). */
async function allClosed(server: TestServer): Promise<void> {
  for (let i = 0; i < 200 && server.openConnections() > 0; i++) await new Promise((r) => setImmediate(r));
}

describe("connection pools", () => {
  let plain: TestServer;
  let secure: TestServer;
  const ok = (_req: unknown, res: ServerResponse) => res.writeHead(200).end("ok");
  before(async () => {
    plain = await serve(ok);
    secure = await serve(ok, { tls: true });
  });
  after(async () => {
    await plain.close();
    await secure.close();
  });

  test("without a pool every request opens its own connection and asks to close it", async () => {
    const first = plain.requests.length;
    const http = createHttpClient();
    await http.get(`${plain.url}/a`);
    await http.get(`${plain.url}/b`);
    const seen = plain.requests.slice(first);
    assert.notEqual(seen[0]?.connection, seen[1]?.connection);
    assert.deepEqual(
      seen.map((r) => r.headers.connection),
      ["close", "close"],
    );
  });

  test("a pooled client sends its requests over one kept connection, closed with the pool", async () => {
    const first = plain.requests.length;
    const pool = createConnectionPool();
    const http = createHttpClient({ pool });
    await http.get(`${plain.url}/page`);
    await http.post(`${plain.url}/form`, new URLSearchParams({ accept: "1" }));
    await http.get(`${plain.url}/after`);
    const seen = plain.requests.slice(first);
    assert.equal(new Set(seen.map((r) => r.connection)).size, 1);
    assert.equal(seen[0]?.headers.connection, "keep-alive");
    assert.equal(plain.openConnections(), 1);
    pool.close();
    await allClosed(plain);
    assert.equal(plain.openConnections(), 0);
  });

  test("after the pool is closed a client still works, on fresh connections", async () => {
    const first = plain.requests.length;
    const pool = createConnectionPool();
    const http = createHttpClient({ pool });
    await http.get(`${plain.url}/before`);
    pool.close();
    assert.equal(pool.closed, true);
    assert.equal((await http.get(`${plain.url}/late`)).status, 200);
    const seen = plain.requests.slice(first);
    assert.notEqual(seen[0]?.connection, seen[1]?.connection);
    assert.equal(seen[1]?.headers.connection, "close");
  });

  test("withConnectionPool closes the pool when the hook settles, even when it rejects", async () => {
    let kept: ReturnType<typeof createConnectionPool> | undefined;
    const result = await withConnectionPool(new AbortController().signal, async (pool) => {
      kept = pool;
      await createHttpClient({ pool }).get(`${plain.url}/in-hook`);
      assert.equal(pool.closed, false);
      return "done";
    });
    assert.equal(result, "done");
    assert.equal(kept?.closed, true);
    await allClosed(plain);
    assert.equal(plain.openConnections(), 0);

    let failing: ReturnType<typeof createConnectionPool> | undefined;
    await assert.rejects(
      withConnectionPool(new AbortController().signal, async (pool) => {
        failing = pool;
        throw new Error("hook failed");
      }),
      /hook failed/,
    );
    assert.equal(failing?.closed, true);
  });

  test("withConnectionPool closes the pool as soon as the call's signal fires, while the hook still runs", async () => {
    const controller = new AbortController();
    let release: () => void = () => {};
    const blocked = new Promise<void>((r) => {
      release = r;
    });
    let kept: ReturnType<typeof createConnectionPool> | undefined;
    let fetched: () => void = () => {};
    const pageLoaded = new Promise<void>((r) => {
      fetched = r;
    });
    const call = withConnectionPool(controller.signal, async (pool) => {
      kept = pool;
      await createHttpClient({ pool }).get(`${plain.url}/slow-hook`);
      fetched();
      await blocked;
    });
    await pageLoaded;
    assert.equal(plain.openConnections(), 1);
    assert.ok(kept);
    controller.abort(new Error("network left"));
    assert.equal(kept.closed, true);
    await allClosed(plain);
    assert.equal(plain.openConnections(), 0);
    release();
    await call;
  });

  test("HTTPS connections resume the TLS session an earlier connection negotiated, pooled or not", async () => {
    const first = secure.requests.length;
    await createHttpClient({ ca: TEST_CA }).get(`${secure.url}/fresh`);
    const pool = createConnectionPool();
    const pooled = createHttpClient({ ca: TEST_CA, pool });
    await pooled.get(`${secure.url}/pooled-1`);
    await pooled.get(`${secure.url}/pooled-2`);
    pool.close();
    await createHttpClient({ ca: TEST_CA }).get(`${secure.url}/fresh-again`);
    const seen = secure.requests.slice(first);
    assert.deepEqual(
      seen.map((r) => r.tlsResumed),
      [false, true, true, true],
    );
    assert.equal(seen[1]?.connection, seen[2]?.connection);
  });

  test("a CA given per request is still enforced: without it the test certificate is refused", async () => {
    await createHttpClient({ ca: TEST_CA }).get(`${secure.url}/trusted`);
    await assert.rejects(createHttpClient().get(`${secure.url}/untrusted`), /self-signed|certificate/i);
  });

  test("a GET whose kept connection dies before answering goes once more on a new connection; a POST does not", async () => {
    let dropped = 0;
    const dropper = await serve((req, res) => {
      if (req.url.startsWith("/drop") && dropped++ % 2 === 0) {
        res.socket?.destroy();
        return;
      }
      res.writeHead(200).end("ok");
    });
    try {
      const pool = createConnectionPool();
      const logged: string[] = [];
      const http = createHttpClient({
        pool,
        onRequest: (e) => logged.push(`${e.method} ${e.status ?? e.error}`),
      });
      await http.get(`${dropper.url}/warm`);
      assert.equal((await http.get(`${dropper.url}/drop-get`)).status, 200);
      const gets = dropper.requests.filter((r) => r.url === "/drop-get");
      assert.equal(gets.length, 2);
      assert.notEqual(gets[0]?.connection, gets[1]?.connection);
      await assert.rejects(http.post(`${dropper.url}/drop-post`, "x=1"), (e) =>
        isHotspotError(e, "HH_HTTP_FAILED"),
      );
      assert.equal(dropper.requests.filter((r) => r.url === "/drop-post").length, 1);
      assert.match(logged.join("\n"), /GET HH_HTTP_FAILED.*\nGET 200\nPOST HH_HTTP_FAILED/s);
      pool.close();
    } finally {
      await dropper.close();
    }
  });

  test("without a pool a dropped GET is not sent again (a fresh connection has no keep-alive race)", async () => {
    const dropper = await serve((_req, res) => res.socket?.destroy());
    try {
      await assert.rejects(createHttpClient().get(`${dropper.url}/drop`), (e) =>
        isHotspotError(e, "HH_HTTP_FAILED"),
      );
      assert.equal(dropper.requests.length, 1);
    } finally {
      await dropper.close();
    }
  });

  test("the probe never uses a kept connection", async () => {
    const first = plain.requests.length;
    await probe(`${plain.url}/generate_204`);
    await probe(`${plain.url}/generate_204`);
    const seen = plain.requests.slice(first);
    assert.notEqual(seen[0]?.connection, seen[1]?.connection);
    await allClosed(plain);
    assert.equal(plain.openConnections(), 0);
  });
});
