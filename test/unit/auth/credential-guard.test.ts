import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import { createHttpClient, type HttpRequestLogEntry } from "../../../src/auth/http-client.ts";
import {
  compileSecrets,
  credentialRefusal,
  matchingPortalHosts,
  secretLeaves,
} from "../../../src/auth/secrets.ts";
import { type HotspotError, isHotspotError } from "../../../src/errors.ts";
import { serve, TEST_CA, type TestServer } from "./servers.ts";

const credentials = { username: "ann@example.net", password: "pä ss&w=rd+'1", nested: { pin: ["4711"] } };
const secretSpellings = (s: string): string[] => [
  s,
  encodeURIComponent(s),
  new URLSearchParams({ a: s }).toString().slice(2),
];
const ALL_SPELLINGS = secretLeaves(credentials).flatMap(secretSpellings);

const servers: TestServer[] = [];
async function echoServer(opts: { tls?: boolean } = {}): Promise<TestServer> {
  const s = await serve((req, res) => {
    if (req.url.startsWith("/redirect-307")) {
      res.writeHead(307, { location: "http://127.0.0.1:1/collect" }).end();
    } else if (req.url.startsWith("/remember")) {
      res.writeHead(200, { "set-cookie": `user=${credentials.username}; Path=/` }).end();
    } else {
      res.writeHead(200).end("ok");
    }
  }, opts);
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function refused(e: unknown): e is HotspotError {
  return isHotspotError(e, "HH_CREDENTIAL_HOST_REFUSED");
}

describe("credential guard", () => {
  test("refuses a secret in the body to an undeclared host and sends nothing", async () => {
    const server = await echoServer();
    const client = createHttpClient({
      credentials,
      portalHosts: [{ host: "localhost", allowHttp: true }],
      pluginId: "cafe",
    });
    const body = new URLSearchParams({ user: credentials.username, pass: credentials.password });
    await assert.rejects(client.post(`${server.url}/login?step=2`, body), (e) => {
      if (!refused(e)) return false;
      assert.equal(e.params.plugin, "cafe");
      assert.equal(e.params.url, `${server.url}/login`);
      assert.match(String(e.params.reason), /not a declared portal host/);
      assert.match(
        e.message,
        /; if 127\.0\.0\.1 is the operator's real portal, declare \{ host: "127\.0\.0\.1" \} in the plugin's portalHosts \(declared now: localhost\) or, for a plugin that reads its portal host from its config, under plugins\.cafe\.config in the config file$/,
      );
      return true;
    });
    assert.equal(server.requests.length, 0);
  });

  test("refuses plain HTTP to a declared host without allowHttp and sends nothing", async () => {
    const server = await echoServer();
    const client = createHttpClient({ credentials, portalHosts: [{ host: "127.0.0.1" }] });
    await assert.rejects(
      client.post(`${server.url}/login`, new URLSearchParams({ p: credentials.password })),
      (e) => {
        if (!refused(e)) return false;
        assert.match(String(e.params.reason), /plain HTTP/);
        assert.match(
          e.message,
          /; if the portal really has no TLS, set allowHttp: true on 127\.0\.0\.1 in the plugin's portalHosts/,
        );
        return true;
      },
    );
    assert.equal(server.requests.length, 0);
  });

  test("permits plain HTTP to a declared host with allowHttp", async () => {
    const server = await echoServer();
    const client = createHttpClient({ credentials, portalHosts: [{ host: "127.0.0.1", allowHttp: true }] });
    const res = await client.post(`${server.url}/login`, new URLSearchParams({ p: credentials.password }));
    assert.equal(res.status, 200);
    assert.equal(server.requests.length, 1);
    assert.equal(new URLSearchParams(server.requests[0]?.body).get("p"), credentials.password);
  });

  test("permits HTTPS to a declared host without allowHttp", async () => {
    const server = await echoServer({ tls: true });
    const client = createHttpClient({ credentials, portalHosts: [{ host: "127.0.0.1" }], ca: TEST_CA });
    const res = await client.post(`${server.url}/login`, new URLSearchParams({ p: credentials.password }));
    assert.equal(res.status, 200);
    assert.equal(server.requests.length, 1);
  });

  test("finds secrets in the query, in headers and in other encodings", async () => {
    const server = await echoServer();
    const client = createHttpClient({ credentials, portalHosts: [] });
    const lowerHex = encodeURIComponent(credentials.password).replace(/%[0-9A-F]{2}/g, (m) =>
      m.toLowerCase(),
    );
    const attempts = [
      () => client.get(`${server.url}/x?u=${encodeURIComponent(credentials.username)}`),
      () => client.get(`${server.url}/x`, { headers: { authorization: `Basic ${credentials.password}` } }),
      () => client.post(`${server.url}/x`, `p=${lowerHex}`),
      () => client.post(`${server.url}/x`, JSON.stringify({ pin: "4711" })),
      () => client.get(`${server.url}/x/${credentials.password}`),
    ];
    for (const attempt of attempts) await assert.rejects(attempt(), refused);
    assert.equal(server.requests.length, 0);
  });

  test("finds secrets inside HTTP Basic credentials (base64 of user:password)", async () => {
    const server = await echoServer();
    const client = createHttpClient({ credentials, portalHosts: [] });
    const basic = Buffer.from(`${credentials.username}:${credentials.password}`, "utf8").toString("base64");
    await assert.rejects(
      client.get(`${server.url}/x`, { headers: { Authorization: `Basic ${basic}` } }),
      refused,
    );
    assert.equal(server.requests.length, 0);
  });

  test("finds a secret with quotes or backslashes in a JSON body", async () => {
    const server = await echoServer();
    const client = createHttpClient({ credentials: { password: 'se"cr\\et' }, portalHosts: [] });
    await assert.rejects(client.post(`${server.url}/x`, JSON.stringify({ password: 'se"cr\\et' })), refused);
    assert.equal(server.requests.length, 0);
  });

  test("requests without secrets go anywhere", async () => {
    const server = await echoServer();
    const client = createHttpClient({ credentials, portalHosts: [] });
    assert.equal((await client.get(`${server.url}/x?u=someone`)).status, 200);
  });

  test("a redirect hop that would carry the body to an undeclared host is refused before it is sent", async () => {
    const server = await echoServer();
    const client = createHttpClient({ credentials, portalHosts: [{ host: "localhost", allowHttp: true }] });
    const url = `http://localhost:${server.port}/redirect-307`;
    await assert.rejects(
      client.post(url, new URLSearchParams({ p: credentials.password }), { followRedirects: true }),
      refused,
    );
    assert.equal(server.requests.length, 1);
  });

  test("a secret kept in a cookie is guarded like one in the request", async () => {
    const tls = await echoServer({ tls: true });
    const plain = await echoServer();
    const client = createHttpClient({ credentials, portalHosts: [{ host: "127.0.0.1" }], ca: TEST_CA });
    await client.get(`${tls.url}/remember`);
    await assert.rejects(client.get(`${plain.url}/next`), refused);
    assert.equal(plain.requests.length, 0);
  });

  test("secrets never appear in onRequest entries or error messages", async () => {
    const server = await echoServer();
    const entries: HttpRequestLogEntry[] = [];
    const hosts = [{ host: "localhost", allowHttp: true }];
    const client = createHttpClient({ credentials, portalHosts: hosts, onRequest: (e) => entries.push(e) });
    const query = new URLSearchParams({ user: credentials.username, pw: credentials.password }).toString();
    await client.get(`http://localhost:${server.port}/ok?${query}`);
    const error = await client.get(`${server.url}/no?${query}`).catch((e: unknown) => e);
    assert.ok(refused(error));
    assert.equal(entries.length, 2);
    assert.match(entries[0]?.url ?? "", /\/ok\?user=\*\*\*&pw=\*\*\*$/);
    assert.equal(entries[1]?.error, "HH_CREDENTIAL_HOST_REFUSED");
    const captured = JSON.stringify(entries) + String(error) + JSON.stringify(error.params);
    for (const spelling of ALL_SPELLINGS) assert.ok(!captured.includes(spelling), `leaked ${spelling}`);
  });
});

describe("secret helpers", () => {
  test("every non-empty string leaf is a secret; a number only when its decimal spelling has 4+ characters", () => {
    assert.deepEqual(
      secretLeaves({ a: "x", b: ["y", { c: "z" }], n: 3, m: -12, pin: 482913, e: "", f: 4711.5 }).sort(),
      ["4711.5", "482913", "x", "y", "z"],
    );
  });

  test("a 6-digit numeric PIN is redacted from text", () => {
    assert.equal(compileSecrets({ pin: 482913 }).redact("pin=482913&n=3"), "pin=***&n=3");
  });

  test("a 6-digit numeric PIN is refused to an undeclared host and nothing is sent", async () => {
    const server = await echoServer();
    const client = createHttpClient({
      credentials: { pin: 482913 },
      portalHosts: [{ host: "localhost", allowHttp: true }],
      pluginId: "cafe",
    });
    await assert.rejects(client.post(`${server.url}/login`, "pin=482913"), refused);
    assert.equal(server.requests.length, 0);
  });

  test("redact replaces every spelling with ***", () => {
    const set = compileSecrets({ p: "a b/c" });
    assert.equal(set.redact("q=a+b%2Fc&r=a%20b%2Fc&s=a b/c"), "q=***&r=***&s=***");
  });

  test("redact replaces the JSON-escaped spelling of a secret", () => {
    const set = compileSecrets({ p: 'a"b\\c' });
    assert.equal(set.redact(JSON.stringify({ p: 'a"b\\c' })), '{"p":"***"}');
  });

  test("wildcard portal hosts match subdomains but not the bare suffix", () => {
    const hosts = [{ host: "*.example.net" }, { host: "Login.Operator.test", allowHttp: true }];
    assert.equal(matchingPortalHosts("a.example.net", hosts).length, 1);
    assert.equal(matchingPortalHosts("a.b.example.net", hosts).length, 1);
    assert.equal(matchingPortalHosts("example.net", hosts).length, 0);
    assert.equal(matchingPortalHosts("badexample.net", hosts).length, 0);
    assert.equal(matchingPortalHosts("login.operator.test", hosts).length, 1);
  });

  test("credentialRefusal allows https to declared hosts and http only with allowHttp", () => {
    const hosts = [{ host: "*.example.net" }, { host: "plain.test", allowHttp: true }];
    assert.equal(credentialRefusal(new URL("https://a.example.net/x"), hosts), undefined);
    assert.match(credentialRefusal(new URL("http://a.example.net/x"), hosts) ?? "", /plain HTTP/);
    assert.equal(credentialRefusal(new URL("http://plain.test/x"), hosts), undefined);
    assert.match(credentialRefusal(new URL("https://evil.test/x"), hosts) ?? "", /not a declared/);
  });
});
