import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { probe } from "../../../src/auth/probe.ts";
import { startPortal } from "../../../src/harness/index.ts";
import { closedPort, serve, silentServer, type TestServer } from "./servers.ts";

describe("probe classification", () => {
  let server: TestServer;
  before(async () => {
    server = await serve((req, res) => {
      const respond: Record<string, () => void> = {
        "/204": () => res.writeHead(204).end(),
        "/302": () => res.writeHead(302, { location: "/portal/login?x=1" }).end(),
        "/302-absolute": () => res.writeHead(302, { location: "https://login.example.net/start" }).end(),
        "/307-no-location": () => res.writeHead(307).end(),
        "/page": () =>
          res.writeHead(200, { "content-type": "text/html" }).end("<html><body>Log in</body></html>"),
        "/empty": () => res.writeHead(200, { "content-length": "0" }).end(),
        "/four": () => res.writeHead(200).end("abcd"),
        "/four-chunked": () => {
          res.writeHead(200, { "transfer-encoding": "chunked" });
          res.write("ab");
          res.end("cd");
        },
        "/five": () => res.writeHead(200).end("abcde"),
        "/500": () => res.writeHead(500).end("oops"),
        "/404": () => res.writeHead(404).end("nope"),
        "/nm": () =>
          res.writeHead(200, { "x-networkmanager-status": "online" }).end("NetworkManager is online\n"),
        "/big": () => res.writeHead(200).end("x".repeat(1024 * 1024)),
      };
      (respond[req.url] ?? (() => res.writeHead(418).end()))();
    });
  });
  after(() => server.close());

  test("204 is online", async () => {
    const info = await probe(`${server.url}/204`);
    assert.deepEqual(info, { verdict: "online", probeUrl: `${server.url}/204`, status: 204 });
  });

  test("302 is a portal whose login URL is the Location resolved against the probe URL", async () => {
    const info = await probe(`${server.url}/302`);
    assert.equal(info.verdict, "portal");
    assert.equal(info.status, 302);
    assert.equal(info.loginUrl, `${server.url}/portal/login?x=1`);
  });

  test("an absolute Location is kept as is", async () => {
    const info = await probe(`${server.url}/302-absolute`);
    assert.equal(info.loginUrl, "https://login.example.net/start");
  });

  test("a redirect without Location is a portal with no login URL", async () => {
    const info = await probe(`${server.url}/307-no-location`);
    assert.equal(info.verdict, "portal");
    assert.equal(info.loginUrl, undefined);
  });

  test("a 200 page served in place is a portal at the probe URL", async () => {
    const info = await probe(`${server.url}/page`);
    assert.equal(info.verdict, "portal");
    assert.equal(info.loginUrl, `${server.url}/page`);
  });

  test("a 200 with an empty body is a broken proxy, not a portal", async () => {
    const info = await probe(`${server.url}/empty`);
    assert.deepEqual(
      { verdict: info.verdict, reason: info.reason, status: info.status },
      { verdict: "unreachable", reason: "broken proxy", status: 200 },
    );
  });

  test("a 200 with a 4-byte body is a broken proxy, with or without Content-Length", async () => {
    assert.equal((await probe(`${server.url}/four`)).reason, "broken proxy");
    assert.equal((await probe(`${server.url}/four-chunked`)).reason, "broken proxy");
  });

  test("a 200 with a 5-byte body is a portal", async () => {
    assert.equal((await probe(`${server.url}/five`)).verdict, "portal");
  });

  test("5xx and 4xx are unreachable with the status as reason", async () => {
    const info = await probe(`${server.url}/500`);
    assert.deepEqual(
      { verdict: info.verdict, reason: info.reason },
      { verdict: "unreachable", reason: "HTTP 500" },
    );
    assert.equal((await probe(`${server.url}/404`)).verdict, "unreachable");
  });

  test("NetworkManager's online header makes a 200 online", async () => {
    assert.equal((await probe(`${server.url}/nm`)).verdict, "online");
  });

  test("onlineBody makes a 200 with the expected body online", async () => {
    const info = await probe(`${server.url}/page`, { onlineBody: "<html><body>Log in" });
    assert.equal(info.verdict, "online");
  });

  test("a large body is read only up to the cap and still classified", async () => {
    assert.equal((await probe(`${server.url}/big`)).verdict, "portal");
  });

  test("does not follow the redirect and sends Connection: close and a wispr User-Agent", async () => {
    await probe(`${server.url}/302`);
    assert.ok(server.requests.every((r) => !r.url.startsWith("/portal")));
    const last = server.requests.at(-1);
    assert.equal(last?.url, "/302");
    assert.equal(last?.headers.connection, "close");
    assert.match(last?.headers["user-agent"] ?? "", /wispr/);
  });

  test("the apiUri option is copied into the result", async () => {
    const info = await probe(`${server.url}/204`, { apiUri: "https://api.example.net/capport" });
    assert.equal(info.apiUri, "https://api.example.net/capport");
  });
});

describe("probe failures never throw", () => {
  test("connection refused is unreachable with a reason", async () => {
    const port = await closedPort();
    const info = await probe(`http://127.0.0.1:${port}/generate_204`);
    assert.equal(info.verdict, "unreachable");
    assert.match(info.reason ?? "", /ECONNREFUSED/);
  });

  test("a server that never answers is unreachable after timeoutMs", async () => {
    const silent = await silentServer();
    try {
      const started = Date.now();
      const info = await probe(`${silent.url}/generate_204`, { timeoutMs: 150 });
      assert.equal(info.verdict, "unreachable");
      assert.match(info.reason ?? "", /timed out/);
      assert.ok(Date.now() - started < 2000);
    } finally {
      await silent.close();
    }
  });

  test("an aborted signal makes the probe unreachable", async () => {
    const silent = await silentServer();
    try {
      const controller = new AbortController();
      const pending = probe(`${silent.url}/generate_204`, { signal: controller.signal });
      controller.abort();
      const info = await pending;
      assert.deepEqual(
        { verdict: info.verdict, reason: info.reason },
        { verdict: "unreachable", reason: "aborted" },
      );
    } finally {
      await silent.close();
    }
  });

  test("an invalid or non-HTTP URL is unreachable", async () => {
    assert.equal((await probe("not a url")).verdict, "unreachable");
    assert.equal((await probe("ftp://127.0.0.1/x")).verdict, "unreachable");
  });
});

describe("probe against the portal simulator", () => {
  test("redirects to the login page until authorised, then online", async () => {
    const portal = await startPortal({ scenario: "form-login" });
    try {
      const before = await probe(portal.probeUrl);
      assert.equal(before.verdict, "portal");
      assert.equal(before.loginUrl, `${portal.url}/login`);
      portal.authorize();
      assert.equal((await probe(portal.probeUrl)).verdict, "online");
    } finally {
      await portal.close();
    }
  });
});
