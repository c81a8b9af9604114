import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createCookieJar, defaultPath, domainMatches, pathMatches } from "../../../src/auth/cookies.ts";

function clock(start = 1_700_000_000_000) {
  let t = start;
  return {
    now: () => t,
    advance(ms: number) {
      t += ms;
    },
  };
}

describe("cookie jar", () => {
  test("a cookie without Domain is host-only", () => {
    const jar = createCookieJar();
    jar.setCookies(["sid=abc"], "http://portal.example.net/login");
    assert.equal(jar.cookieHeader("http://portal.example.net/login"), "sid=abc");
    assert.equal(jar.cookieHeader("http://sub.portal.example.net/login"), undefined);
    assert.equal(jar.cookieHeader("http://example.net/login"), undefined);
  });

  test("a Domain cookie goes to the domain and its subdomains", () => {
    const jar = createCookieJar();
    jar.setCookies(["sid=abc; Domain=.example.net; Path=/"], "http://portal.example.net/");
    assert.equal(jar.cookieHeader("http://example.net/"), "sid=abc");
    assert.equal(jar.cookieHeader("http://a.b.example.net/x"), "sid=abc");
    assert.equal(jar.cookieHeader("http://notexample.net/"), undefined);
  });

  test("a Domain the server does not belong to is ignored", () => {
    const jar = createCookieJar();
    jar.setCookies(["sid=abc; Domain=evil.example"], "http://portal.example.net/");
    assert.deepEqual(jar.list(), []);
  });

  test("without Path the default path is the request's directory", () => {
    const jar = createCookieJar();
    jar.setCookies(["a=1"], "http://h.test/portal/login.php");
    assert.equal(jar.cookieHeader("http://h.test/portal/accept"), "a=1");
    assert.equal(jar.cookieHeader("http://h.test/portal"), "a=1");
    assert.equal(jar.cookieHeader("http://h.test/portalx"), undefined);
    assert.equal(jar.cookieHeader("http://h.test/"), undefined);
  });

  test("more specific paths are sent first", () => {
    const jar = createCookieJar();
    jar.setCookies(["a=root; Path=/", "b=deep; Path=/portal"], "http://h.test/");
    assert.equal(jar.cookieHeader("http://h.test/portal/x"), "b=deep; a=root");
  });

  test("Secure cookies are sent only over https", () => {
    const jar = createCookieJar();
    jar.setCookies(["s=1; Secure; Path=/"], "https://h.test/");
    assert.equal(jar.cookieHeader("http://h.test/"), undefined);
    assert.equal(jar.cookieHeader("https://h.test/"), "s=1");
  });

  test("a cookie with the same name, domain and path overwrites the old value", () => {
    const jar = createCookieJar();
    jar.setCookies(["sid=old; Path=/"], "http://h.test/");
    jar.setCookies(["sid=new; Path=/"], "http://h.test/");
    assert.equal(jar.cookieHeader("http://h.test/"), "sid=new");
    assert.equal(jar.list().length, 1);
  });

  test("Max-Age expires a cookie after that many seconds", () => {
    const c = clock();
    const jar = createCookieJar({ now: c.now });
    jar.setCookies(["t=1; Max-Age=60; Path=/"], "http://h.test/");
    c.advance(59_000);
    assert.equal(jar.cookieHeader("http://h.test/"), "t=1");
    c.advance(2_000);
    assert.equal(jar.cookieHeader("http://h.test/"), undefined);
  });

  test("Max-Age wins over Expires", () => {
    const c = clock();
    const jar = createCookieJar({ now: c.now });
    jar.setCookies(["t=1; Max-Age=10; Expires=Wed, 01 Jan 2099 00:00:00 GMT; Path=/"], "http://h.test/");
    c.advance(11_000);
    assert.equal(jar.cookieHeader("http://h.test/"), undefined);
  });

  test("Expires in the past or Max-Age=0 deletes an existing cookie", () => {
    const jar = createCookieJar();
    jar.setCookies(["a=1; Path=/", "b=2; Path=/"], "http://h.test/");
    jar.setCookies(
      ["a=; Max-Age=0; Path=/", "b=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/"],
      "http://h.test/",
    );
    assert.equal(jar.cookieHeader("http://h.test/"), undefined);
  });

  test("malformed Set-Cookie values are ignored", () => {
    const jar = createCookieJar();
    jar.setCookies(["novalue", "=nameless", "ok=1"], "http://h.test/");
    assert.deepEqual(
      jar.list().map((c) => c.name),
      ["ok"],
    );
  });

  test("clear empties the jar", () => {
    const jar = createCookieJar();
    jar.setCookies(["a=1"], "http://h.test/");
    jar.clear();
    assert.equal(jar.cookieHeader("http://h.test/"), undefined);
  });
});

describe("cookie matching rules", () => {
  test("domainMatches rejects suffix matches on IP addresses", () => {
    assert.equal(domainMatches("127.0.0.1", "0.0.1"), false);
    assert.equal(domainMatches("127.0.0.1", "127.0.0.1"), true);
  });

  test("defaultPath and pathMatches follow RFC 6265", () => {
    assert.equal(defaultPath(new URL("http://h/")), "/");
    assert.equal(defaultPath(new URL("http://h/a")), "/");
    assert.equal(defaultPath(new URL("http://h/a/b/c")), "/a/b");
    assert.equal(pathMatches("/a/b", "/a"), true);
    assert.equal(pathMatches("/a/b", "/a/"), true);
    assert.equal(pathMatches("/ab", "/a"), false);
  });
});
