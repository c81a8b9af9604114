import assert from "node:assert/strict";
import net from "node:net";
import { after, before, describe, test } from "node:test";
import zlib from "node:zlib";
import { acceptLanguageFor } from "../../../src/auth/accept-language.ts";
import { fetchCapportApi } from "../../../src/auth/capport.ts";
import { createHttpClient } from "../../../src/auth/http-client.ts";
import { probe } from "../../../src/auth/probe.ts";
import { canonicalHeaderName } from "../../../src/auth/wire-headers.ts";
import { isHotspotError } from "../../../src/errors.ts";

interface Seen {
  requestLine: string;
  names: string[];
  values: Map<string, string>;
}

/** A raw TCP server: records each request's header lines exactly as they arrived and answers `reply`. */
async function rawServer(
  reply: (seen: Seen) => Buffer,
): Promise<{ url: string; seen: Seen[]; close(): void }> {
  const seen: Seen[] = [];
  const server = net.createServer((socket) => {
    let buffered = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf("\r\n\r\n");
      if (end === -1) return;
      const lines = buffered.subarray(0, end).toString("latin1").split("\r\n");
      const names: string[] = [];
      const values = new Map<string, string>();
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(":");
        names.push(line.slice(0, colon));
        values.set(line.slice(0, colon), line.slice(colon + 1).trim());
      }
      const entry = { requestLine: lines[0] ?? "", names, values };
      seen.push(entry);
      socket.end(reply(entry));
    });
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  assert.ok(address !== null && typeof address === "object");
  return { url: `http://127.0.0.1:${address.port}`, seen, close: () => server.close() };
}

