import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createHttpClient } from "../../../src/auth/http-client.ts";
import { credentialRefusal, isUnderRealm } from "../../../src/auth/secrets.ts";
import { createWisprClient } from "../../../src/auth/wispr/client.ts";
import { isHotspotError } from "../../../src/errors.ts";
import type { PortalInfo, WisprGatewayInfo } from "../../../src/helper-api/context.ts";

const hosts = [{ host: "gw.listed.example", allowHttp: true }];

describe("credentialRefusal with an account realm", () => {
  test("the realm and hosts under it on a label boundary; a suffix lookalike is not under it", () => {
    assert.equal(isUnderRealm("login.boingo.com", "boingo.com"), true);
    assert.equal(isUnderRealm("a.b.BOINGO.com.", "Boingo.com"), true);
    assert.equal(isUnderRealm("boingo.com", "boingo.com"), true);
    assert.equal(isUnderRealm("evilboingo.com", "boingo.com"), false);
    assert.equal(isUnderRealm("boingo.com.evil.net", "boingo.com"), false);
    assert.equal(isUnderRealm("10.0.0.1", "0.0.1"), false);
  });

  test("TLS to a host under the realm needs no listing; plain HTTP there still does", () => {
    assert.equal(credentialRefusal(new URL("https://login.boingo.com/wispr"), [], "boingo.com"), undefined);
    const http = credentialRefusal(new URL("http://login.boingo.com/wispr"), [], "boingo.com");
    assert.match(
      http ?? "",
      /plain HTTP to login\.boingo\.com is not allowed: the account's `realm` boingo\.com allows TLS only; list login\.boingo\.com in `hosts` with allowHttp/,
    );
    assert.equal(
      credentialRefusal(
        new URL("http://login.boingo.com/wispr"),
        [{ host: "login.boingo.com", allowHttp: true }],
        "boingo.com",
      ),
      undefined,
    );
  });

  test("a refusal names the setting that would allow it", () => {
    assert.match(
      credentialRefusal(new URL("https://evilboingo.com/wispr"), hosts, "boingo.com") ?? "",
      /host evilboingo\.com is neither a declared portal host nor under the account's `realm` boingo\.com: list it in `hosts`, or scope the account/,
    );
    assert.match(
      credentialRefusal(new URL("https://login.boingo.com/wispr"), hosts) ?? "",
      /not a declared portal host: list it in `hosts` .*or, for TLS, scope the account to a `realm`/,
    );
    assert.match(
      credentialRefusal(new URL("http://gw.other.example/"), [{ host: "gw.other.example" }]) ?? "",
      /TLS only, unless gw\.other\.example is listed in `hosts` with allowHttp/,
    );
  });

  test("a realm of one label or an address scopes nothing", () => {
    assert.match(
      credentialRefusal(new URL("https://login.boingo.com/"), [], "com") ?? "",
      /realm com is not a domain name of two or more labels/,
    );
    assert.match(credentialRefusal(new URL("https://10.0.0.1/"), [], "10.0.0.1") ?? "", /is an address/);
  });
});

describe("the HTTP client and the WISPr client with a realm, over real TLS", () => {
  let dir = "";
  let cert = "";
  let server: https.Server;
  let port = 0;
  const seen: string[] = [];
  const toLoopback: LookupFunction = (_host, options, callback) => {
    if (typeof options === "object" && options.all === true)
      callback(null, [{ address: "127.0.0.1", family: 4 }]);
    else callback(null, "127.0.0.1", 4);
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "hh-realm-"));
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        join(dir, "k.pem"),
        "-out",
        join(dir, "c.pem"),
        "-days",
        "1",
        "-subj",
        "/CN=login.boingo.example",
        "-addext",
        "subjectAltName=DNS:login.boingo.example,DNS:evilboingo.example",
      ],
      { stdio: "ignore" },
    );
    cert = readFileSync(join(dir, "c.pem"), "utf8");
    server = https.createServer({ cert, key: readFileSync(join(dir, "k.pem"), "utf8") }, (req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        seen.push(`${req.method} ${req.headers.host} ${req.url} ${body}`);
        res.writeHead(200, { "content-type": "text/html" });
        res.end(`<html><!--<?xml version="1.0"?><WISPAccessGatewayParam><AuthenticationReply>
<MessageType>120</MessageType><ResponseCode>50</ResponseCode></AuthenticationReply></WISPAccessGatewayParam>--></html>`);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    port = typeof address === "object" && address !== null ? address.port : 0;
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  const account = { username: "roamer@boingo.example", password: "r0am-Secret" };
  const client = () =>
    createHttpClient({
      credentials: account,
      portalHosts: [],
      lookup: toLoopback,
      ca: cert,
      pluginId: "wispr",
    });
  const gateway = (host: string, scheme = "https"): WisprGatewayInfo => ({
    message: "Redirect",
    messageType: 100,
    responseCode: 0,
    loginUrl: `${scheme}://${host}:${port}/wispr/login`,
  });
  const portal: PortalInfo = { verdict: "portal", probeUrl: "http://probe.example/generate_204" };

  test("a WISPr login to a TLS LoginURL under the account's realm goes through without a host list", async () => {
    const before = seen.length;
    const outcome = await createWisprClient(client(), portal).login({
      ...account,
      gateway: gateway("login.boingo.example"),
      realm: "boingo.example",
    });
    assert.equal(outcome.result.result, "success");
    assert.equal(seen.length, before + 1);
    assert.match(
      seen.at(-1) ?? "",
      /^POST login\.boingo\.example:\d+ \/wispr\/login UserName=roamer%40boingo\.example/,
    );
  });

  test("the suffix lookalike gets nothing, and the refusal says which setting would allow it and where it goes", async () => {
    const before = seen.length;
    await assert.rejects(
      createWisprClient(client(), portal).login({
        ...account,
        gateway: gateway("evilboingo.example"),
        realm: "boingo.example",
      }),
      (e) => {
        assert.ok(isHotspotError(e, "HH_CREDENTIAL_HOST_REFUSED"));
        assert.match(
          e.message,
          /to https:\/\/evilboingo\.example:\d+\/wispr\/login: host evilboingo\.example is neither a declared portal host nor under the account's `realm` boingo\.example/,
        );
        return true;
      },
    );
    assert.equal(seen.length, before);
  });

  test("the same account without a realm is refused at the realm's own host", async () => {
    await assert.rejects(
      createWisprClient(client(), portal).login({ ...account, gateway: gateway("login.boingo.example") }),
      (e) => isHotspotError(e, "HH_CREDENTIAL_HOST_REFUSED") && /list it in `hosts`/.test(e.message),
    );
  });

  test("plain HTTP under the realm is refused before anything is sent", async () => {
    const before = seen.length;
    await assert.rejects(
      createWisprClient(client(), portal).login({
        ...account,
        gateway: gateway("login.boingo.example", "http"),
        realm: "boingo.example",
      }),
      (e) => isHotspotError(e, "HH_CREDENTIAL_HOST_REFUSED") && /allows TLS only/.test(e.message),
    );
    assert.equal(seen.length, before);
  });
});
