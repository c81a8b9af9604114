import assert from "node:assert/strict";
import { lookup as systemLookup } from "node:dns/promises";
import { after, before, describe, test } from "node:test";
import { createHttpClient } from "../../../src/auth/http-client.ts";
import { isLocalAddress, linkTransport } from "../../../src/auth/link.ts";
import { createLinkLookup } from "../../../src/auth/link-dns.ts";
import { probe } from "../../../src/auth/probe.ts";
import { isHotspotError } from "../../../src/errors.ts";
import { type FakeDns, fakeDns } from "./dns-server.ts";
import { serve, type TestServer } from "./servers.ts";

const NAME = "portal.hotspot-link.test";

describe("link DNS and binding", () => {
  let dns: FakeDns;
  let web: TestServer;
  before(async () => {
    dns = await fakeDns({ [NAME]: "127.0.0.1", "nodata.hotspot-link.test": "" });
    web = await serve((req, res) => {
      if (req.url === "/generate_204") res.writeHead(204).end();
      else res.writeHead(200, { "content-type": "text/plain" }).end(`host=${req.headers.host}`);
    });
  });
  after(async () => {
    await dns.close();
    await web.close();
  });

  test("a name only the link's DNS knows resolves through it, while the system resolver cannot", async () => {
    await assert.rejects(systemLookup(NAME));
    const lookup = createLinkLookup({ servers: [dns.server], localAddress: "127.0.0.1" });
    const http = createHttpClient({ lookup, localAddress: "127.0.0.1" });
    const res = await http.get(`http://${NAME}:${web.port}/page`);
    assert.equal(res.body, `host=${NAME}:${web.port}`);
    assert.ok(dns.queries.includes(`${NAME}/A`));
    assert.ok(!dns.queries.some((q) => q.endsWith("/AAAA")), "bound to IPv4: no AAAA queries");
  });

  test("the probe resolves through the link too", async () => {
    const lookup = createLinkLookup({ servers: [dns.server] });
    const info = await probe(`http://${NAME}:${web.port}/generate_204`, {
      lookup,
      localAddress: "127.0.0.1",
    });
    assert.equal(info.verdict, "online");
  });

  test("an unknown name is an HTTP failure naming the link's DNS", async () => {
    const http = createHttpClient({ lookup: createLinkLookup({ servers: [dns.server] }) });
    await assert.rejects(http.get(`http://nowhere.hotspot-link.test:${web.port}/`), (e) => {
      assert.ok(isHotspotError(e, "HH_HTTP_FAILED"));
      assert.match(e.message, /link's DNS/);
      return true;
    });
  });

  test("IP literals and localhost need no DNS at all", async () => {
    const before = dns.queries.length;
    const lookup = createLinkLookup({ servers: [dns.server] });
    const http = createHttpClient({ lookup });
    assert.equal((await http.get(`http://127.0.0.1:${web.port}/x`)).status, 200);
    assert.equal((await http.get(`http://localhost:${web.port}/x`)).status, 200);
    assert.equal(dns.queries.length, before);
  });

  test("a DNS server that never answers fails within the lookup timeout, and leaving cancels at once", async () => {
    const silent = await fakeDns({}, { silent: true });
    try {
      const lookup = createLinkLookup({ servers: [silent.server], timeoutMs: 100 });
      const started = performance.now();
      const http = createHttpClient({ lookup, timeoutMs: 5_000 });
      await assert.rejects(http.get(`http://${NAME}:${web.port}/`), (e) =>
        isHotspotError(e, "HH_HTTP_FAILED"),
      );
      assert.ok(performance.now() - started < 2_000);
      const leave = new AbortController();
      const cancelled = createHttpClient({
        lookup: createLinkLookup({ servers: [silent.server], timeoutMs: 10_000, signal: leave.signal }),
        signal: leave.signal,
      });
      const pending = cancelled.get(`http://${NAME}:${web.port}/`);
      setImmediate(() => leave.abort());
      const t0 = performance.now();
      await assert.rejects(pending, (e) => isHotspotError(e, "HH_HTTP_FAILED"));
      assert.ok(performance.now() - t0 < 1_000);
    } finally {
      await silent.close();
    }
  });

  test("link facts pin traffic only when the address is really on this host", () => {
    assert.equal(isLocalAddress("127.0.0.1"), true);
    assert.equal(isLocalAddress("10.23.0.42"), false);
    assert.deepEqual(linkTransport({ ipv4: "10.23.0.42", dns: ["10.23.0.1"] }), {});
    assert.deepEqual(linkTransport(undefined), {});
    assert.deepEqual(linkTransport({ ipv4: "127.0.0.1" }), { localAddress: "127.0.0.1" });
    const pinned = linkTransport({ ipv4: "127.0.0.1", dns: [dns.server] });
    assert.equal(pinned.localAddress, "127.0.0.1");
    assert.equal(typeof pinned.lookup, "function");
  });
});