function response(status: number, headers: Record<string, string>, body: Buffer | string = ""): Buffer {
  const payload = typeof body === "string" ? Buffer.from(body) : body;
  const head = [`HTTP/1.1 ${status} X`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  head.push(`Content-Length: ${payload.length}`, "Connection: close", "", "");
  return Buffer.concat([Buffer.from(head.join("\r\n")), payload]);
}

describe("wire manners: header names and order", () => {
  let server: Awaited<ReturnType<typeof rawServer>>;
  before(async () => {
    server = await rawServer((s) =>
      s.requestLine.startsWith("GET /api")
        ? response(200, { "Content-Type": "application/captive+json" }, `{"captive":true}`)
        : response(200, { "Set-Cookie": "sid=1; Path=/" }, "<html>a portal page</html>"),
    );
  });
  after(() => server.close());

  test("a plugin's GET goes out in canonical spelling, Host first, browser order", async () => {
    const http = createHttpClient({ userAgent: "Mozilla/5.0 test" });
    await http.get(`${server.url}/first`);
    await http.get(`${server.url}/page`, {
      headers: { "x-requested-with": "XMLHttpRequest", referer: "http://r/" },
    });
    const last = server.seen.at(-1);
    assert.deepEqual(last?.names, [
      "Host",
      "User-Agent",
      "Accept",
      "Accept-Language",
      "Accept-Encoding",
      "Connection",
      "Referer",
      "Cookie",
      "X-Requested-With",
    ]);
    assert.equal(last?.values.get("User-Agent"), "Mozilla/5.0 test");
    assert.equal(last?.values.get("Accept-Encoding"), "gzip, deflate, br");
    assert.equal(last?.values.get("Cookie"), "sid=1");
    assert.equal(last?.values.get("Connection"), "close");
  });

  test("a form POST carries its body headers between the Accept ones and Connection", async () => {
    await createHttpClient().post(`${server.url}/login`, new URLSearchParams({ a: "1" }));
    assert.deepEqual(server.seen.at(-1)?.names, [
      "Host",
      "User-Agent",
      "Accept",
      "Accept-Language",
      "Accept-Encoding",
      "Content-Type",
      "Content-Length",
      "Connection",
    ]);
    assert.equal(server.seen.at(-1)?.values.get("Content-Length"), "3");
  });

  test("the probe and the RFC 8908 query are canonical too", async () => {
    await probe(`${server.url}/probe`, { userAgent: "UA-probe" });
    const probed = server.seen.at(-1);
    assert.ok(
      probed?.names.every((n) => n === canonicalHeaderName(n)),
      probed?.names.join(","),
    );
    assert.equal(probed?.names[0], "Host");
    assert.equal(probed?.values.get("User-Agent"), "UA-probe");
    await fetchCapportApi(`${server.url}/api`, { allowHttp: true });
    const api = server.seen.at(-1);
    assert.equal(api?.values.get("Accept"), "application/captive+json");
    assert.ok(
      api?.names.every((n) => n === canonicalHeaderName(n)),
      api?.names.join(","),
    );
  });

  test("the default User-Agent says wispr", async () => {
    await createHttpClient().get(`${server.url}/ua`);
    assert.match(server.seen.at(-1)?.values.get("User-Agent") ?? "", /wispr/);
  });

  test("canonicalHeaderName capitalises words and knows the odd ones", () => {
    assert.equal(canonicalHeaderName("user-agent"), "User-Agent");
    assert.equal(canonicalHeaderName("X-REQUESTED-WITH"), "X-Requested-With");
    assert.equal(canonicalHeaderName("dnt"), "DNT");
    assert.equal(canonicalHeaderName("www-authenticate"), "WWW-Authenticate");
  });
});

describe("wire manners: Accept-Language from the locale", () => {
  test("follows LC_ALL, then LC_MESSAGES, then LANG", () => {
    assert.equal(acceptLanguageFor({ LANG: "de_DE.UTF-8" }), "de-DE,de;q=0.9,en;q=0.8");
    assert.equal(acceptLanguageFor({ LANG: "de_DE.UTF-8", LC_MESSAGES: "fr_CA" }), "fr-CA,fr;q=0.9,en;q=0.8");
    assert.equal(
      acceptLanguageFor({ LANG: "de_DE", LC_MESSAGES: "fr", LC_ALL: "pt_BR.utf8@x" }),
      "pt-BR,pt;q=0.9,en;q=0.8",
    );
    assert.equal(acceptLanguageFor({ LANG: "en_GB.UTF-8" }), "en-GB,en;q=0.9");
    assert.equal(acceptLanguageFor({ LANG: "nl" }), "nl,en;q=0.9");
    assert.equal(acceptLanguageFor({ LANG: "es_419.UTF-8" }), "es-419,es;q=0.9,en;q=0.8");
  });

  test("C, POSIX, empty, unset and garbage give en", () => {
    for (const LANG of ["C", "C.UTF-8", "POSIX", "", "  ", "../../etc", "x\r\nEvil: 1"]) {
      assert.equal(acceptLanguageFor({ LANG }), "en", LANG);
    }
    assert.equal(acceptLanguageFor({}), "en");
  });
});

describe("wire manners: compressed bodies", () => {
  const page = `<html>${"terms and conditions ".repeat(200)}</html>`;
  const bomb = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024));
  let server: Awaited<ReturnType<typeof rawServer>>;
  before(async () => {
    server = await rawServer((s) => {
      const path = s.requestLine.split(" ")[1] ?? "";
      const encoded: Record<string, [string, Buffer]> = {
        "/gzip": ["gzip", zlib.gzipSync(page)],
        "/deflate": ["deflate", zlib.deflateSync(page)],
        "/deflate-raw": ["deflate", zlib.deflateRawSync(page)],
        "/br": ["br", zlib.brotliCompressSync(page)],
        "/cut": ["gzip", zlib.gzipSync(page).subarray(0, 200)],
        "/corrupt": ["gzip", Buffer.from("not gzip at all, sorry")],
        "/bomb": ["gzip", bomb],
        "/unknown": ["zstd", Buffer.from("opaque")],
      };
      const hit = encoded[path];
      if (hit === undefined) return response(404, {}, "no");
      return response(200, { "Content-Encoding": hit[0], "Content-Type": "text/html" }, hit[1]);
    });
  });
  after(() => server.close());

  test("gzip, zlib and raw deflate, and brotli bodies are decoded", async () => {
    const http = createHttpClient();
    for (const path of ["/gzip", "/deflate", "/deflate-raw", "/br"]) {
      assert.equal((await http.get(`${server.url}${path}`)).body, page, path);
    }
  });

  test("a body cut short gives what was decoded; an unknown encoding passes through", async () => {
    const http = createHttpClient();
    const cut = await http.get(`${server.url}/cut`);
    assert.ok(cut.body.length > 0 && page.startsWith(cut.body));
    assert.equal((await http.get(`${server.url}/unknown`)).body, "opaque");
  });

  test("a corrupt compressed body is a coded HTTP failure", async () => {
    await assert.rejects(createHttpClient().get(`${server.url}/corrupt`), (e: unknown) => {
      assert.ok(isHotspotError(e) && e.code === "HH_HTTP_FAILED");
      assert.match(e.message, /could not decode the gzip body/);
      return true;
    });
  });

  test("a compression bomb stops at the cap of decoded bytes with a coded error naming the step", async () => {
    assert.ok(bomb.length < 128 * 1024, "the bomb is small on the wire");
    await assert.rejects(
      createHttpClient({ maxBodyBytes: 256 * 1024 }).get(`${server.url}/bomb`),
      (e: unknown) => {
        assert.ok(isHotspotError(e) && e.code === "HH_HTTP_BODY_TOO_LARGE");
        assert.match(e.message, /GET .*\/bomb exceeds 262144 bytes \(decoded gzip body exceeds/);
        return true;
      },
    );
  });

  test("the probe keeps only the capped decoded start of a bomb and still sees a portal", async () => {
    const info = await probe(`${server.url}/bomb`);
    assert.equal(info.verdict, "portal");
    assert.equal(info.status, 200);
  });
});
