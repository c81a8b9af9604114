import assert from "node:assert/strict";
import http from "node:http";
import { describe, test } from "node:test";
import { createFormHelper } from "../../../src/auth/forms.ts";
import { createHttpClient } from "../../../src/auth/http-client.ts";
import { probe } from "../../../src/auth/probe.ts";
import { isHotspotError } from "../../../src/errors.ts";
import { CAPTIVE_JSON, entityBomb } from "../../../src/harness/index.ts";
import { clientFor, wisprField, wisprXml, withPortal } from "./helpers.ts";

const account = { username: "victim", password: "do-not-leak-0xC0FFEE" };

/** Downloads `url` fully and counts the bytes without keeping them. */
function countBytes(url: string): Promise<{ status: number; length: string | undefined; bytes: number }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let bytes = 0;
        res.on("data", (c: Buffer) => {
          bytes += c.length;
        });
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, length: res.headers["content-length"], bytes }),
        );
        res.on("error", reject);
      })
      .on("error", reject);
  });
}

describe("hostile", () => {
  test("redirect-loop: the probe is sent into a cycle a redirect-following client gives up on", () =>
    withPortal({ scenario: "hostile" }, async (portal) => {
      const detected = await probe(portal.probeUrl);
      assert.equal(detected.loginUrl, `${portal.url}/loop/1`);
      await assert.rejects(
        createHttpClient().get(detected.loginUrl ?? "", { followRedirects: true, maxRedirects: 8 }),
        (e) => isHotspotError(e, "HH_HTTP_TOO_MANY_REDIRECTS"),
      );
      assert.deepEqual(
        portal.log.slice(1, 5).map((e) => e.path),
        ["/loop/1", "/loop/2", "/loop/3", "/loop/1"],
      );
    }));

  test("huge-body: the login page is 50 MB, streamed in full to a reader and cut off by a capped client", () =>
    withPortal({ scenario: "hostile:huge-body" }, async (portal) => {
      const detected = await probe(portal.probeUrl);
      assert.equal(detected.loginUrl, `${portal.url}/huge`);
      await assert.rejects(createHttpClient().get(detected.loginUrl ?? ""), (e) =>
        isHotspotError(e, "HH_HTTP_BODY_TOO_LARGE"),
      );
      const full = await countBytes(`${portal.url}/huge`);
      assert.deepEqual(full, { status: 200, length: String(50 * 1024 * 1024), bytes: 50 * 1024 * 1024 });
    }));

  test("gzip-bomb: a small gzip login page inflating to 256 MiB stops at the decoded cap with a coded error", () =>
    withPortal({ scenario: "hostile:gzip-bomb" }, async (portal) => {
      const detected = await probe(portal.probeUrl);
      assert.equal(detected.loginUrl, `${portal.url}/gzip-bomb`);
      await assert.rejects(createHttpClient().get(detected.loginUrl ?? ""), (e) => {
        assert.ok(isHotspotError(e, "HH_HTTP_BODY_TOO_LARGE"));
        assert.match(
          e.message,
          /^response to GET \S+\/gzip-bomb exceeds 1048576 bytes \(decoded gzip body exceeds/,
        );
        return true;
      });
      const sent = portal.log.find((e) => e.path === "/gzip-bomb");
      assert.equal(sent?.status, 200);
    }));

  test("xml-bomb: the intercepted WISPr Redirect declares nested entities and uses the deepest in LoginURL", () =>
    withPortal({ scenario: "hostile:xml-bomb" }, async (portal) => {
      const res = await createHttpClient().get(portal.probeUrl);
      const xml = wisprXml(res.body);
      assert.match(xml, /<!DOCTYPE WISPAccessGatewayParam \[/);
      assert.match(xml, /<!ENTITY l0 "lol">/);
      assert.match(xml, /<!ENTITY l10 "(&l9;){10}">/);
      assert.equal(wisprField(xml, "LoginURL"), `${portal.url}/wispr/login?x=&l10;`);
      assert.ok(res.body.length < 4096);
      assert.deepEqual(entityBomb(2).reference, "&l2;");
    }));

  test("bad-api-json: the RFC 8908 API answers truncated JSON with the captive+json media type", () =>
    withPortal({ scenario: "hostile:bad-api-json" }, async (portal) => {
      const res = await clientFor(portal).get(portal.apiUrl ?? "");
      assert.equal(res.headers["content-type"], CAPTIVE_JSON);
      assert.throws(() => JSON.parse(res.body), SyntaxError);
    }));

  test("bad-api-json can also answer the wrong types", () =>
    withPortal({ scenario: "hostile:bad-api-json", params: { badJson: "wrong-types" } }, async (portal) => {
      const res = await clientFor(portal).get(portal.apiUrl ?? "");
      assert.deepEqual(JSON.parse(res.body), {
        captive: "yes",
        "seconds-remaining": "soon",
        "user-portal-url": 42,
      });
    }));

  test("evil-twin: the cafe's login page on an undeclared host; the guard keeps the password and the record shows nothing arrived", () =>
    withPortal({ scenario: "hostile:evil-twin", credentials: account }, async (portal) => {
      const detected = await probe(portal.probeUrl);
      const login = new URL(detected.loginUrl ?? "");
      assert.equal(login.hostname, "localhost");
      const guarded = createHttpClient({
        credentials: account,
        portalHosts: [{ host: "127.0.0.1", allowHttp: true }],
      });
      const forms = createFormHelper(guarded);
      const { page, forms: found } = await forms.load(login.href);
      assert.match(page.body, /Sign in to Cafe Wi-Fi/);
      const form = found[0];
      assert.ok(form);
      await assert.rejects(forms.submit(form, account), (e) =>
        isHotspotError(e, "HH_CREDENTIAL_HOST_REFUSED"),
      );
      assert.deepEqual(portal.receivedCredentials, []);
    }));

  test("evil-twin records the credentials of a client without a guard", () =>
    withPortal({ scenario: "hostile:evil-twin", credentials: account }, async (portal) => {
      const forms = createFormHelper(createHttpClient());
      const form = (await forms.load((await probe(portal.probeUrl)).loginUrl ?? "")).forms[0];
      assert.ok(form);
      await forms.submit(form, account);
      assert.deepEqual(portal.receivedCredentials, [
        {
          username: account.username,
          password: account.password,
          host: new URL(form.action).host,
          path: "/twin/login",
        },
      ]);
    }));
});
