import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createHttpClient } from "../../../src/auth/http-client.ts";
import { isHotspotError } from "../../../src/errors.ts";
import { serve, silentServer, type TestServer } from "./servers.ts";

describe("http client", () => {
  let server: TestServer;
  before(async () => {
    server = await serve((req, res) => {
      const path = req.url.split("?")[0] ?? "";
      const hop = /^\/hop\/(\d+)$/.exec(path);
      if (hop) {
        const n = Number(hop[1]);
        if (n === 0) res.writeHead(200).end("arrived");
        else res.writeHead(302, { location: `/hop/${n - 1}` }).end();
        return;
      }
      const status = /^\/status\/(\d+)$/.exec(path);
      if (status) {
        res.writeHead(Number(status[1]), { location: "/echo" }).end();
        return;
      }
      switch (path) {
        case "/echo":
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify({ method: req.method, body: req.body, cookie: req.headers.cookie ?? null }));
          return;
        case "/loop":
          res.writeHead(302, { location: "/loop" }).end();
          return;
        case "/set-cookie":
          res.writeHead(200, { "set-cookie": ["sid=s1; Path=/", "pref=dark; Path=/echo"] }).end("ok");
          return;
        case "/big":
          res.writeHead(200).end("x".repeat(5000));
          return;
        case "/big-chunked":
          res.writeHead(200, { "transfer-encoding": "chunked" });
          res.write("x".repeat(3000));
          res.end("y".repeat(3000));
          return;
        case "/latin1":
          res
            .writeHead(200, { "content-type": "text/html; charset=iso-8859-1" })
            .end(Buffer.from([0x63, 0x61, 0x66, 0xe9]));
          return;
        default:
          res.writeHead(404).end("not found");
      }
    });
  });
  after(() => server.close());

  test("does not follow redirects unless asked", async () => {
    const res = await createHttpClient().get(`${server.url}/hop/1`);
    assert.equal(res.status, 302);
    assert.equal(res.headers.location, "/hop/0");
    assert.deepEqual(res.redirects, []);
  });

  test("follows redirects when asked and reports the chain", async () => {
    const res = await createHttpClient().get(`${server.url}/hop/3`, { followRedirects: true });
    assert.equal(res.status, 200);
    assert.equal(res.body, "arrived");
    assert.equal(res.url, `${server.url}/hop/0`);
    assert.deepEqual(res.redirects, [`${server.url}/hop/3`, `${server.url}/hop/2`, `${server.url}/hop/1`]);
  });

  test("stops after maxRedirects with HH_HTTP_TOO_MANY_REDIRECTS", async () => {
    const client = createHttpClient();
    await assert.rejects(client.get(`${server.url}/hop/3`, { followRedirects: true, maxRedirects: 2 }), (e) =>
      isHotspotError(e, "HH_HTTP_TOO_MANY_REDIRECTS"),
    );
    const ok = await client.get(`${server.url}/hop/2`, { followRedirects: true, maxRedirects: 2 });
    assert.equal(ok.status, 200);
  });

  test("a redirect loop ends after the default 10 redirects", async () => {
    const before = server.requests.length;
    await assert.rejects(createHttpClient().get(`${server.url}/loop`, { followRedirects: true }), (e) =>
      isHotspotError(e, "HH_HTTP_TOO_MANY_REDIRECTS"),
    );
    assert.equal(server.requests.length - before, 11);
  });

  for (const code of [301, 302, 303]) {
    test(`${code} after a POST continues as a GET without body`, async () => {
      const res = await createHttpClient().post(`${server.url}/status/${code}`, "a=1", {
        followRedirects: true,
      });
      assert.deepEqual(JSON.parse(res.body), { method: "GET", body: "", cookie: null });
    });
  }

  for (const code of [307, 308]) {
    test(`${code} after a POST repeats the POST with its body`, async () => {
      const res = await createHttpClient().post(
        `${server.url}/status/${code}`,
        new URLSearchParams({ a: "1" }),
        {
          followRedirects: true,
        },
      );
      assert.deepEqual(JSON.parse(res.body), { method: "POST", body: "a=1", cookie: null });
    });
  }

  test("URLSearchParams bodies are sent form-encoded", async () => {
    await createHttpClient().post(`${server.url}/echo`, new URLSearchParams({ q: "a b&c" }));
    const last = server.requests.at(-1);
    assert.equal(last?.body, "q=a+b%26c");
    assert.equal(last?.headers["content-type"], "application/x-www-form-urlencoded");
  });

  test("cookies set by one response are sent on the client's later requests, by path", async () => {
    const client = createHttpClient();
    const set = await client.get(`${server.url}/set-cookie`);
    assert.equal(set.headers["set-cookie"], "sid=s1; Path=/\npref=dark; Path=/echo");
    const echo = await client.get(`${server.url}/echo`);
    assert.equal(JSON.parse(echo.body).cookie, "pref=dark; sid=s1");
    assert.equal(client.cookies.cookieHeader(`${server.url}/other`), "sid=s1");
    const fresh = await createHttpClient().get(`${server.url}/echo`);
    assert.equal(JSON.parse(fresh.body).cookie, null);
  });

  test("a body over maxBodyBytes fails with HH_HTTP_BODY_TOO_LARGE, declared or chunked", async () => {
    const client = createHttpClient();
    await assert.rejects(client.get(`${server.url}/big`, { maxBodyBytes: 1000 }), (e) =>
      isHotspotError(e, "HH_HTTP_BODY_TOO_LARGE"),
    );
    await assert.rejects(client.get(`${server.url}/big-chunked`, { maxBodyBytes: 4000 }), (e) =>
      isHotspotError(e, "HH_HTTP_BODY_TOO_LARGE"),
    );
    assert.equal((await client.get(`${server.url}/big`, { maxBodyBytes: 5000 })).body.length, 5000);
  });

  test("decodes the body with the charset the response declares", async () => {
    assert.equal((await createHttpClient().get(`${server.url}/latin1`)).body, "café");
  });

  test("a server that never answers fails with HH_HTTP_FAILED after timeoutMs", async () => {
    const silent = await silentServer();
    try {
      await assert.rejects(
        createHttpClient().get(`${silent.url}/x`, { timeoutMs: 100 }),
        (e) => isHotspotError(e, "HH_HTTP_FAILED") && /timed out/.test(e.message),
      );
    } finally {
      await silent.close();
    }
  });

  test("the client's signal aborts its requests with HH_HTTP_FAILED", async () => {
    const silent = await silentServer();
    const controller = new AbortController();
    try {
      const pending = createHttpClient({ signal: controller.signal }).get(`${silent.url}/x`);
      controller.abort();
      await assert.rejects(pending, (e) => isHotspotError(e, "HH_HTTP_FAILED"));
    } finally {
      await silent.close();
    }
  });

  test("onRequest gets one entry per hop with method, url, status and duration", async () => {
    const entries: { method: string; url: string; status?: number; ms: number }[] = [];
    await createHttpClient({ onRequest: (e) => entries.push(e) }).get(`${server.url}/hop/1?x=1`, {
      followRedirects: true,
    });
    assert.deepEqual(
      entries.map(({ method, url, status }) => ({ method, url, status })),
      [
        { method: "GET", url: `${server.url}/hop/1?x=1`, status: 302 },
        { method: "GET", url: `${server.url}/hop/0`, status: 200 },
      ],
    );
    assert.ok(entries.every((e) => e.ms >= 0));
  });

  test("sends a wispr User-Agent unless the caller sets one", async () => {
    const client = createHttpClient();
    await client.get(`${server.url}/echo`);
    assert.match(server.requests.at(-1)?.headers["user-agent"] ?? "", /wispr/);
    await client.get(`${server.url}/echo`, { headers: { "User-Agent": "custom" } });
    assert.equal(server.requests.at(-1)?.headers["user-agent"], "custom");
  });
});
