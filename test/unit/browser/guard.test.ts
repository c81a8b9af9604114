import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createBrowserGuard } from "../../../src/browser/guard.ts";

const guard = createBrowserGuard({
  credentials: { username: "alice", password: 'pa"ss w/rd' },
  portalHosts: [{ host: "login.portal.example" }, { host: "plain.portal.example", allowHttp: true }],
  pluginId: "p",
});
const check = (url: string, opts: { headers?: Record<string, string>; body?: string } = {}) =>
  guard.check({ url: new URL(url), method: "POST", headers: opts.headers ?? {}, body: opts.body });

describe("the browser's credential guard", () => {
  test("refuses a secret to an undeclared host in the URL, a header, a JSON body or HTTP Basic", () => {
    const spellings: [string, Parameters<typeof check>[1]][] = [
      ["https://evil.example/c?u=alice", {}],
      ["https://evil.example/c", { body: JSON.stringify({ p: 'pa"ss w/rd' }) }],
      ["https://evil.example/c", { body: "p=pa%22ss+w%2Frd" }],
      [
        "https://evil.example/c",
        { headers: { authorization: `Basic ${Buffer.from('bob:pa"ss w/rd').toString("base64")}` } },
      ],
      ["https://evil.example/c", { headers: { "x-user": "alice" } }],
    ];
    for (const [url, opts] of spellings) {
      const refused = check(url, opts);
      assert.equal(refused?.code, "HH_CREDENTIAL_HOST_REFUSED", `${url} ${JSON.stringify(opts)}`);
      assert.ok(!refused.message.includes("alice") && !refused.message.includes("w/rd"), refused.message);
    }
  });

  test("allows a declared host over TLS, and over plain HTTP only where allowHttp says so", () => {
    assert.equal(check("https://login.portal.example/login", { body: "u=alice" }), undefined);
    assert.equal(check("http://plain.portal.example/login", { body: "u=alice" }), undefined);
    assert.match(
      check("http://login.portal.example/login", { body: "u=alice" })?.message ?? "",
      /plain HTTP/,
    );
  });

  test("lets requests without secrets go anywhere", () => {
    assert.equal(check("http://tracker.example/pixel.gif?page=login"), undefined);
  });
});
